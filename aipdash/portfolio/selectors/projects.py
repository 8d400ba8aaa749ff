"""Reads about the portfolio: projects, deals, one project's page and the sources it cites.

Each function runs a fixed number of queries whatever the number of rows (no query in a loop);
the tests assert it. A project's page reads under a reading (today, or as of a day:
selectors/records.py); its charts are made from the page's records.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import Count, QuerySet

from aipdash.charts.catalogue import TITLES
from aipdash.charts.data import LABELS, ORDER, ChartData, Column
from aipdash.history import notes
from aipdash.history.notes import NoteRow
from aipdash.portfolio.selectors import records
from aipdash.portfolio.selectors.records import Reading
from aipdash.records.provenance import Provenance
from partners.models import Partner
from projects.models import (
    Commitment,
    Investment,
    Participation,
    Project,
    ProjectPhase,
)

ZERO = Decimal(0)

# A chart's row (aipdash.charts.data): plain values by column key.
type Row = dict[str, Any]


# Sources ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One publication cited by records on a page."""

    title: str
    url: str
    as_of: dt.date
    records: int
    illustrative_only: bool


@dataclass(frozen=True)
class Sources:
    """The sources cited on a page, and how many of its records are illustrative."""

    cited: list[Source]
    illustrative_records: int


def collect_sources(records: Iterable[Provenance | None]) -> Sources:
    """The distinct sources of the records shown on a page, the most recent first. A record that
    is illustrative and names no URL cites nothing: it is counted as illustrative instead.
    """
    cited: dict[tuple[str, str, dt.date], list[bool]] = {}  # (url, title, as of) -> flags
    illustrative = 0
    for record in records:
        if record is None:
            continue
        illustrative += record.illustrative
        if record.illustrative and not record.source_url:
            continue
        if not (record.source_url or record.source_title):
            continue
        key = (record.source_url, record.source_title, record.as_of)
        cited.setdefault(key, []).append(record.illustrative)
    sources = [
        Source(
            title=title,
            url=url,
            as_of=as_of,
            records=len(flags),
            illustrative_only=all(flags),
        )
        for (url, title, as_of), flags in cited.items()
    ]
    sources.sort(key=lambda s: (-s.as_of.toordinal(), s.title))
    return Sources(cited=sources, illustrative_records=illustrative)


# Lists -----------------------------------------------------------------------------------------


def project_rows() -> QuerySet[Project]:
    """Every project with its deal: one query."""
    return Project.objects.select_related("investment").order_by("name")


def investment_rows() -> QuerySet[Investment]:
    """Every deal with the number of its projects in the portfolio: one query."""
    return Investment.objects.annotate(project_count=Count("projects")).order_by(
        "announced_on", "name"
    )


# One project -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectDetail:
    project: Project
    phases: list[ProjectPhase]
    participations: list[Participation]
    commitments: list[Commitment]
    sources: Sources
    notes: list[NoteRow]  # its own, its partners' and the partnership's (history/notes.py)

    @property
    def illustrative(self) -> bool:
        return self.sources.illustrative_records > 0

    @property
    def phased_mw(self) -> Decimal | None:
        return sum((p.capacity_mw for p in self.phases), ZERO) if self.phases else None

    @property
    def own_notes(self) -> list[NoteRow]:
        """The notes about this project (its timeline lists them): the others are the
        partnership's or its partners'."""
        return [note for note in self.notes if note["project"]]


def project_detail(project: Project, reading: Reading) -> ProjectDetail:
    """The project's deal, phases, participations and commitments (their partners and the
    project in each relation's cache) and notes, under `reading` (today, or as they stood:
    selectors/records.py): five queries, and three at most for the notes, whatever their
    number. Find the project with `records.find()`."""
    records.attach(
        [project], "investment", records.by_id(reading, Investment, [project.investment_id])
    )
    phases = records.instances(reading, ProjectPhase, project_id=project.id)
    phases.sort(key=lambda phase: phase.sequence)
    participations = records.instances(reading, Participation, project_id=project.id)
    commitments = records.instances(reading, Commitment, project_id=project.id)
    commitments.sort(key=lambda c: (-c.committed_on.toordinal(), c.pk))
    partners = records.by_id(
        reading,
        Partner,
        {p.partner_id for p in participations} | {c.partner_id for c in commitments},
    )
    records.attach(participations, "partner", partners)
    records.attach(commitments, "partner", partners)
    for rows in (phases, participations, commitments):
        records.attach(rows, "project", {project.pk: project})
    # Largest stake first, then by partner and role (a stake may be empty: last).
    participations.sort(
        key=lambda p: (
            p.stake_percent is None,
            -(p.stake_percent or 0),
            p.partner.name if p.partner else "",
            p.role,
        )
    )
    return ProjectDetail(
        project=project,
        phases=phases,
        participations=participations,
        commitments=commitments,
        sources=collect_sources(
            [project, project.investment, *phases, *participations, *commitments]
        ),
        notes=notes.matching(
            reading, partners={p.partner_id for p in participations}, projects=[project.pk]
        ),
    )


