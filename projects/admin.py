from django.contrib import admin

from aipdash.operations.imports.admin import PortfolioImportMixin
from aipdash.records.admin import (
    PROVENANCE_FIELDSET,
    InheritProvenanceForm,
    InheritProvenanceFormSet,
    PortfolioAdmin,
    PortfolioInline,
    StaleListFilter,
    power_column,
    stale_column,
    usd_column,
)
from aipdash.records.provenance import PROVENANCE_FIELDS
from projects import resources
from projects.models import (
    ZERO,
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


class PhaseInline(PortfolioInline):
    model = ProjectPhase
    form = InheritProvenanceForm
    formset = InheritProvenanceFormSet
    extra = 0
    fields = ["sequence", "name", "stage", "capacity_mw", "expected_online", *PROVENANCE_FIELDS]


class ParticipationFormSet(InheritProvenanceFormSet):
    """Checks that the stakes of all rows add up to at most 100 %, on the stake fields.

    The model's own check compares one row with the saved rows; here all rows change at once.
    """

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.stake_total_checked_elsewhere = True
        return form

    def clean(self):
        super().clean()
        rows = [
            form
            for form in self.forms
            if form.is_bound
            and getattr(form, "cleaned_data", None)
            and not self._should_delete_form(form)
            and form.cleaned_data.get("stake_percent") is not None
        ]
        total = sum((form.cleaned_data["stake_percent"] for form in rows), ZERO)
        if total > 100:
            for form in rows:
                form.add_error(
                    "stake_percent",
                    f"Stakes in this project add up to {total}%; the most is 100%.",
                )


class ParticipationInline(PortfolioInline):
    model = Participation
    form = InheritProvenanceForm
    formset = ParticipationFormSet
    extra = 0
    autocomplete_fields = ["partner"]
    fields = ["partner", "role", "stake_percent", *PROVENANCE_FIELDS]


class ProjectCommitmentInline(PortfolioInline):
    model = Commitment
    form = InheritProvenanceForm
    formset = InheritProvenanceFormSet
    extra = 0
    autocomplete_fields = ["partner"]
    fields = [
        "committed_on",
        "partner",
        "instrument",
        "status",
        "amount_usd",
        "note",
        *PROVENANCE_FIELDS,
    ]


@admin.register(Project)
class ProjectAdmin(PortfolioImportMixin, PortfolioAdmin):
    resource_classes = [resources.ProjectResource]
    list_display = [
        "name",
        "kind",
        "stage",
        "country",
        "region",
        "capacity",
        "expected_online",
        "investment",
        "illustrative",
        "as_of",
        "stale",
    ]
    list_filter = [
        "kind",
        "stage",
        "energy_source",
        "country",
        "investment",
        "illustrative",
        StaleListFilter,
    ]
    search_fields = ["name", "slug", "region", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["investment"]
    list_select_related = ["investment"]
    date_hierarchy = "announced_on"
    inlines = [PhaseInline, ParticipationInline, ProjectCommitmentInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("name", "slug"),
                    ("kind", "stage"),
                    "investment",
                    ("country", "region"),
                    ("latitude", "longitude"),
                    ("energy_source", "capacity_mw"),
                    ("announced_on", "expected_online"),
                    "capital_cost_usd",
                    "description",
                ]
            },
        ),
        PROVENANCE_FIELDSET,
    ]
    capacity = power_column("capacity_mw", "capacity")
    stale = stale_column

    def get_formset_kwargs(self, request, obj, inline, prefix):
        if isinstance(inline, PhaseInline):
            # Every phase row, saved or new, is checked against the announcement date as
            # submitted: the project's own check of its saved phases would refuse moving the
            # announcement and the phases together.
            obj.phase_dates_checked_elsewhere = True
        return super().get_formset_kwargs(request, obj, inline, prefix)


@admin.register(Investment)
class InvestmentAdmin(PortfolioAdmin):
    list_display = [
        "name",
        "enterprise_value",
        "announced_on",
        "expected_close_by",
        "closed_on",
        "stated_sites",
        "stated_capacity",
        "illustrative",
    ]
    list_filter = ["illustrative"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("name", "slug"),
                    "description",
                    "enterprise_value_usd",
                    ("announced_on", "expected_close_by", "closed_on"),
                    ("stated_sites", "stated_capacity_mw"),
                ]
            },
        ),
        PROVENANCE_FIELDSET,
    ]
    enterprise_value = usd_column("enterprise_value_usd", "enterprise value")
    stated_capacity = power_column("stated_capacity_mw", "stated capacity")


