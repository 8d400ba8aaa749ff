"""The scenario pages outside the dashboard's figures: Save (the owner's own scenario), Save
as… (a new one, named), the list of the scenarios the user may see, Duplicate, and a
scenario's history in words.

Save and Save as… read the view the form was moved in (`view`: the dashboard's address, its
unsaved values in it), parsed and resolved for the user as the dashboard does, so what is saved
is exactly what the charts showed. Who may: aipdash/scenarios/services.py.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aipdash.core.requests import AuthenticatedHttpRequest
from aipdash.dashboard import blocks
from aipdash.dashboard.filters import MAX_QUERY_LENGTH, DashboardFilters, FilterError
from aipdash.dashboard.pages import DASHBOARD_TEMPLATE, address, bad_filters, with_scenario
from aipdash.scenarios import services
from aipdash.scenarios.assumptions import Assumptions
from aipdash.scenarios.models import HistoricalScenario, Scenario
from aipdash.scenarios.selectors import ScenarioNotFound, scenario_for, visible_scenarios


def _view(request: AuthenticatedHttpRequest, text: str) -> DashboardFilters:
    """The dashboard view a form was sent from, resolved for the user (FilterError)."""
    if len(text) > MAX_QUERY_LENGTH:
        raise FilterError(
            {"query": f"The address is too long (over {MAX_QUERY_LENGTH} characters)."}
        )
    filters = DashboardFilters.from_query(QueryDict(text), partner_slugs=blocks.partner_slugs())
    return with_scenario(filters, request.user)


def _refuse(request: AuthenticatedHttpRequest, errors: dict[str, str]) -> HttpResponse:
    return bad_filters(request, errors, DASHBOARD_TEMPLATE, base_path=reverse("dashboard"))


def _dashboard(filters: DashboardFilters) -> str:
    return address(reverse("dashboard"), filters.canonical())


def _scenario(request: AuthenticatedHttpRequest, slug: str) -> Scenario:
    try:
        return scenario_for(request.user, slug)
    except ScenarioNotFound as missing:
        raise Http404(str(missing)) from None


@require_POST
def scenario_save(request: AuthenticatedHttpRequest, slug: str) -> HttpResponseBase:
    """Save the form's values over the user's own scenario: a new version, a history row."""
    scenario = _scenario(request, slug)
    try:
        filters = _view(request, request.POST.get("view", ""))
    except FilterError as error:
        return _refuse(request, error.errors)
    if filters.scenario != scenario.slug:
        return _refuse(request, {"scenario": f"The view is not under “{scenario.name}”."})
    if not services.may_change(request.user, scenario):
        return _refuse(
            request,
            {"scenario": f"“{scenario.name}” is not yours: save your values as a new scenario."},
        )
    if filters.applied is None or not filters.draft:
        messages.info(request, f"Nothing to save: “{scenario.name}” is as saved.")
        return redirect(_dashboard(filters))
    try:
        services.save_changes(scenario, filters.applied.assumptions, request.user)
    except ValidationError as error:  # the bounds are checked twice: never half-saved
        return _refuse(request, {"scenario": " ".join(error.messages)})
    messages.success(request, f"Saved “{scenario.name}”: its history has the change.")
    return redirect(_dashboard(filters.saved()))


class SaveAsForm(forms.Form):
    name = forms.CharField(max_length=services.NAME_MAX, help_text="Such as “Grid queue stress”.")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    visibility = forms.ChoiceField(
        label="Who may see it",
        choices=Scenario.Visibility.choices,
        initial=Scenario.Visibility.PRIVATE,
        widget=forms.RadioSelect,
    )
    view = forms.CharField(widget=forms.HiddenInput, required=False)


@require_http_methods(["GET", "POST"])
def scenario_save_as(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The form's values (over the view's scenario, or the defaults) as a new scenario of the
    user's, named here; then the dashboard names it."""
    text = request.POST.get("view", "") if request.method == "POST" else request.GET.urlencode()
    try:
        filters = _view(request, text)
    except FilterError as error:
        return _refuse(request, error.errors)
    base = scenario_for(request.user, filters.scenario) if filters.scenario else None
    form = SaveAsForm(request.POST or None, initial={"view": filters.canonical()})
    if request.method == "POST" and form.is_valid():
        # No scenario and no change: the defaults (a new scenario equal to the recorded one).
        assumptions = filters.applied.assumptions if filters.applied else Assumptions()
        new = services.NewScenario(
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            visibility=form.cleaned_data["visibility"],
        )
        try:
            scenario = services.save_as(new, assumptions, request.user, base=base)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                target = field if field in form.fields else None
                for problem in problems:
                    form.add_error(target, problem)
        else:
            messages.success(request, f"Saved “{scenario.name}”, yours; the address names it.")
            saved = filters.recorded()
            return redirect(
                address(reverse("dashboard"), _with_slug(saved.canonical(), scenario.slug))
            )
    if base is not None and not form.is_bound:
        form.initial["name"] = (services.COPY_OF + base.name)[: services.NAME_MAX]
    return render(
        request,
        "dashboard/scenario_save_as.html",
        {
            "form": form,
            "base": base,
            "lines": filters.applied.lines if filters.applied else (),
            "dashboard_url": _dashboard(filters),
        },
        status=400 if form.is_bound else 200,
    )


def _with_slug(query: str, slug: str) -> str:
    params = QueryDict(query, mutable=True)
    params["scenario"] = slug
    return DashboardFilters.from_query(params, partner_slugs=blocks.partner_slugs()).canonical()


@require_GET
def scenario_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The scenarios the user may see: owner, who sees it, last change (who, when)."""
    scenarios = list(visible_scenarios(request.user))
    last: dict[int, tuple[object, str]] = {}
    history = (
        HistoricalScenario.objects.filter(id__in=[s.pk for s in scenarios])
        .order_by("-history_date")
        .values_list("id", "history_date", "history_user__username")
    )
    for pk, when, who in history:  # newest first: each scenario's first row is its last change
        last.setdefault(pk, (when, who or "not recorded"))
    rows = [
        {
            "scenario": s,
            "when": last.get(s.pk, (s.updated, ""))[0],
            "who": last.get(s.pk, (s.updated, "not recorded"))[1],
            "mine": services.may_change(request.user, s),
        }
        for s in scenarios
    ]
    return render(request, "dashboard/scenario_list.html", {"rows": rows})


@require_POST
def scenario_duplicate(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """A copy owned by the user, private: "Copy of …"."""
    scenario = _scenario(request, slug)
    try:
        copy = services.duplicate(scenario, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("scenario-list")
    messages.success(request, f"“{copy.name}” is yours: open it, change it, save it.")
    return redirect("scenario-list")


@require_GET
def scenario_history(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    scenario = _scenario(request, slug)
    return render(
        request,
        "dashboard/scenario_history.html",
        {"scenario": scenario, "entries": services.history_in_words(scenario)},
    )
