"""What every page that shows the dashboard's charts shares, the dashboard's own and a shared
link's: the template, the htmx partial test, reading the filters, the chart name check, the 400
page that names each wrong filter, and `filtered_view` for the signed-in side.

Its own module so that the share views (aipdash/sharing/views.py) and the exports use the
dashboard's page helpers without importing its views.
"""

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, Concatenate

from django.contrib.auth.models import AnonymousUser, User
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from aipdash.dashboard import blocks
from aipdash.dashboard.filters import FIELD_LABELS, SCENARIO, DashboardFilters, FilterError
from aipdash.scenarios.selectors import ScenarioNotFound, scenario_for, visible_scenarios

DASHBOARD_TEMPLATE = "dashboard/index.html"


def is_partial(request: HttpRequest) -> bool:
    htmx: HtmxDetails = request.htmx  # type: ignore[attr-defined]  # django-htmx's middleware's
    return bool(htmx) and not htmx.history_restore_request


def address(path: str, query: str) -> str:
    return path + (f"?{query}" if query else "")


def bad_filters(
    request: HttpRequest, errors: Mapping[str, str], template: str, **context: object
) -> HttpResponse:
    """400: the page (or, for htmx, the charts region) saying which field is wrong."""
    context = {
        # (label, message, field): the scenario form puts each message on its field.
        "errors": [
            (FIELD_LABELS.get(field, field), message, field) for field, message in errors.items()
        ],
        "options": blocks.filter_options(),
        "filters": DashboardFilters(),
        "selected": DashboardFilters(),
        "query": "",
        "open": set(blocks.ALL_FILTERS),
        "scenarios": [] if context.get("shared") else scenario_choices(request.user),
        **context,
    }
    if is_partial(request):
        # The charts region is the dashboard's partial, whichever page (shared, embed) holds it.
        template = DASHBOARD_TEMPLATE + "#charts"
    return render(request, template, context, status=400)


def dashboard_filters(request: HttpRequest) -> DashboardFilters:
    """The query string's filters, with its scenario resolved for the reader: FilterError for
    a wrong filter and for a scenario the reader may not see (one query when there is one)."""
    filters = DashboardFilters.from_query(request.GET, partner_slugs=blocks.partner_slugs())
    return with_scenario(filters, request.user)


def with_scenario(filters: DashboardFilters, user: User | AnonymousUser) -> DashboardFilters:
    """`filters` with its scenario's assumptions and the form's unsaved values over them, if
    `user` may see the scenario; FilterError naming it otherwise (the same for an unknown one
    and another user's private one). A draft without a scenario is a new one, from the
    defaults."""
    if filters.scenario is None and not filters.draft:
        return filters
    try:
        scenario = scenario_for(user, filters.scenario) if filters.scenario else None
    except ScenarioNotFound as missing:
        raise FilterError({SCENARIO: str(missing)}) from None
    return filters.resolve(scenario)


def scenario_choices(user: User | AnonymousUser) -> list[dict[str, Any]]:
    """The scenarios the filter bar offers the reader: slug, name, owner and last change."""
    return [
        {
            "slug": s.slug,
            "name": s.name,
            "owner": s.owner.get_username() if s.owner is not None else "",
            "updated": s.updated,
        }
        for s in visible_scenarios(user)
    ]


def chart_name(chart: str) -> str:
    if chart not in blocks.CHART_NAMES:
        raise Http404("No such chart.")
    return chart


def filtered_view[**P](
    view: Callable[Concatenate[HttpRequest, DashboardFilters, P], HttpResponseBase],
) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    """A signed-in view of the dashboard's data for the query string's filters, called as
    view(request, filters, ...); wrong filters get the 400 page that names them (the staff
    side's counterpart of the share views' `shared_view`)."""

    @wraps(view)
    @require_GET
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        try:
            filters = dashboard_filters(request)
        except FilterError as error:
            return bad_filters(
                request, error.errors, DASHBOARD_TEMPLATE, base_path=reverse("dashboard")
            )
        return view(request, filters, *args, **kwargs)

    return wrapper
