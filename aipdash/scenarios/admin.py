"""Scenarios in the admin, for editors: their own and those everyone may see (never someone
else's private one, but for superusers), with history (who changed which assumption when) and
revert. An editor changes and deletes their own scenarios and the ones shipped with the demo
(no owner); others' shared scenarios they may only view.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from simple_history.admin import SimpleHistoryAdmin

from aipdash.core import formatting
from aipdash.records.admin import _key_or_404
from aipdash.scenarios import selectors
from aipdash.scenarios.assumptions import (
    ATTRITION_FIELDS,
    COST_FIELDS,
    DEFAULT_BASIS,
    GROUPS,
    SLIP_FIELDS,
    Basis,
)
from aipdash.scenarios.models import Scenario
from projects.models import Project


def _basis_html(basis: Basis) -> SafeString:
    if basis.kind == Basis.SOURCE:
        return format_html(
            '{} <a href="{}" rel="noopener noreferrer">{}</a>, as of {}',
            basis.note,
            basis.url,
            basis.title,
            basis.as_of.isoformat() if basis.as_of else "an unknown date",
        )
    label = "Assumption of ours" if basis.kind == Basis.OURS else "The recorded portfolio"
    return format_html("{}: {}", label, basis.note)


@admin.register(Scenario)
class ScenarioAdmin(SimpleHistoryAdmin):
    list_display = ["name", "owner", "visibility", "updated"]
    list_filter = ["visibility"]
    search_fields = ["name", "slug", "description"]
    list_per_page = 50
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "owner", "visibility"]}),
        (
            "Schedule slip",
            {
                "fields": list(SLIP_FIELDS.values()),
                "description": "Months by which every phase of the stage that is not online "
                "yet moves its expected online date.",
            },
        ),
        (
            "Attrition",
            {
                "fields": [*ATTRITION_FIELDS.values(), "attrition_by_kind"],
                "description": "Percent of the MW of phases of the stage that never comes "
                "online; by project kind where given.",
            },
        ),
        (
            "Capital",
            {
                "fields": ["leverage", *COST_FIELDS.values(), "defaults_now"],
                "description": "Debt per dollar of equity; the cost per MW of projects without "
                "a recorded capital cost. Empty: the default shown below.",
            },
        ),
        ("Demand", {"fields": ["demand_case"]}),
        ("Sources of the assumptions", {"fields": ["assumption_sources", "bases_now"]}),
        ("Record", {"fields": ["version", "created", "updated"]}),
    ]
    readonly_fields = ["version", "created", "updated", "defaults_now", "bases_now"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Scenario]:
        queryset: QuerySet[Scenario] = super().get_queryset(request).select_related("owner")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=selectors.visible_scenarios(request.user).values("pk"))

    def get_readonly_fields(
        self, request: HttpRequest, obj: Scenario | None = None
    ) -> list[str] | tuple[str, ...]:
        """Only a superuser gives a scenario to someone else."""
        fields = super().get_readonly_fields(request, obj)
        return fields if request.user.is_superuser else [*fields, "owner"]

    def _theirs(self, request: HttpRequest, obj: Scenario | None) -> bool:
        return (
            obj is None
            or request.user.is_superuser
            or obj.owner_id is None
            or obj.owner_id == request.user.pk
        )

    def has_change_permission(self, request: HttpRequest, obj: Scenario | None = None) -> bool:
        return bool(super().has_change_permission(request, obj)) and self._theirs(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Scenario | None = None) -> bool:
        return bool(super().has_delete_permission(request, obj)) and self._theirs(request, obj)

    def get_form(
        self, request: HttpRequest, obj: Scenario | None = None, change: bool = False, **kwargs: Any
    ) -> "type[ModelForm[Scenario]]":
        """A new scenario of an editor is theirs before it is validated (a private scenario
        needs its owner), since the owner is not on their form."""
        form: type[ModelForm[Scenario]] = super().get_form(request, obj, change, **kwargs)
        if obj is not None or request.user.is_superuser:
            return form
        user = request.user

        class OwnedByTheEditor(form):  # type: ignore[valid-type,misc]  # a class made at run time
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self.instance.owner = user

        return OwnedByTheEditor

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"owner": request.user.pk, **super().get_changeform_initial_data(request)}

    @admin.display(description="defaults now")
    def defaults_now(self, obj: Scenario | None) -> SafeString:
        """What an empty leverage or cost per MW stands for today."""
        medians = selectors.cost_per_mw_medians()
        lines = [("Leverage", DEFAULT_BASIS["leverage"].note)]
        for kind in Project.Kind:
            median, count = medians.get(kind.value, (None, 0))
            text = (
                f"median {formatting.usd(median)} per MW of {count:,} projects with a recorded "
                "capital cost"
                if median is not None
                else "no project of this kind has a recorded cost: its projects stay unpriced"
            )
            lines.append((f"Cost per MW, {kind.label.lower()}", text))
        return format_html_join("", "<p>{}: {}</p>", lines)

    @admin.display(description="where each assumption comes from")
    def bases_now(self, obj: Scenario | None) -> str:
        if obj is None or obj.pk is None:
            return "Shown once the scenario is saved."
        return format_html_join(
            "",
            "<p><strong>{}</strong>: {}</p>",
            ((group.replace("_", " "), _basis_html(obj.basis(group))) for group in GROUPS),
        )

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        _key_or_404(self.model, object_id)
        response: HttpResponse = super().history_view(request, object_id, extra_context)
        return response

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        _key_or_404(self.model, object_id)
        _key_or_404(self.model.history.model, version_id)
        response: HttpResponse = super().history_form_view(
            request, object_id, version_id, extra_context
        )
        return response
