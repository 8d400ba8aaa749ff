"""Reads about the portfolio: projects, deals, one project's page and the sources it cites.

Each function runs a fixed number of queries whatever the number of rows (no query in a loop);
the tests assert it.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import Count, F, Max, Q, QuerySet, StringAgg, Sum, Value
from django.shortcuts import get_object_or_404

from aipdash.charts.catalogue import TITLES
from aipdash.charts.data import LABELS, ORDER, ChartData, Column
from aipdash.records.provenance import Provenance
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

    @property
    def illustrative(self) -> bool:
        return self.sources.illustrative_records > 0

    @property
    def phased_mw(self) -> Decimal | None:
        return sum((p.capacity_mw for p in self.phases), ZERO) if self.phases else None


def project_detail(slug: str) -> ProjectDetail:
    """The project (404 when unknown) with its deal, phases, participations and commitments: four
    queries whatever their number.
    """
    project = get_object_or_404(Project.objects.select_related("investment"), slug=slug)
    phases = list(project.phases.order_by("sequence"))
    participations = list(
        project.participations.select_related("partner").order_by(
            F("stake_percent").desc(nulls_last=True), "partner__name", "role"
        )
    )
    commitments = list(
        project.commitments.select_related("partner").order_by("-committed_on", "pk")
    )
    return ProjectDetail(
        project=project,
        phases=phases,
        participations=participations,
        commitments=commitments,
        sources=collect_sources(
            [project, project.investment, *phases, *participations, *commitments]
        ),
    )


# The project page's charts ---------------------------------------------------------------------
# One query each, whatever the number of phases or partners; rows as `aipdash.charts.data` says.

ILLUSTRATIVE_COUNT = Count("pk", filter=Q(illustrative=True))


class ChartProvenance(TypedDict):
    """ChartData's provenance fields, as chart_provenance() reads them from a chart's rows."""

    as_of: dt.date | None
    illustrative: bool


def plain_rows(queryset: QuerySet[Any, Any]) -> list[Row]:
    """A values() query's rows: plain dicts, which the charts' functions change (the Django
    plugin types each as a TypedDict of the query's keys, whose keys can't be taken out)."""
    return list(queryset)


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


def phases_chart(project: Project) -> ChartData:
    """The project's phases by expected online date: one query."""
    rows = plain_rows(
        project.phases.order_by("expected_online", "sequence").values(
            "sequence",
            "name",
            "stage",
            "as_of",
            "illustrative",
            date=F("expected_online"),
            mw=F("capacity_mw"),
        )
    )
    provenance = chart_provenance(rows)
    if rows:  # the stated capacity's line comes from the project itself
        provenance = chart_provenance(
            [dict(provenance), {"as_of": project.as_of, "illustrative": project.illustrative}]
        )
    for row in rows:
        name = row.pop("name")
        row["phase"] = f"Phase {row['sequence']}: {name}" if name else f"Phase {row['sequence']}"
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
        },
        **provenance,
    )


def participations_chart(project: Project) -> ChartData:
    """Who takes part in the project: one row per partner, its stakes summed and its roles
    listed; one grouped query."""
    grouped = plain_rows(
        project.participations.order_by()
        .values(
            partner_name=F("partner__short_name"),
            partner_slug=F("partner__slug"),
            colour=F("partner__colour"),
        )
        .annotate(
            stake_percent=Sum("stake_percent"),
            role_codes=StringAgg("role", Value(",")),
            newest=Max("as_of"),
            n_illustrative=ILLUSTRATIVE_COUNT,
        )
    )
    provenance = chart_provenance(grouped)
    rank = {code: i for i, code in enumerate(ORDER["role"])}
    rows: list[Row] = []
    for row in grouped:
        codes = sorted(set(row.pop("role_codes").split(",")), key=lambda c: rank.get(c, 99))
        rows.append(
            {
                "partner": row.pop("partner_name"),
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
