"""The dashboard's pages: the whole page (or its charts region for htmx), one chart's block.

Thin: parse the filters, ask `blocks` for the cached context or block, render. Wrong filters
get the 400 page that names each wrong field. The CSV and workbook views are in `exports`.
"""

from functools import wraps

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from aipdash.audit import changes
from aipdash.dashboard import blocks, fastpath
from aipdash.dashboard.filters import FIELD_LABELS, DashboardFilters, FilterError

DASHBOARD_TEMPLATE = "dashboard/index.html"


def is_partial(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def address(path: str, query: str) -> str:
    return path + (f"?{query}" if query else "")


def bad_filters(request, errors, template, **context):
    """400: the page (or, for htmx, the charts region) saying which field is wrong."""
    context = {
        "errors": [(FIELD_LABELS.get(field, field), message) for field, message in errors.items()],
        "options": blocks.filter_options(),
        "filters": DashboardFilters(),
        "selected": DashboardFilters(),
        "query": "",
        "open": set(blocks.ALL_FILTERS),
        **context,
    }
    if is_partial(request):
        # The charts region is the dashboard's partial, whichever page (shared, embed) holds it.
        template = DASHBOARD_TEMPLATE + "#charts"
    return render(request, template, context, status=400)


def dashboard_filters(request) -> DashboardFilters:
    return DashboardFilters.from_query(request.GET, partner_slugs=blocks.partner_slugs())


def chart_name(chart: str) -> str:
    if chart not in blocks.CHART_NAMES:
        raise Http404("No such chart.")
    return chart


def filtered_view(view):
    """A signed-in view of the dashboard's data for the query string's filters, called as
    view(request, filters, ...); wrong filters get the 400 page that names them (the staff
    side's counterpart of the share views' `shared_view`)."""

    @wraps(view)
    @require_GET
    def wrapper(request, *args, **kwargs):
        try:
            filters = dashboard_filters(request)
        except FilterError as error:
            return bad_filters(
                request, error.errors, DASHBOARD_TEMPLATE, base_path=reverse("dashboard")
            )
        return view(request, filters, *args, **kwargs)

    return wrapper


@filtered_view
def dashboard_view(request, filters):
    """The dashboard: the whole page, or for htmx only the charts region (one round trip)."""
    base, canonical = reverse("dashboard"), filters.canonical()
    partial = is_partial(request)
    # One address per view: the canonical query string (sorted, no empty fields).
    if not partial and request.META.get("QUERY_STRING", "") != canonical:
        return redirect(address(base, canonical))
    context = blocks.context(filters, base_path=base)
    if partial:
        response = render(request, DASHBOARD_TEMPLATE + "#charts", context)
        response["HX-Push-Url"] = address(base, canonical)  # not the raw fields, empty ones
        return response
    context["changes"] = changes.for_request(request)  # "Since your last visit"
    return render(request, DASHBOARD_TEMPLATE, context)


@filtered_view
def chart_partial(request, filters, chart):
    """One chart's block (figure, notes, data table), for the same filters."""
    chart = chart_name(chart)
    fastpath.remember(request)  # this session's next partials may skip the full stack
    query = filters.canonical()
    return blocks.chart_response(chart, filters, base_path=reverse("dashboard"), query=query)
