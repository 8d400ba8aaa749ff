from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery, Sum

from aipdash.core.formatting import usd
from aipdash.records.admin import (
    PROVENANCE_FIELDSET,
    InheritProvenanceForm,
    InheritProvenanceFormSet,
    PortfolioAdmin,
    PortfolioInline,
)
from partners.models import Partner
from projects.models import Commitment


def _committed(instrument):
    """Sum of a partner's commitments in one instrument, as a subquery (no join fan-out)."""
    return Subquery(
        Commitment.objects.filter(partner=OuterRef("pk"), instrument=instrument)
        .values("partner")
        .annotate(total=Sum("amount_usd"))
        .values("total")
    )


class CommitmentInline(PortfolioInline):
    model = Commitment
    form = InheritProvenanceForm
    formset = InheritProvenanceFormSet
    extra = 0
    autocomplete_fields = ["project"]
    fields = [
        "committed_on",
        "project",
        "instrument",
        "status",
        "amount_usd",
        "note",
        "source_title",
        "source_url",
        "as_of",
        "illustrative",
    ]
    show_change_link = True


@admin.register(Partner)
class PartnerAdmin(PortfolioAdmin):
    list_display = [
        "name",
        "short_name",
        "role",
        "kind",
        "joined_on",
        "equity_committed",
        "debt_committed",
        "projects",
        "illustrative",
        "as_of",
    ]
    list_filter = ["role", "kind", "illustrative", "headquarters_country"]
    search_fields = ["name", "short_name", "slug", "description"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["short_name"]}
    autocomplete_fields = ["parent"]
    inlines = [CommitmentInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("name", "short_name", "slug"),
                    ("kind", "role"),
                    ("parent", "headquarters_country"),
                    ("joined_on", "website"),
                    "colour",
                    "description",
                ]
            },
        ),
        PROVENANCE_FIELDSET,
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                equity_total=_committed(Commitment.Instrument.EQUITY),
                debt_total=_committed(Commitment.Instrument.DEBT),
                project_count=Count("participations__project", distinct=True),
            )
        )

    @admin.display(description="equity committed", ordering="equity_total")
    def equity_committed(self, obj):
        return usd(obj.equity_total)

    @admin.display(description="debt committed", ordering="debt_total")
    def debt_committed(self, obj):
        return usd(obj.debt_total)

    @admin.display(description="projects", ordering="project_count")
    def projects(self, obj):
        return obj.project_count
