"""Load the demo data: the public facts (public_facts.toml) and the illustrative portfolio,
and the scenarios shipped with them (aipdash/scenarios/demo.py; not portfolio records, so not
in the counts).

The records it creates get a past: their history is dated as their own dates say (past.py),
so that the dashboard as of 31 Jan 2025 shows the portfolio of that day. Records it puts back
(`refresh`) are changed today, and their history says so.

`load_demo()` creates the demo records that are missing, inside one transaction, matching
rows that are already there by natural key, so that running it again duplicates nothing.
A demo record that is already there is kept as it is, edits included (an editor's work is never
undone); `load_demo(refresh=True)` puts the demo values back. `make run` loads the demo only
into an empty portfolio (`load_demo --if-empty`, see `portfolio_has_data()`): after an editor
renamed or deleted demo records, loading again would add them back or break a rule that spans
rows (the stakes of one project). Every save follows `full_clean()`, so every model rule
holds. Records that are not part of the demo (an editor's own projects, commitments...) are
never touched.

Natural keys: slug (Partner, Target, Investment, Project); (target, as of) for a fundraising
update; (series, region, scenario, year, as of) for a market indicator; (project, sequence)
for a phase; (project, partner, role) for a participation; the reference of a commitment;
(date, text) for a note.
"""

import logging
import tomllib
from collections import Counter
from collections.abc import Callable, Hashable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field, Model

from aipdash.scenarios import demo as demo_scenarios
from partners.models import Partner
from projects.models import (
    Commitment,
    FundraisingUpdate,
    Investment,
    MarketIndicator,
    Note,
    Participation,
    Project,
    ProjectPhase,
    Target,
)

from . import illustrative
from .past import write_past

logger = logging.getLogger(__name__)

PUBLIC_FACTS = Path(__file__).with_name("public_facts.toml")
CHANGE_REASON = "Demo data (load_demo)"
REFRESH_REASON = "Demo values put back (load_demo --refresh)"

# A record's field values as a model takes them (read from TOML: any field, any type).
Values = dict[str, Any]
# Called with (model name, number of its demo records) as each model is done.
Progress = Callable[[str, int], None]


def read_public_facts(path: Path = PUBLIC_FACTS) -> dict[str, list[Values]]:
    """The public facts as lists of field values, with each record's provenance resolved."""
    with open(path, "rb") as file:
        raw = tomllib.load(file)
    sources = raw.pop("sources")
    facts: dict[str, list[Values]] = {}
    for section, records in raw.items():
        facts[section] = []
        for record in records:
            values = dict(record)
            source = sources[values.pop("source")]
            values.update(
                source_title=source["title"],
                source_url=source["url"],
                illustrative=False,
            )
            facts[section].append(values)
    return facts


class DemoRecordInvalid(Exception):
    """A demo record that cannot be saved as the demo has it (the whole load is rolled back)."""

    def __init__(self, obj: Model, key: object, error: ValidationError) -> None:
        messages = "; ".join(
            f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items()
        )
        key = ", ".join(str(part) for part in key) if isinstance(key, tuple) else str(key)
        super().__init__(f"{obj._meta.verbose_name} “{obj}” ({key}): {messages}")


