"""Reads about the portfolio: projects, deals, one project's page and the sources it cites.

Each function runs a fixed number of queries whatever the number of rows (no query in a loop);
the tests assert it.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, QuerySet
from django.shortcuts import get_object_or_404

from projects.models import (
    Commitment,
    Investment,
    Participation,
    Project,
    ProjectPhase,
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
