"""Reads about partners: querysets shaped for the pages, a fixed number of queries each.

Totals over commitments and participations are correlated subqueries, not joins: joining two
multi-valued relations in one query would multiply the sums.
"""

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from aipdash.charts.catalogue import CAPACITY_COLUMNS, TITLES
from aipdash.charts.data import ORDER, ChartData, Column
from aipdash.history import notes
from aipdash.history.notes import NoteRow
from aipdash.portfolio.selectors import records
from aipdash.portfolio.selectors.projects import (
    ZERO,
    Row,
    Sources,
    chart_provenance,
    collect_sources,
    floats,
)
from aipdash.portfolio.selectors.records import Reading
from partners.models import Partner
from projects.models import Commitment, Participation, Project

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

MONEY = DecimalField(max_digits=20, decimal_places=2)


class PartnerTotals(TypedDict):
    """What partner_rows() adds to each partner."""

    equity_usd: Decimal | None
    debt_usd: Decimal | None
    announced_usd: Decimal | None
    project_count: int
    has_illustrative_commitment: bool


def _committed(
    instrument: str, statuses: Collection[str] = Commitment.COUNTED_AS_COMMITTED
) -> Subquery:
    """Sum of the partner's commitments in one instrument and the given statuses (NULL when it
    has none): committed or called by default, as the dashboard's headline counts them."""
    totals = (
        Commitment.objects.filter(
            partner=OuterRef("pk"), instrument=instrument, status__in=statuses
        )
        .order_by()
        .values("partner")
        .annotate(total=Sum("amount_usd"))
        .values("total")
    )
    return Subquery(totals, output_field=MONEY)


def partner_rows() -> "QuerySet[WithAnnotations[Partner, PartnerTotals]]":
    """Every partner with its committed equity and debt (committed or called; announced money
    apart), project count and whether any of its commitments is illustrative: one query.
    """
    project_counts = (
        Participation.objects.filter(partner=OuterRef("pk"))
        .order_by()
        .values("partner")
        .annotate(n=Count("project", distinct=True))
        .values("n")
    )
    return Partner.objects.annotate(
        equity_usd=_committed(Commitment.Instrument.EQUITY),
        debt_usd=_committed(Commitment.Instrument.DEBT),
        announced_usd=Subquery(
            Commitment.objects.filter(partner=OuterRef("pk"), status=Commitment.Status.ANNOUNCED)
            .order_by()
            .values("partner")
            .annotate(total=Sum("amount_usd"))
            .values("total"),
            output_field=MONEY,
        ),
        project_count=Coalesce(Subquery(project_counts, output_field=IntegerField()), 0),
        has_illustrative_commitment=Exists(
            Commitment.objects.filter(partner=OuterRef("pk"), illustrative=True)
        ),
    ).order_by("name")


@dataclass(frozen=True)
class PartnerDetail:
    partner: Partner
    subsidiaries: list[Partner]
    commitments: list[Commitment]
    participations: list[Participation]
    equity_usd: Decimal | None  # committed or called (Commitment.COUNTED_AS_COMMITTED)
    debt_usd: Decimal | None
    announced_usd: Decimal | None  # equity and debt only announced: not a commitment yet
    sources: Sources
    notes: list[NoteRow]  # its own, its projects' and the partnership's (history/notes.py)

    @property
    def project_count(self) -> int:
        return len({p.project_id for p in self.participations})

    @property
    def illustrative_commitments(self) -> int:
        return sum(1 for c in self.commitments if c.illustrative)

    @property
    def illustrative(self) -> bool:
        return self.sources.illustrative_records > 0


def partner_detail(partner: Partner, reading: Reading) -> PartnerDetail:
    """The partner's parent and subsidiaries, commitments, participations (their projects and
    the partner in each relation's cache) and notes, under `reading` (today, or as they stood:
    selectors/records.py): five queries, and three at most for the notes, whatever their
    number. Find the partner with `records.find()`."""
    kin = records.instances(reading, Partner, Q(id=partner.parent_id) | Q(parent_id=partner.id))
    records.attach([partner], "parent", {p.pk: p for p in kin})
    subsidiaries = sorted((p for p in kin if p.parent_id == partner.id), key=lambda p: p.name)
    commitments = records.instances(reading, Commitment, partner_id=partner.id)
    commitments.sort(key=lambda c: (-c.committed_on.toordinal(), c.pk))
    participations = records.instances(reading, Participation, partner_id=partner.id)
    projects = records.by_id(
        reading,
        Project,
        {c.project_id for c in commitments} | {p.project_id for p in participations},
    )
    records.attach(commitments, "project", projects)
    records.attach(participations, "project", projects)
    records.attach(commitments, "partner", {partner.pk: partner})
    records.attach(participations, "partner", {partner.pk: partner})
    participations.sort(key=lambda p: (p.project.name if p.project else "", p.role))
    counted = [c for c in commitments if c.status in Commitment.COUNTED_AS_COMMITTED]
    equity = [c.amount_usd for c in counted if c.instrument == Commitment.Instrument.EQUITY]
    debt = [c.amount_usd for c in counted if c.instrument == Commitment.Instrument.DEBT]
    announced = [c.amount_usd for c in commitments if c.status == Commitment.Status.ANNOUNCED]
    return PartnerDetail(
        partner=partner,
        subsidiaries=subsidiaries,
        commitments=commitments,
        participations=participations,
        equity_usd=sum(equity) if equity else None,
        debt_usd=sum(debt) if debt else None,
        announced_usd=sum(announced) if announced else None,
        sources=collect_sources([partner, *commitments, *participations]),
        notes=notes.matching(
            reading, partners=[partner.pk], projects={p.project_id for p in participations}
        ),
    )


