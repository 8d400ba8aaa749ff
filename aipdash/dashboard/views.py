"""The dashboard's pages: the whole page (or its charts region for htmx), one chart's block.

Thin: parse the filters, ask `blocks` for the cached context or block, render. Wrong filters
get the 400 page that names each wrong field (`pages`). The CSV and workbook views are in
`exports`.
"""

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from aipdash.audit import changes
from aipdash.dashboard import blocks, comparison, fastpath, scenario_compare, scenario_form
from aipdash.dashboard.filters import DashboardFilters, FilterError
from aipdash.dashboard.pages import (
    DASHBOARD_TEMPLATE,
    address,
    chart_name,
    filtered_view,
    is_partial,
    scenario_choices,
)


@filtered_view
def dashboard_view(request: HttpRequest, filters: DashboardFilters) -> HttpResponseBase:
    """The dashboard: the whole page, or for htmx only the charts region (one round trip)."""
    base, canonical = reverse("dashboard"), filters.canonical()
    partial = is_partial(request)
    # One address per view: the canonical query string (sorted, no empty fields).
    if not partial and request.META.get("QUERY_STRING", "") != canonical:
        return redirect(address(base, canonical))
    context = blocks.context(filters, base_path=base)
    context["compared"] = comparison.lazily(filters)
    context["compare_scenarios_url"] = compare_scenarios_url(filters)
    if partial:
        response = render(request, DASHBOARD_TEMPLATE + "#charts", context)
        response["HX-Push-Url"] = address(base, canonical)  # not the raw fields, empty ones
        return response
    context["changes"] = changes.for_request(request)  # "Since your last visit"
    context["scenarios"] = scenario_choices(request.user)
    context["scenario_form"] = scenario_form.context(filters, request.user)
    return render(request, DASHBOARD_TEMPLATE, context)


@filtered_view
def chart_partial(request: HttpRequest, filters: DashboardFilters, chart: str) -> HttpResponseBase:
    """One chart's block (figure, notes, data table), for the same filters."""
    chart = chart_name(chart)
    fastpath.remember(request)  # this session's next partials may skip the full stack
    query = filters.canonical()
    return blocks.chart_response(chart, filters, base_path=reverse("dashboard"), query=query)


def compare_scenarios_url(filters: DashboardFilters) -> str | None:
    """The compare page for a view under a scenario: that scenario as B against the recorded
    portfolio (its picker changes A), with the view's other filters."""
    if filters.applied is None:
        return None
    query = urlencode([*filters.recorded().items(), (scenario_compare.B, filters.applied.slug)])
    return address(reverse("scenario-compare"), query)


COMPARE_TEMPLATE = "dashboard/scenario_compare.html"


@require_GET
def scenario_compare_view(request: HttpRequest) -> HttpResponseBase:
    """Two scenarios (or a scenario and the recorded portfolio) side by side: the headline,
    the power balance and the capital bridge of each, and the table of their differences."""
    context: dict[str, Any] = {"scenarios": scenario_choices(request.user)}
    try:
        a, b = scenario_compare.sides(request.GET, request.user)
    except FilterError as error:
        filters = scenario_compare.kept_filters(request.GET)
        context |= {
            "errors": scenario_compare.error_labels(error.errors),
            "filters": filters,
            "described": blocks.describe(filters),
            "chosen": {key: request.GET.get(key, "") for key in scenario_compare.SIDE_LABELS},
        }
        return render(request, COMPARE_TEMPLATE, context, status=400)
    comparison = scenario_compare.compare(a, b)
    context |= {
        "comparison": comparison,
        "sides": [
            {
                "side": side,
                "figures": comparison.figures[side.key],
                "charts": scenario_compare.chart_blocks(side),
            }
            for side in (a, b)
        ],
        "differences": comparison.differences(),
        "filters": a.filters.recorded(),
        "described": blocks.describe(a.filters.recorded()),
        "chosen": {"a": a.slug, "b": b.slug},
    }
    return render(request, COMPARE_TEMPLATE, context)