class _Upsert:
    """Creates missing rows by natural key; with `refresh`, also restores changed ones."""

    def __init__(self, refresh: bool = False, progress: Progress | None = None) -> None:
        self.refresh = refresh
        self.counts: Counter[str] = Counter()
        self.changes: Counter[str] = Counter()
        self.progress = progress  # called with (model name, count) as each model is done
        self._current: str | None = None
        self.created: list[Model] = []  # saved without history: past.py writes their dated versions

    def done(self) -> None:
        """The model being loaded is complete: report it."""
        if self._current is not None and self.progress is not None:
            self.progress(self._current, self.counts[self._current])
        self._current = None

    def __call__[M: Model, K: Hashable](
        self, model: type[M], existing: dict[K, M], key: K, values: Mapping[str, object]
    ) -> M:
        if model.__name__ != self._current:
            self.done()
            self._current = model.__name__
        obj = existing.get(key)
        if obj is None:
            obj = model(**values)
            action = "created"
        elif not self.refresh:
            action = "unchanged"
        else:
            action = "unchanged"
            for name, value in values.items():
                if self._differs(obj, name, value):
                    setattr(obj, name, value)
                    action = "updated"
        if action != "unchanged":
            try:
                obj.full_clean()
            except ValidationError as error:
                raise DemoRecordInvalid(obj, key, error) from error
            if action == "created":
                # Its history is its past, dated as its own dates say (past.py), not today.
                obj.skip_history_when_saving = True  # type: ignore[attr-defined]  # simple-history's
                obj.save()
                del obj.skip_history_when_saving  # type: ignore[attr-defined]
                self.created.append(obj)
            else:
                # Recorded by django-simple-history with the row.
                obj._change_reason = REFRESH_REASON  # type: ignore[attr-defined]  # simple-history's
                obj.save()
            existing[key] = obj
        self.counts[model.__name__] += 1
        self.changes[action] += 1
        return obj

    @staticmethod
    def _differs(obj: Model, name: str, value: object) -> bool:
        model_field = obj._meta.get_field(name)
        current: object
        if model_field.is_relation and isinstance(model_field, Field):  # a foreign key
            current = getattr(obj, model_field.attname)
            return current != (value.pk if isinstance(value, Model) else None)
        current = getattr(obj, name)
        return current != value


