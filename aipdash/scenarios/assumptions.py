"""A scenario's assumptions as one plain value (`Assumptions`), their bounds and messages, and
where each default comes from (`DEFAULT_BASIS`).

No ORM: the model (models.py), a form or a query string that is not saved yet, and a shared
link's stored copy all become the same `Assumptions`, validated by the same rules with the same
messages, keyed by the model's field names (`from_fields`, `to_fields`). The arithmetic
(arithmetic.py) reads only this value.
"""

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from projects.models import MarketIndicator, Project, Stage

ZERO = Decimal(0)
HUNDRED = Decimal(100)

# The stages a phase can still slip or fall out of: what is online, paused or cancelled stays.
OPEN_STAGES = (Stage.ANNOUNCED, Stage.DEVELOPMENT, Stage.CONSTRUCTION)
KINDS = tuple(Project.Kind.values)
# The published demand cases a scenario may pick (MarketIndicator.Scenario, without the
# history and the reference series, which are not cases of the demand).
DEMAND_CASES = (
    MarketIndicator.Scenario.BASE,
    MarketIndicator.Scenario.HIGH,
    MarketIndicator.Scenario.PROJECTION,
)
DEFAULT_DEMAND_CASE = MarketIndicator.Scenario.BASE

# The model's field of each assumption (and the keys of `from_fields` / `to_fields`).
SLIP_FIELDS = {stage: f"slip_{stage}_months" for stage in OPEN_STAGES}
ATTRITION_FIELDS = {stage: f"attrition_{stage}_pct" for stage in OPEN_STAGES}
COST_FIELDS = {kind: f"cost_per_mw_{kind}_usd" for kind in KINDS}
ASSUMPTION_FIELDS = (
    *SLIP_FIELDS.values(),
    *ATTRITION_FIELDS.values(),
    "attrition_by_kind",
    "leverage",
    *COST_FIELDS.values(),
    "demand_case",
)
# The groups an assumption's source is given for (`assumption_sources`), with their fields.
GROUPS = {
    "slip": tuple(SLIP_FIELDS.values()),
    "attrition": (*ATTRITION_FIELDS.values(), "attrition_by_kind"),
    "leverage": ("leverage",),
    "cost_per_mw": tuple(COST_FIELDS.values()),
    "demand_case": ("demand_case",),
}

# Bounds (the database holds them too: models.py). Ten years of slip is already a project
# that is not coming; 10 : 1 is past what project finance lends against equity; per MW, below
# $10,000 or above $100 million is a typing error (a unit slip of a thousand), not a cost.
SLIP_MAX = 120
LEVERAGE_MAX = Decimal(10)
COST_PER_MW_MIN = Decimal(10_000)
COST_PER_MW_MAX = Decimal(100_000_000)
SLIP_MESSAGE = f"A slip from 0 to {SLIP_MAX} months (whole months)."
ATTRITION_MESSAGE = "An attrition from 0 to 100 percent of the MW."
LEVERAGE_MESSAGE = (
    f"A leverage from 0 to {LEVERAGE_MAX:.0f} (dollars of debt per dollar of equity)."
)
COST_PER_MW_MESSAGE = (
    f"A cost per MW from ${COST_PER_MW_MIN:,.0f} to ${COST_PER_MW_MAX:,.0f}; "
    "leave it empty for the portfolio's median."
)
DEMAND_CASE_MESSAGE = "One of the published cases: " + ", ".join(DEMAND_CASES) + "."


