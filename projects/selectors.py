"""Reads about the portfolio: headline figures, projects, deals and one project's page.

Each function runs a fixed number of queries whatever the number of rows (no query in a loop);
the tests assert it.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from projects.models import (
    Commitment,
    FundraisingUpdate,
    Investment,
    Participation,
    Project,
    ProjectPhase,
    Stage,
    Target,
)

ZERO = Decimal(0)


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


def collect_sources(records: Iterable) -> Sources:
    """The distinct sources of the records shown on a page, the most recent first. A record that
    is illustrative and names no URL cites nothing: it is counted as illustrative instead.
    """
    cited: dict[tuple, list] = {}
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


# Headline figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Aggregate:
    """A figure summed over records: its value, how many records, and how many are illustrative."""

    value: Decimal | None
    records: int = 0
    illustrative_records: int = 0

    @property
    def illustrative(self) -> bool:
        return self.illustrative_records > 0


@dataclass(frozen=True)
class CapacityBucket:
    key: str
    label: str
    stages: tuple[str, ...]
    mw: Decimal
    records: int
    illustrative_records: int

    @property
    def illustrative(self) -> bool:
        return self.illustrative_records > 0


CAPACITY_BUCKETS = (
    ("operational", "Operational", (Stage.OPERATIONAL,)),
    ("construction", "Under construction", (Stage.CONSTRUCTION,)),
    ("pipeline", "In pipeline", (Stage.ANNOUNCED, Stage.DEVELOPMENT)),
)


def capacity_by_stage() -> list[CapacityBucket]:
    """MW operational, under construction and in the pipeline (announced or in development);
    paused and cancelled capacity is left out. A project with phases counts phase by phase, at
    each phase's stage; any capacity its phases do not cover counts at the project's stage.
    Two queries.
    """
    mw: dict[str, Decimal] = {}
    records: dict[str, int] = {}
    illustrative: dict[str, int] = {}

    def add(stage, amount, n, n_illustrative):
        mw[stage] = mw.get(stage, ZERO) + (amount or ZERO)
        records[stage] = records.get(stage, 0) + n
        illustrative[stage] = illustrative.get(stage, 0) + n_illustrative

    phases = (
        ProjectPhase.objects.order_by()
        .values("stage")
        .annotate(
            mw=Sum("capacity_mw"),
            n=Count("pk"),
            n_illustrative=Count("pk", filter=Q(illustrative=True)),
        )
    )
    for row in phases:
        add(row["stage"], row["mw"], row["n"], row["n_illustrative"])

    projects = (
        Project.objects.order_by()
        .values("pk", "stage", "capacity_mw", "illustrative")
        .annotate(phased_mw=Sum("phases__capacity_mw"))
    )
    for row in projects:
        unphased = row["capacity_mw"] - (row["phased_mw"] or ZERO)
        if row["phased_mw"] is None or unphased > 0:
            add(row["stage"], max(unphased, ZERO), 1, int(row["illustrative"]))

    buckets = []
    for key, label, stages in CAPACITY_BUCKETS:
        buckets.append(
            CapacityBucket(
                key=key,
                label=label,
                stages=stages,
                mw=sum((mw.get(s, ZERO) for s in stages), ZERO),
                records=sum(records.get(s, 0) for s in stages),
                illustrative_records=sum(illustrative.get(s, 0) for s in stages),
            )
        )
    return buckets


@dataclass(frozen=True)
class InstrumentTotal:
    instrument: str
    label: str
    total: Aggregate


def committed_by_instrument() -> list[InstrumentTotal]:
    """Capital committed by all partners, to AIP or to projects, per instrument: one query.
    Every instrument is listed, with an empty total when nothing is committed in it.
    """
    rows = {
        row["instrument"]: row
        for row in Commitment.objects.order_by()
        .values("instrument")
        .annotate(
            total=Sum("amount_usd"),
            n=Count("pk"),
            n_illustrative=Count("pk", filter=Q(illustrative=True)),
        )
    }
    totals = []
    for instrument, label in Commitment.Instrument.choices:
        row = rows.get(instrument)
        totals.append(
            InstrumentTotal(
                instrument=instrument,
                label=label,
                total=Aggregate(
                    value=row["total"] if row else None,
                    records=row["n"] if row else 0,
                    illustrative_records=row["n_illustrative"] if row else 0,
                ),
            )
        )
    return totals


@dataclass(frozen=True)
class Fundraising:
    """The equity target, the broader target including debt, and the latest amount raised."""

    equity_target: Target | None
    total_target: Target | None
    raised: FundraisingUpdate | None

    @property
    def raised_percent(self) -> Decimal | None:
        if not (self.raised and self.equity_target and self.equity_target.amount_usd):
            return None
        return self.raised.amount_raised_usd * 100 / self.equity_target.amount_usd


def fundraising() -> Fundraising:
    """The latest target of each scope and the latest update toward the equity target: two
    queries.
    """
    targets = list(Target.objects.order_by("-set_on", "-pk"))
    equity = next((t for t in targets if t.scope == Target.Scope.EQUITY), None)
    total = next((t for t in targets if t.scope == Target.Scope.TOTAL), None)
    raised = None
    if equity is not None:
        raised = (
            FundraisingUpdate.objects.filter(target=equity)
            .select_related("target")
            .order_by("-as_of")
            .first()
        )
    return Fundraising(equity_target=equity, total_target=total, raised=raised)


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