@admin.register(ProjectPhase)
class ProjectPhaseAdmin(PortfolioImportMixin, PortfolioAdmin):
    resource_classes = [resources.ProjectPhaseResource]
    list_display = ["__str__", "project", "stage", "capacity", "expected_online", "illustrative"]
    list_filter = ["stage", "illustrative"]
    search_fields = ["name", "project__name"]
    autocomplete_fields = ["project"]
    list_select_related = ["project"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "project",
                    ("sequence", "name"),
                    "stage",
                    "capacity_mw",
                    "expected_online",
                ]
            },
        ),
        PROVENANCE_FIELDSET,
    ]
    capacity = power_column("capacity_mw", "capacity")


@admin.register(Participation)
class ParticipationAdmin(PortfolioImportMixin, PortfolioAdmin):
    resource_classes = [resources.ParticipationResource]
    list_display = ["project", "partner", "role", "stake", "illustrative"]
    list_filter = ["role", "partner", "illustrative"]
    search_fields = ["project__name", "partner__name"]
    autocomplete_fields = ["project", "partner"]
    list_select_related = ["project", "partner"]
    fieldsets = [
        (None, {"fields": ["project", "partner", "role", "stake_percent"]}),
        PROVENANCE_FIELDSET,
    ]

    @admin.display(description="stake", ordering="stake_percent")
    def stake(self, obj):
        return "—" if obj.stake_percent is None else f"{obj.stake_percent:.2f}%"


@admin.register(Commitment)
class CommitmentAdmin(PortfolioImportMixin, PortfolioAdmin):
    resource_classes = [resources.CommitmentResource]
    list_display = [
        "committed_on",
        "partner",
        "project",
        "instrument",
        "status",
        "amount",
        "illustrative",
    ]
    list_filter = ["instrument", "status", "partner", "illustrative"]
    search_fields = ["partner__name", "project__name", "reference", "note"]
    autocomplete_fields = ["partner", "project"]
    list_select_related = ["partner", "project"]
    date_hierarchy = "committed_on"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "partner",
                    "project",
                    ("instrument", "status"),
                    ("amount_usd", "committed_on"),
                    ("reference", "note"),
                ]
            },
        ),
        PROVENANCE_FIELDSET,
    ]
    amount = usd_column("amount_usd", "amount")


@admin.register(Target)
class TargetAdmin(PortfolioAdmin):
    list_display = ["name", "scope", "amount", "set_on", "illustrative"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": [("name", "slug"), "scope", "amount_usd", "set_on"]}),
        PROVENANCE_FIELDSET,
    ]
    amount = usd_column("amount_usd", "amount")


@admin.register(FundraisingUpdate)
class FundraisingUpdateAdmin(PortfolioAdmin):
    list_display = ["target", "amount_raised", "as_of", "statement", "illustrative"]
    list_select_related = ["target"]
    fieldsets = [
        (None, {"fields": ["target", "amount_raised_usd", "statement"]}),
        PROVENANCE_FIELDSET,
    ]
    amount_raised = usd_column("amount_raised_usd", "amount raised")


@admin.register(MarketIndicator)
class MarketIndicatorAdmin(PortfolioAdmin):
    list_display = [
        "label",
        "region",
        "scenario",
        "year",
        "value_with_unit",
        "as_of",
        "source_title",
    ]
    list_filter = ["series", "region", "scenario", "illustrative"]
    search_fields = ["label", "series", "region", "source_title"]
    fieldsets = [
        (None, {"fields": ["series", "label", "region", "scenario", "year", ("value", "unit")]}),
        PROVENANCE_FIELDSET,
    ]

    @admin.display(description="value", ordering="value")
    def value_with_unit(self, obj):
        return f"{obj.value:,.0f} {obj.unit}"


@admin.register(Note)
class NoteAdmin(PortfolioImportMixin, PortfolioAdmin):
    """Dated notes: a line on the portfolio's timeline, about a partner or a project or
    neither; the time charts draw them (docs/as-of.md)."""

    resource_classes = [resources.NoteResource]
    list_display = ["date", "text", "partner", "project", "source_title", "illustrative"]
    list_filter = ["partner", "illustrative"]
    search_fields = ["text", "partner__name", "project__name", "source_title"]
    autocomplete_fields = ["partner", "project"]
    list_select_related = ["partner", "project"]
    date_hierarchy = "date"
    fieldsets = [
        (None, {"fields": ["date", "text", ("partner", "project")]}),
        (
            "Provenance",
            {
                "fields": PROVENANCE_FIELDS,
                "description": "Where the note comes from. A source is optional for a note: "
                "give one when the event was published.",
            },
        ),
    ]