class AssumptionsError(ValueError):
    """Assumptions that are not valid; `errors` maps each field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Basis:
    """Where an assumption's value comes from: a published source (title, URL, as-of date),
    the recorded portfolio itself, or an assumption of ours (no source: said so)."""

    SOURCE, RECORDED, OURS = "source", "recorded", "ours"

    kind: str
    note: str
    title: str = ""
    url: str = ""
    as_of: dt.date | None = None

    def to_json(self) -> dict[str, str | None]:
        data: dict[str, str | None] = {"kind": self.kind, "note": self.note}
        if self.kind == self.SOURCE:
            as_of = self.as_of.isoformat() if self.as_of else None  # as from_json reads it
            data |= {"title": self.title, "url": self.url, "as_of": as_of}
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Basis":
        as_of = data.get("as_of")
        return cls(
            kind=data["kind"],
            note=data.get("note", ""),
            title=data.get("title", ""),
            url=data.get("url", ""),
            as_of=dt.date.fromisoformat(as_of) if as_of else None,
        )


# The sources of the defaults (and of the shipped scenarios). Figures of /work/shared/data's
# aip_facts.csv (the demo's public facts) or pages read and cited as they stand.
PARTNERSHIP_LEVERAGE = Basis(
    Basis.SOURCE,
    "The partnership's own framing: $30bn of equity to mobilise up to $100bn of investment "
    "including debt, so $70bn of debt on $30bn of equity, about 2.33 : 1.",
    title="[no headline in corpus] American Public Power Association news item on the GAIIP launch",
    url="https://publicpower.org/node/24267",
    as_of=dt.date(2024, 9, 17),
)
IEA_BASE_CASE = Basis(
    Basis.SOURCE,
    "IEA, Energy and AI: the base case (about 945 TWh of data-centre demand by 2030).",
    title="[URL slug] algo-rhythm-energy-demand-of-ai-data-centres-to-double-by-2030 "
    "(Business Standard, 13 Apr 2025)",
    url="https://www.business-standard.com/amp/technology/tech-news/algo-rhythm-energy-demand-"
    "of-ai-data-centres-to-double-by-2030-125041300687_1.html",
    as_of=dt.date(2025, 4, 10),
)
# No source of ours gives a completion rate of announced capacity (the demo's public facts,
# /work/shared/data, have none), and the EC&M article that quotes Berkeley Lab's rates was not
# read with a date: so the rates are an assumption of ours, said so, with where they come from
# and no as-of date claimed.
QUEUED_UP_RATES = Basis(
    Basis.OURS,
    "An assumption of ours, after the rates EC&M (ecmag.com, “Queue up to hook up to the "
    "grid”) attributes to Berkeley Lab's Queued Up: of the capacity that sought "
    "interconnection in 2000–2018, about 14 % was built, batteries 11 %. Not checked against "
    "the report; no date claimed.",
)
DEFAULT_BASIS = {
    "slip": Basis(Basis.RECORDED, "No slip: each phase's own expected online date."),
    "attrition": Basis(Basis.RECORDED, "No attrition: every recorded MW comes online."),
    "leverage": PARTNERSHIP_LEVERAGE,
    "cost_per_mw": Basis(
        Basis.RECORDED,
        "Per kind, the median of the recorded capital cost per MW of the portfolio's projects "
        "of that kind (shown with how many projects it rests on).",
    ),
    "demand_case": IEA_BASE_CASE,
}


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _whole(value: object) -> int | None:
    number = _decimal(value)
    if number is None or number != number.to_integral_value():
        return None
    return int(number)


def attrition_by_kind_errors(value: object) -> list[str]:
    """What is wrong with a per-kind attrition: {kind: {stage: percent}}, kinds and stages known,
    each percent 0 to 100; empty for none. Strict: an unknown key is an error, not ignored."""
    if value in (None, ""):
        return []
    if not isinstance(value, Mapping):
        return [
            "Per-kind attrition is {kind: {stage: percent}}, such as "
            '{"generation": {"announced": 86}}.'
        ]
    errors = []
    for kind, stages in value.items():
        if kind not in KINDS:
            errors.append(f"Unknown project kind “{str(kind)[:40]}”: one of {', '.join(KINDS)}.")
            continue
        if not isinstance(stages, Mapping) or not stages:
            errors.append(f'For {kind}: {{stage: percent}}, such as {{"announced": 50}}.')
            continue
        for stage, pct in stages.items():
            if stage not in OPEN_STAGES:
                errors.append(
                    f"For {kind}: unknown stage “{str(stage)[:40]}”: one of "
                    f"{', '.join(OPEN_STAGES)}."
                )
            elif isinstance(pct, bool) or (number := _decimal(pct)) is None:
                errors.append(f"For {kind}, {stage}: a number from 0 to 100.")
            elif not ZERO <= number <= HUNDRED:
                errors.append(f"For {kind}, {stage}: {ATTRITION_MESSAGE}")
    return errors


@dataclass(frozen=True)
class Assumptions:
    """A scenario's assumptions. The default is the recorded portfolio: no slip, no attrition,
    the partnership's leverage and the portfolio's median costs per MW (None: the default)."""

    slip_months: Mapping[str, int] = field(default_factory=lambda: dict.fromkeys(OPEN_STAGES, 0))
    attrition_pct: Mapping[str, Decimal] = field(
        default_factory=lambda: dict.fromkeys(OPEN_STAGES, ZERO)
    )
    # {kind: {stage: percent}}: replaces attrition_pct for that kind and stage.
    attrition_by_kind: Mapping[str, Mapping[str, Decimal]] = field(default_factory=dict)
    leverage: Decimal | None = None
    cost_per_mw: Mapping[str, Decimal | None] = field(default_factory=lambda: dict.fromkeys(KINDS))
    demand_case: str = DEFAULT_DEMAND_CASE

    # -- what the arithmetic asks -------------------------------------------------------------

    def slip(self, stage: str) -> int:
        """Months by which a phase of `stage` moves (0 for a stage that is not open)."""
        return self.slip_months.get(stage, 0)

    def attrition(self, stage: str, kind: str | None = None) -> Decimal:
        """Percent of the MW of a phase of `stage` and `kind` that never comes online."""
        if stage not in OPEN_STAGES:
            return ZERO
        by_kind = self.attrition_by_kind.get(kind, {}) if kind else {}
        return by_kind.get(stage, self.attrition_pct.get(stage, ZERO))

    def survival(self, stage: str, kind: str | None = None) -> Decimal:
        """The share of the MW that comes online: exactly 1 without attrition."""
        return (HUNDRED - self.attrition(stage, kind)) / HUNDRED

    @property
    def moves_nothing(self) -> bool:
        """No slip and no attrition: the MW and dates are the recorded ones."""
        return not any(self.slip_months.values()) and all(
            self.attrition(stage, kind) == 0 for stage in OPEN_STAGES for kind in KINDS
        )

    # -- as fields --------------------------------------------------------------------------

    @classmethod
    def from_fields(cls, values: Mapping[str, Any]) -> "Assumptions":
        """From the model's field names (missing: the default), numbers or their text (a form,
        a query string, JSON). Raises AssumptionsError naming each wrong field."""
        errors: dict[str, str] = {}
        slip: dict[str, int] = {}
        for stage, name in SLIP_FIELDS.items():
            months = _whole(values.get(name, 0) or 0)
            if months is None or not 0 <= months <= SLIP_MAX:
                errors[name] = SLIP_MESSAGE
            else:
                slip[stage] = months
        attrition: dict[str, Decimal] = {}
        for stage, name in ATTRITION_FIELDS.items():
            pct = _decimal(values.get(name, 0) or 0)
            if pct is None or not ZERO <= pct <= HUNDRED:
                errors[name] = ATTRITION_MESSAGE
            else:
                attrition[stage] = pct
        by_kind = values.get("attrition_by_kind") or {}
        if isinstance(by_kind, str):
            try:
                by_kind = json.loads(by_kind)
            except ValueError:
                by_kind = None
        per_kind: dict[str, dict[str, Decimal]] = {}
        if problems := attrition_by_kind_errors(by_kind if by_kind is not None else "?"):
            errors["attrition_by_kind"] = " ".join(problems)
        elif isinstance(by_kind, Mapping):  # else "" (the JSON text): valid, empty for none
            per_kind = {  # valid: every percent is a number
                kind: {
                    stage: pct for stage, v in stages.items() if (pct := _decimal(v)) is not None
                }
                for kind, stages in by_kind.items()
            }
        leverage = _decimal(values.get("leverage"))
        if values.get("leverage") not in (None, "") and (
            leverage is None or not ZERO <= leverage <= LEVERAGE_MAX
        ):
            errors["leverage"] = LEVERAGE_MESSAGE
        cost: dict[str, Decimal | None] = {}
        for kind, name in COST_FIELDS.items():
            usd = _decimal(values.get(name))
            if values.get(name) not in (None, "") and (
                usd is None or not COST_PER_MW_MIN <= usd <= COST_PER_MW_MAX
            ):
                errors[name] = COST_PER_MW_MESSAGE
            else:
                cost[kind] = usd
        case = values.get("demand_case") or DEFAULT_DEMAND_CASE
        if case not in DEMAND_CASES:
            errors["demand_case"] = DEMAND_CASE_MESSAGE
        if errors:
            raise AssumptionsError(errors)
        return cls(
            slip_months=slip,
            attrition_pct=attrition,
            attrition_by_kind=per_kind,
            leverage=leverage,
            cost_per_mw=cost,
            demand_case=str(case),
        )

    def to_fields(self) -> dict[str, Any]:
        """The model's field names to JSON-safe values (numbers as text): what a shared link
        stores, and what `from_fields` reads back to an equal value."""

        def text(number: Decimal | None) -> str | None:
            return None if number is None else str(number)

        return {
            **{SLIP_FIELDS[s]: self.slip_months[s] for s in OPEN_STAGES},
            **{ATTRITION_FIELDS[s]: text(self.attrition_pct[s]) for s in OPEN_STAGES},
            "attrition_by_kind": {
                kind: {stage: text(pct) for stage, pct in sorted(stages.items())}
                for kind, stages in sorted(self.attrition_by_kind.items())
            },
            "leverage": text(self.leverage),
            **{COST_FIELDS[k]: text(self.cost_per_mw[k]) for k in KINDS},
            "demand_case": self.demand_case,
        }

    def canonical(self) -> str:
        """One text per set of assumptions (numbers normalised: 12.50 and 12.5 are one), for
        cache keys of assumptions that are not saved."""

        def norm(value: object) -> object:
            if isinstance(value, dict):
                return {k: norm(v) for k, v in value.items()}
            if isinstance(value, str):
                number = _decimal(value)
                return value if number is None else format(number.normalize(), "f")
            return value

        return json.dumps(norm(self.to_fields()), sort_keys=True, separators=(",", ":"))
