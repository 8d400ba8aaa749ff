"""Reads about partners: querysets shaped for the pages, a fixed number of queries each.

Totals over commitments and participations are correlated subqueries, not joins: joining two
multi-valued relations in one query would multiply the sums.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from partners.models import Partner
from projects.models import Commitment, Participation
from projects.selectors import Sources, collect_sources

MONEY = DecimalField(max_digits=20, decimal_places=2)


def _committed(instrument):
    """Sum of the partner's commitments in one instrument (NULL when it has none)."""
    totals = (
        Commitment.objects.filter(partner=OuterRef("pk"), instrument=instrument)
        .order_by()
        .values("partner")
        .annotate(total=Sum("amount_usd"))
        .values("total")
    )
    return Subquery(totals, output_field=MONEY)


def partner_rows() -> QuerySet[Partner]:
    """Every partner with its committed equity and debt, project count and whether any of its
    commitments is illustrative: one query.
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
    equity_usd: Decimal | None
    debt_usd: Decimal | None
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
    equity = [c.amount_usd for c in commitments if c.instrument == Commitment.Instrument.EQUITY]
    debt = [c.amount_usd for c in commitments if c.instrument == Commitment.Instrument.DEBT]
    return PartnerDetail(
        partner=partner,
        subsidiaries=subsidiaries,
        commitments=commitments,
        participations=participations,
        equity_usd=sum(equity) if equity else None,
        debt_usd=sum(debt) if debt else None,
        sources=collect_sources([partner, *commitments, *participations]),
    )
