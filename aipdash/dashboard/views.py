"""The dashboard's pages: the whole page (or its charts region for htmx), one chart's block.

Thin: parse the filters, ask `blocks` for the cached context or block, render. Wrong filters
get the 400 page that names each wrong field (`pages`). The CSV and workbook views are in
`exports`.
"""

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from aipdash.audit import changes
from aipdash.dashboard import blocks, comparison, fastpath, scenario_form
from aipdash.dashboard.filters import DashboardFilters
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