def _money(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _load_partners(upsert: _Upsert, records: list[Values]) -> dict[str, Partner]:
    existing = Partner.objects.in_bulk([r["slug"] for r in records], field_name="slug")
    partners: dict[str, Partner] = {}
    # Parents first, so that a subsidiary can refer to its saved parent.
    for record in sorted(records, key=lambda r: "parent" in r):
        values = {
            "joined_on": None,
            "headquarters_country": "",
            "website": "",
            "description": "",
            **record,
            "parent": partners[record["parent"]] if "parent" in record else None,
        }
        partners[record["slug"]] = upsert(Partner, existing, record["slug"], values)
    return partners


def _load_targets(upsert: _Upsert, facts: dict[str, list[Values]]) -> None:
    records = facts["targets"]
    existing = Target.objects.in_bulk([r["slug"] for r in records], field_name="slug")
    targets: dict[str, Target] = {}
    for record in records:
        values = {**record, "amount_usd": _money(record["amount_usd"])}
        targets[record["slug"]] = upsert(Target, existing, record["slug"], values)

    updates = {
        (u.target_id, u.as_of): u
        for u in FundraisingUpdate.objects.filter(target__in=targets.values())
    }
    for record in facts["fundraising_updates"]:
        target = targets[record["target"]]
        values = {
            **record,
            "target": target,
            "amount_raised_usd": _money(record["amount_raised_usd"]),
        }
        upsert(FundraisingUpdate, updates, (target.pk, record["as_of"]), values)


def _load_investments(upsert: _Upsert, records: list[Values]) -> dict[str, Investment]:
    existing = Investment.objects.in_bulk([r["slug"] for r in records], field_name="slug")
    investments: dict[str, Investment] = {}
    for record in records:
        values = {
            "description": "",
            "expected_close_by": None,
            "closed_on": None,
            "stated_sites": None,
            **record,
            "enterprise_value_usd": _money(record.get("enterprise_value_usd")),
            "stated_capacity_mw": _money(record.get("stated_capacity_mw")),
        }
        investments[record["slug"]] = upsert(Investment, existing, record["slug"], values)
    return investments


def _load_indicators(upsert: _Upsert, records: list[Values]) -> None:
    existing = {
        (row.series, row.region, row.scenario, row.year, row.as_of): row
        for row in MarketIndicator.objects.filter(series__in={r["series"] for r in records})
    }
    for record in records:
        key = tuple(record[name] for name in ("series", "region", "scenario", "year", "as_of"))
        upsert(MarketIndicator, existing, key, {**record, "value": Decimal(record["value"])})


def _load_portfolio(
    upsert: _Upsert,
    portfolio: illustrative.Portfolio,
    partners: dict[str, Partner],
    investments: dict[str, Investment],
) -> None:
    projects = _load_projects(upsert, portfolio.projects, investments)
    _load_phases(upsert, portfolio.phases, projects)
    _load_participations(upsert, portfolio.participations, projects, partners)
    _load_commitments(upsert, portfolio.commitments, projects, partners)


def _load_projects(
    upsert: _Upsert,
    records: tuple[illustrative.ProjectRecord, ...],
    investments: dict[str, Investment],
) -> dict[str, Project]:
    existing = Project.objects.in_bulk([p["slug"] for p in records], field_name="slug")
    projects: dict[str, Project] = {}
    for record in records:
        investment = record["investment"]
        values: Values = {**record, "investment": investments[investment] if investment else None}
        projects[record["slug"]] = upsert(Project, existing, record["slug"], values)
    return projects


def _load_phases(
    upsert: _Upsert,
    records: tuple[illustrative.PhaseRecord, ...],
    projects: dict[str, Project],
) -> None:
    existing = {
        (phase.project_id, phase.sequence): phase
        for phase in ProjectPhase.objects.filter(project__in=projects.values())
    }
    for record in records:
        project = projects[record["project"]]
        values: Values = {**record, "project": project}
        upsert(ProjectPhase, existing, (project.pk, record["sequence"]), values)


def _load_participations(
    upsert: _Upsert,
    records: tuple[illustrative.ParticipationRecord, ...],
    projects: dict[str, Project],
    partners: dict[str, Partner],
) -> None:
    existing = {
        (p.project_id, p.partner_id, p.role): p
        for p in Participation.objects.filter(project__in=projects.values())
    }
    for record in records:
        project, partner = projects[record["project"]], partners[record["partner"]]
        values: Values = {**record, "project": project, "partner": partner}
        upsert(Participation, existing, (project.pk, partner.pk, record["role"]), values)


def _load_commitments(
    upsert: _Upsert,
    records: tuple[illustrative.CommitmentRecord, ...],
    projects: dict[str, Project],
    partners: dict[str, Partner],
) -> None:
    existing = {
        c.reference: c
        for c in Commitment.objects.filter(reference__in=[c["reference"] for c in records])
    }
    for record in records:
        partner = partners[record["partner"]]
        project = projects[record["project"]] if record["project"] else None
        values: Values = {**record, "partner": partner, "project": project}
        upsert(Commitment, existing, record["reference"], values)


def _load_notes(upsert: _Upsert, records: list[Values], partners: dict[str, Partner]) -> None:
    existing = {(note.date, note.text): note for note in Note.objects.all()}
    for record in records:
        partner = record.get("partner")
        values = {
            "partner": partners[partner] if partner else None,
            "project": None,
            **{key: value for key, value in record.items() if key != "partner"},
        }
        upsert(Note, existing, (record["date"], record["text"]), values)


def portfolio_has_data() -> bool:
    """Whether the portfolio has any data yet (a partner: every other record needs one to mean
    anything). `load_demo --if-empty` loads nothing then."""
    has_data: bool = Partner.objects.exists()
    return has_data


def load_demo(*, refresh: bool = False, progress: Progress | None = None) -> dict[str, int]:
    """Create the missing demo records (with `refresh`, also restore changed ones to their
    demo values); return how many records of each model the demo has. `progress(name, count)`
    is called as each model's records are in place (the command prints a line for each)."""
    facts = read_public_facts()
    portfolio = illustrative.generate()
    upsert = _Upsert(refresh=refresh, progress=progress)
    with transaction.atomic():
        partners = _load_partners(upsert, facts["partners"])
        _load_targets(upsert, facts)
        investments = _load_investments(upsert, facts["investments"])
        _load_indicators(upsert, facts["market_indicators"])
        _load_portfolio(upsert, portfolio, partners, investments)
        _load_notes(upsert, facts["notes"], partners)
        upsert.done()
        write_past(upsert.created, reason=CHANGE_REASON)
        demo_scenarios.load(refresh=refresh)  # not portfolio records: not in the counts
    logger.info(
        "Demo data loaded: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.",
        {action: upsert.changes[action] for action in ("created", "updated", "unchanged")},
    )
    return dict(upsert.counts)
