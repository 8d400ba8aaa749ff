"""The scenario arithmetic, pure: grouped rows and `Assumptions` in, scenario rows and the
power balance and capital bridge out. No ORM and no request.

It works on GROUPED rows, never on records: the rows of selectors.py (phases by stage, kind
and month of expected online; projects by stage, kind and month, with their recorded capital
cost) or any rows that carry `stage`, `kind` and the value to scale (the pipeline's
project_sums, the map). A scenario whose assumptions move nothing returns the rows it was given,
value for value: the recorded portfolio exactly. Money and MW stay `Decimal` (exact for the
all-zero case); callers turn them into floats for figures.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from aipdash.scenarios.assumptions import ZERO, Assumptions
from projects.models import Project

DEMAND_KINDS = (Project.Kind.DATA_CENTRE,)
SUPPLY_KINDS = (Project.Kind.GENERATION, Project.Kind.STORAGE)
ONE_DOLLAR = Decimal(1)

# A grouped row (selectors.py, the dashboard's sums): `stage`, `kind`, `month` and figures.
type Row = dict[str, Any]


def add_months(month: dt.date, months: int) -> dt.date:
    """`month` moved by `months` (a day past the end of the shorter month becomes its last)."""
    if not months:
        return month
    index = month.year * 12 + month.month - 1 + months
    year, month_number = divmod(index, 12)
    day = month.day
    if day > 28:
        following = dt.date(year + (month_number == 11), (month_number + 1) % 12 + 1, 1)
        day = min(day, (following - dt.timedelta(days=1)).day)
    return dt.date(year, month_number + 1, day)


def _scaled(value: Decimal | float | None, factor: Decimal) -> Decimal | float | None:
    if value is None:
        return None
    if factor == 1:
        return value
    return Decimal(value) * factor


# -- Rows moved and scaled -----------------------------------------------------------------


def apply_to_phases(
    rows: Iterable[Mapping[str, Any]], assumptions: Assumptions, *, scale: tuple[str, ...] = ("mw",)
) -> list[Row]:
    """Phase rows under the scenario: each row's `month` moved by its stage's slip and its
    `scale` keys (MW) multiplied by the share that survives attrition for its stage and kind.
    Rows are dicts with `stage`, `kind`, `month` (a date or None) and the `scale` keys; other
    keys are kept as they are. One row out per row in (rows that meet in a month are not
    merged: whoever sums them does)."""
    out = []
    for row in rows:
        stage, kind = row["stage"], row["kind"]
        factor = assumptions.survival(stage, kind)
        moved = dict(row)
        if row.get("month") is not None:
            moved["month"] = add_months(row["month"], assumptions.slip(stage))
        for key in scale:
            moved[key] = _scaled(row.get(key), factor)
        out.append(moved)
    return out


def apply_attrition(
    rows: Iterable[Mapping[str, Any]], assumptions: Assumptions, *, scale: tuple[str, ...] = ("mw",)
) -> list[Row]:
    """Rows with `stage` and `kind` (None: the stage's rate for every kind), their `scale`
    keys multiplied by the share that survives; nothing is moved. For the pipeline by stage
    (project_sums), the headline tiles and the map."""
    out = []
    for row in rows:
        factor = assumptions.survival(row["stage"], row.get("kind"))
        out.append({**row, **{key: _scaled(row.get(key), factor) for key in scale}})
    return out


# -- The power balance -----------------------------------------------------------------------


@dataclass(frozen=True)
class BalanceYear:
    year: int
    demand_added_mw: Decimal  # data-centre IT load coming online in the year
    supply_added_mw: Decimal  # generation and storage coming online in the year
    demand_mw: Decimal  # online by the end of the year (cumulative)
    supply_mw: Decimal

    @property
    def gap_mw(self) -> Decimal:
        """Demand over supply by the end of the year (negative: supply to spare)."""
        return self.demand_mw - self.supply_mw


@dataclass(frozen=True)
class PowerBalance:
    """By year, data-centre demand coming online against generation and storage secured;
    grid links carry no MW here and rows without a month are left out."""

    years: tuple[BalanceYear, ...]
    first_gap_year: int | None  # the first year (from_year on) demand online exceeds supply

    @property
    def last_year(self) -> int | None:
        return self.years[-1].year if self.years else None

    def in_words(self) -> str:
        if not self.years:
            return "No capacity with an expected online date."
        if self.first_gap_year is not None:
            return (
                f"Data-centre demand first exceeds the generation and storage secured in "
                f"{self.first_gap_year}."
            )
        return (
            "Data-centre demand does not exceed the generation and storage secured, "
            f"not before {self.last_year}."
        )


def years_of(*row_sets: Iterable[Mapping[str, Any]]) -> range:
    """The years the rows' months span (empty without a month): give the recorded and the
    scenario rows, so that both balances share their years."""
    years = [row["month"].year for rows in row_sets for row in rows if row.get("month")]
    return range(min(years), max(years) + 1) if years else range(0)


def power_balance(
    rows: Iterable[Mapping[str, Any]], years: range | None = None, *, from_year: int | None = None
) -> PowerBalance:
    """The power balance of phase rows (recorded, or from apply_to_phases): every year of
    `years` (default: the rows' own), MW added and online by its end, and the first year from
    `from_year` on (default: the first year; the dashboard gives this year, so that a gap in
    the past does not answer "when") in which demand online exceeds supply online (or None:
    "not before the last year")."""
    rows = list(rows)
    added: dict[tuple[int, str], Decimal] = {}
    for row in rows:
        if row.get("month") is None or row.get("mw") is None:
            continue
        side = (
            "demand"
            if row["kind"] in DEMAND_KINDS
            else "supply"
            if row["kind"] in SUPPLY_KINDS
            else None
        )
        if side:
            key = (row["month"].year, side)
            added[key] = added.get(key, ZERO) + Decimal(row["mw"])
    if years is None:
        years = years_of(rows)
    # What came online before the first year shown still counts as online.
    demand = sum((mw for (y, s), mw in added.items() if s == "demand" and y < years.start), ZERO)
    supply = sum((mw for (y, s), mw in added.items() if s == "supply" and y < years.start), ZERO)
    out, first_gap = [], None
    for year in years:
        demand_added = added.get((year, "demand"), ZERO)
        supply_added = added.get((year, "supply"), ZERO)
        demand += demand_added
        supply += supply_added
        out.append(BalanceYear(year, demand_added, supply_added, demand, supply))
        if first_gap is None and demand > supply and (from_year is None or year >= from_year):
            first_gap = year
    return PowerBalance(years=tuple(out), first_gap_year=first_gap)


# -- Capital ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CostPerMW:
    """The cost per MW a scenario uses for a kind's projects without a recorded capital cost:
    the scenario's own figure, or the portfolio's median (with how many projects it rests on),
    or none (no recorded cost of that kind to take a median of)."""

    OVERRIDE, MEDIAN, NONE = "scenario", "median", "none"

    usd_per_mw: Decimal | None
    basis: str
    projects: int = 0  # the recorded costs the median rests on


def resolve_cost_per_mw(
    assumptions: Assumptions, medians: Mapping[str, tuple[Decimal, int]]
) -> dict[str, CostPerMW]:
    """Per kind: the scenario's cost per MW, else the median of `medians` ({kind: (median,
    count)}, selectors.cost_per_mw_medians), else none."""
    out = {}
    for kind, own in assumptions.cost_per_mw.items():
        median, count = medians.get(kind, (None, 0))
        if own is not None:
            out[kind] = CostPerMW(own, CostPerMW.OVERRIDE, count)
        elif median is not None:
            out[kind] = CostPerMW(median, CostPerMW.MEDIAN, count)
        else:
            out[kind] = CostPerMW(None, CostPerMW.NONE, 0)
    return out


def resolve_leverage(
    assumptions: Assumptions, equity_target: Decimal | None, total_target: Decimal | None
) -> Decimal:
    """The scenario's leverage, else the partnership's own: the debt in its total target per
    dollar of its equity target ($70bn on $30bn: 7/3); 0 without both targets."""
    if assumptions.leverage is not None:
        return Decimal(assumptions.leverage)
    if equity_target and total_target and total_target > equity_target:
        return (Decimal(total_target) - Decimal(equity_target)) / Decimal(equity_target)
    return ZERO


@dataclass(frozen=True)
class CapitalYear:
    """Capital the projects coming online in a year need, and what the figure rests on."""

    year: int | None  # None: projects without an expected online date
    needed_usd: Decimal
    recorded_usd: Decimal  # of it, from recorded capital costs
    per_mw_usd: Decimal  # of it, from the cost per MW
    projects_with_cost: int  # projects whose recorded cost is used
    projects_per_mw: int  # projects priced by the cost per MW
    projects_unpriced: int  # neither: no recorded cost and no cost per MW for their kind
    mw_unpriced: Decimal


def capital_needed(
    rows: Iterable[Mapping[str, Any]],
    assumptions: Assumptions,
    cost_per_mw: Mapping[str, CostPerMW],
) -> list[CapitalYear]:
    """Capital the projects need by year of their (slipped) online date, after attrition: the
    recorded capital cost where there is one, MW × cost per MW otherwise. `rows`: project
    groups (selectors.capital_groups: stage, kind, month, cost_usd, with_cost, mw_without_cost,
    without_cost). Sorted by year; projects without a date last (year None). Counts are of
    projects, before attrition: what each figure rests on."""
    years: dict[int | None, dict[str, Any]] = {}
    for row in apply_to_phases(rows, assumptions, scale=("cost_usd", "mw_without_cost")):
        year = row["month"].year if row.get("month") else None
        y = years.setdefault(
            year,
            {"recorded": ZERO, "per_mw": ZERO, "with": 0, "per_mw_n": 0, "none_n": 0, "none": ZERO},
        )
        y["recorded"] += Decimal(row.get("cost_usd") or 0)
        y["with"] += row.get("with_cost") or 0
        mw, count = Decimal(row.get("mw_without_cost") or 0), row.get("without_cost") or 0
        rate = cost_per_mw.get(row["kind"])
        if rate is not None and rate.usd_per_mw is not None:
            y["per_mw"] += mw * rate.usd_per_mw
            y["per_mw_n"] += count
        else:
            y["none"] += mw
            y["none_n"] += count
    out = [
        CapitalYear(
            year=year,
            needed_usd=y["recorded"] + y["per_mw"],
            recorded_usd=y["recorded"],
            per_mw_usd=y["per_mw"],
            projects_with_cost=y["with"],
            projects_per_mw=y["per_mw_n"],
            projects_unpriced=y["none_n"],
            mw_unpriced=y["none"],
        )
        for year, y in years.items()
    ]
    return sorted(out, key=lambda c: (c.year is None, c.year or 0))


@dataclass(frozen=True)
class BridgeYear:
    """The bridge at the end of a year: what the projects online by then need, against the
    money committed (with the debt it supports) and against the targets. A gap is positive,
    a surplus negative."""

    year: int
    needed_usd: Decimal  # for the projects coming online in the year
    cumulative_needed_usd: Decimal  # for every project online by the end of the year
    equity_needed_usd: Decimal  # of the cumulative need, the equity at the leverage
    debt_needed_usd: Decimal
    gap_to_committed_usd: Decimal  # cumulative need − (equity committed + the debt it supports)
    gap_to_equity_target_usd: Decimal  # equity needed − the equity target
    gap_to_total_target_usd: Decimal  # cumulative need − the total target
    projects_with_cost: int
    projects_per_mw: int
    projects_unpriced: int


@dataclass(frozen=True)
class CapitalBridge:
    """Equity committed → the debt it supports at the leverage → the capital the projects need
    by year → the gap or surplus against the money committed and the targets."""

    leverage: Decimal
    equity_committed_usd: Decimal
    debt_supported_usd: Decimal  # equity committed × leverage
    financed_usd: Decimal  # equity committed + the debt it supports
    equity_target_usd: Decimal | None
    total_target_usd: Decimal | None
    mobilised_by_equity_target_usd: Decimal | None  # the equity target × (1 + leverage)
    years: tuple[BridgeYear, ...]
    undated: CapitalYear | None  # projects without an online date: in no year

    @property
    def first_year_short_of_committed(self) -> int | None:
        return next((y.year for y in self.years if y.gap_to_committed_usd > 0), None)

    @property
    def first_year_over_total_target(self) -> int | None:
        return next((y.year for y in self.years if y.gap_to_total_target_usd > 0), None)


def _dollars(value: Decimal) -> Decimal:
    return value.quantize(ONE_DOLLAR)


def capital_bridge(
    needed: Iterable[CapitalYear],
    *,
    leverage: Decimal,
    equity_committed_usd: Decimal,
    equity_target_usd: Decimal | None,
    total_target_usd: Decimal | None,
) -> CapitalBridge:
    """The bridge from capital_needed's years (every year between the first and the last,
    none skipped), at `leverage` (resolve_leverage). Amounts rounded to the dollar."""
    needed = list(needed)
    dated = {c.year: c for c in needed if c.year is not None}
    leverage = Decimal(leverage)
    equity = Decimal(equity_committed_usd)
    financed = equity * (1 + leverage)
    equity_target = None if equity_target_usd is None else Decimal(equity_target_usd)
    total_target = None if total_target_usd is None else Decimal(total_target_usd)
    years, cumulative = [], ZERO
    span = range(min(dated), max(dated) + 1) if dated else range(0)
    for year in span:
        c = dated.get(year)
        in_year = c.needed_usd if c else ZERO
        cumulative += in_year
        equity_needed = cumulative / (1 + leverage)
        years.append(
            BridgeYear(
                year=year,
                needed_usd=_dollars(in_year),
                cumulative_needed_usd=_dollars(cumulative),
                equity_needed_usd=_dollars(equity_needed),
                debt_needed_usd=_dollars(cumulative - equity_needed),
                gap_to_committed_usd=_dollars(cumulative - financed),
                gap_to_equity_target_usd=_dollars(equity_needed - (equity_target or ZERO)),
                gap_to_total_target_usd=_dollars(cumulative - (total_target or ZERO)),
                projects_with_cost=c.projects_with_cost if c else 0,
                projects_per_mw=c.projects_per_mw if c else 0,
                projects_unpriced=c.projects_unpriced if c else 0,
            )
        )
    return CapitalBridge(
        leverage=leverage,
        equity_committed_usd=_dollars(equity),
        debt_supported_usd=_dollars(equity * leverage),
        financed_usd=_dollars(financed),
        equity_target_usd=equity_target,
        total_target_usd=total_target,
        mobilised_by_equity_target_usd=(
            None if equity_target is None else _dollars(equity_target * (1 + leverage))
        ),
        years=tuple(years),
        undated=next((c for c in needed if c.year is None), None),
    )


# -- The demand case -------------------------------------------------------------------------


def demand_case_rows(rows: Iterable[Mapping[str, Any]], case: str) -> list[Row]:
    """The market context's rows (market_context: series points with `scenario`) kept to the
    history and the scenario's demand case."""
    return [dict(r) for r in rows if r["scenario"] in ("historical", case)]