# The partner page's charts ---------------------------------------------------------------------
# From the page's records (PartnerDetail): no query of their own, today or as of a day; rows as
# `aipdash.charts.data` says.


def _partner_extras(partner: Partner) -> dict[str, str]:
    return {"partner": partner.short_name, "partner_slug": partner.slug, "colour": partner.colour}


def commitments_chart(detail: PartnerDetail) -> ChartData:
    """The partner's commitments by day and instrument, summed, committed or called (as the
    dashboard counts them), with its notes."""
    grouped: dict[tuple[dt.date, str], Row] = {}
    for c in detail.commitments:
        if c.status not in Commitment.COUNTED_AS_COMMITTED:
            continue
        row = grouped.setdefault(
            (c.committed_on, c.instrument),
            {"instrument": c.instrument, "date": c.committed_on, "amount_usd": ZERO}
            | {"newest": None, "n_illustrative": 0},
        )
        row["amount_usd"] += c.amount_usd
        row["newest"] = max(filter(None, (row["newest"], c.as_of)), default=None)
        row["n_illustrative"] += c.illustrative
    rows = [grouped[key] for key in sorted(grouped)]
    provenance = chart_provenance(rows)
    return ChartData(
        chart="partner_commitments",
        title=TITLES["partner_commitments"],
        columns=(
            Column("date", "Date"),
            Column("instrument", "Instrument"),
            Column("amount_usd", "Amount", "USD"),
        ),
        rows=tuple(floats(row, "amount_usd") for row in rows),
        note="Cumulative, to the partnership as a whole and to its projects; equity and debt "
        "stacked, so the top of the stack is all capital committed or called / deployed "
        "(money only announced is left out, as on the dashboard).",
        extras={**_partner_extras(detail.partner), "notes": detail.notes},
        **provenance,
    )


def capacity_chart(detail: PartnerDetail) -> ChartData:
    """The projects the partner takes part in, by stage and kind. A project counts once, at its
    full capacity, however many roles the partner has in it; its participations count for the
    as-of date and the illustrative flag."""
    projects: dict[int, Project] = {}
    newest_part: dict[int, dt.date] = {}
    part_illustrative: set[int] = set()
    for p in detail.participations:
        if p.project is None:
            continue
        projects[p.project.pk] = p.project
        newest_part[p.project.pk] = max(p.as_of, newest_part.get(p.project.pk, p.as_of))
        if p.illustrative:
            part_illustrative.add(p.project.pk)
    grouped: dict[tuple[str, str], Row] = {}
    for pk, project in projects.items():
        row = grouped.setdefault(
            (project.stage, project.kind),
            {"stage": project.stage, "kind": project.kind, "mw": None, "projects": 0}
            | {"newest": None, "n_illustrative": 0},
        )
        if project.capacity_mw is not None:
            row["mw"] = (row["mw"] or ZERO) + project.capacity_mw
        row["projects"] += 1
        newest = max(filter(None, (project.as_of, newest_part.get(pk))), default=None)
        row["newest"] = max(filter(None, (row["newest"], newest)), default=None)
        row["n_illustrative"] += project.illustrative or pk in part_illustrative
    rows = list(grouped.values())
    provenance = chart_provenance(rows)
    stage_rank = {code: i for i, code in enumerate(ORDER["stage"])}
    kind_rank = {code: i for i, code in enumerate(ORDER["kind"])}
    rows.sort(key=lambda row: (stage_rank.get(row["stage"], 99), kind_rank.get(row["kind"], 99)))
    return ChartData(
        chart="partner_capacity",
        title=TITLES["partner_capacity"],
        columns=CAPACITY_COLUMNS,
        rows=tuple(floats(row, "mw") for row in rows),
        note="Each project at its full capacity, whatever the partner's stake: IT load for "
        "data-centre campuses, nameplate for generation and storage.",
        extras=_partner_extras(detail.partner),
        **provenance,
    )
