"""Reads about partners: querysets shaped for the pages, a fixed number of queries each.

Totals over commitments and participations are correlated subqueries, not joins: joining two
multi-valued relations in one query would multiply the sums.
"""

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, Greatest
from django.shortcuts import get_object_or_404

from aipdash.charts.catalogue import CAPACITY_COLUMNS, TITLES
from aipdash.charts.data import ORDER, ChartData, Column
from aipdash.portfolio.selectors.projects import (
    ILLUSTRATIVE_COUNT,
    Sources,
    chart_provenance,
    collect_sources,
    floats,
    plain_rows,
)
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

    @property
    def project_count(self) -> int:
        return len({p.project_id for p in self.participations})

    @property
    def illustrative_commitments(self) -> int:
        return sum(1 for c in self.commitments if c.illustrative)

    @property
    def illustrative(self) -> bool:
        return self.sources.illustrative_records > 0


def partner_detail(slug: str) -> PartnerDetail:
    """The partner (404 when unknown), its subsidiaries, commitments and participations: four
    queries whatever their number.
    """
    partner = get_object_or_404(Partner.objects.select_related("parent"), slug=slug)
    subsidiaries = list(partner.subsidiaries.order_by("name"))
    commitments = list(
        partner.commitments.select_related("project").order_by("-committed_on", "pk")
    )
    participations = list(
        partner.participations.select_related("project").order_by("project__name", "role")
    )
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
    )


# The partner page's charts ---------------------------------------------------------------------
# One grouped query each, whatever the number of commitments or projects; rows as
# `aipdash.charts.data` says.


def _partner_extras(partner: Partner) -> dict[str, str]:
    return {"partner": partner.short_name, "partner_slug": partner.slug, "colour": partner.colour}


def commitments_chart(partner: Partner) -> ChartData:
    """The partner's commitments by day and instrument, summed, committed or called (as the
    dashboard counts them): one query."""
    rows = plain_rows(
        partner.commitments.filter(status__in=Commitment.COUNTED_AS_COMMITTED)
        .order_by()
        .values("instrument", date=F("committed_on"))
        .annotate(
            amount_usd=Sum("amount_usd"), newest=Max("as_of"), n_illustrative=ILLUSTRATIVE_COUNT
        )
        .order_by("date", "instrument")
    )
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
        extras=_partner_extras(partner),
        **provenance,
    )


def capacity_chart(partner: Partner) -> ChartData:
    """The projects the partner takes part in, by stage and kind: one grouped query. A project
    counts once, at its full capacity, however many roles the partner has in it; its
    participations count for the as-of date and the illustrative flag."""
    takes_part = Participation.objects.filter(project=OuterRef("pk"), partner=partner)
    newest_part = takes_part.order_by("-as_of").values("as_of")[:1]
    rows = plain_rows(
        Project.objects.filter(Exists(takes_part))
        .order_by()
        .values("stage", "kind")
        .annotate(
            mw=Sum("capacity_mw"),
            projects=Count("pk"),
            newest=Max(Greatest("as_of", Subquery(newest_part))),
            n_illustrative=Count(
                "pk", filter=Q(illustrative=True) | Q(Exists(takes_part.filter(illustrative=True)))
            ),
        )
    )
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
        extras=_partner_extras(partner),
        **provenance,
    )