# The project page's charts ---------------------------------------------------------------------
# From the page's records (ProjectDetail): no query of their own, today or as of a day; rows as
# `aipdash.charts.data` says.


class ChartProvenance(TypedDict):
    """ChartData's provenance fields, as chart_provenance() reads them from a chart's rows."""

    as_of: dt.date | None
    illustrative: bool


def chart_provenance(rows: list[Row]) -> ChartProvenance:
    """The newest as-of date of a chart's records and whether any is illustrative, from its
    rows; takes `newest` and `n_illustrative` (grouped rows) or `as_of` and `illustrative` (one
    record a row) out of each row, which then holds the chart's values only."""
    newest, illustrative = None, False
    for row in rows:
        as_of = row.pop("newest") if "newest" in row else row.pop("as_of", None)
        if "n_illustrative" in row:
            illustrative |= row.pop("n_illustrative") > 0
        else:
            illustrative |= bool(row.pop("illustrative", False))
        if as_of is not None and (newest is None or as_of > newest):
            newest = as_of
    return {"as_of": newest, "illustrative": illustrative}


def floats(row: Row, *keys: str) -> Row:
    """Decimals as floats: rows are plain values (see aipdash.charts.data)."""
    return {
        key: float(value) if key in keys and value is not None else value
        for key, value in row.items()
    }


def phases_chart(detail: ProjectDetail) -> ChartData:
    """The project's phases by expected online date, with its notes: from the page's records,
    no query of its own."""
    project = detail.project
    phases = sorted(detail.phases, key=lambda phase: (phase.expected_online, phase.sequence))
    rows: list[Row] = [
        {
            "sequence": phase.sequence,
            "phase": f"Phase {phase.sequence}: {phase.name}"
            if phase.name
            else f"Phase {phase.sequence}",
            "stage": phase.stage,
            "date": phase.expected_online,
            "mw": phase.capacity_mw,
            "as_of": phase.as_of,
            "illustrative": phase.illustrative,
        }
        for phase in phases
    ]
    provenance = chart_provenance(rows)
    if rows:  # the stated capacity's line comes from the project itself
        provenance = chart_provenance(
            [dict(provenance), {"as_of": project.as_of, "illustrative": project.illustrative}]
        )
    mw_note = "IT load" if project.kind == Project.Kind.DATA_CENTRE else "nameplate capacity"
    return ChartData(
        chart="project_phases",
        title=TITLES["project_phases"],
        columns=(
            Column("phase", "Phase"),
            Column("stage", "Stage"),
            Column("date", "Expected online"),
            Column("mw", "Capacity", "MW"),
        ),
        rows=tuple(floats(row, "mw") for row in rows),
        note=f"Cumulative {mw_note} as each phase comes online; a cancelled phase adds nothing.",
        extras={
            "capacity_mw": float(project.capacity_mw) if project.capacity_mw is not None else None,
            "kind": project.kind,
            "notes": detail.notes,
        },
        **provenance,
    )


def participations_chart(detail: ProjectDetail) -> ChartData:
    """Who takes part in the project: one row per partner, its stakes summed and its roles
    listed; from the page's records, no query of its own."""
    grouped: dict[int, Row] = {}
    for p in detail.participations:
        partner = p.partner
        row = grouped.setdefault(
            p.partner_id,
            {
                "partner": partner.short_name if partner else "",
                "partner_slug": partner.slug if partner else "",
                "colour": partner.colour if partner else "",
                "stake_percent": None,
                "role_codes": [],
                "newest": None,
                "n_illustrative": 0,
            },
        )
        if p.stake_percent is not None:
            row["stake_percent"] = (row["stake_percent"] or ZERO) + p.stake_percent
        row["role_codes"].append(p.role)
        row["newest"] = max(filter(None, (row["newest"], p.as_of)), default=None)
        row["n_illustrative"] += p.illustrative
    provenance = chart_provenance(list(grouped.values()))
    rank = {code: i for i, code in enumerate(ORDER["role"])}
    rows: list[Row] = []
    for row in grouped.values():
        codes = sorted(set(row.pop("role_codes")), key=lambda c: rank.get(c, 99))
        rows.append(
            {
                **floats(row, "stake_percent"),
                "roles": ", ".join(LABELS["role"].get(code, code) for code in codes),
            }
        )
    rows.sort(
        key=lambda r: (
            r["stake_percent"] is None,
            -(r["stake_percent"] or 0),
            r["partner"].casefold(),
        )
    )
    return ChartData(
        chart="project_participations",
        title=TITLES["project_participations"],
        columns=(
            Column("partner", "Partner"),
            Column("stake_percent", "Stake", "%"),
            Column("roles", "Roles"),
        ),
        rows=tuple(rows),
        note="Equity stakes as recorded; a partner whose roles carry no stake is listed in the "
        "table only.",
        **provenance,
    )
