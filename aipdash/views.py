from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from aipdash import dashboard
from aipdash.filters import FIELD_LABELS, DashboardFilters, FilterError
from partners import selectors as partner_selectors
from projects import selectors as project_selectors


def _filters_or_errors(request) -> tuple[DashboardFilters | None, dict]:
    try:
        return DashboardFilters.from_query(
            request.GET, partner_slugs=dashboard.partner_slugs()
        ), {}
    except FilterError as error:
        return None, error.errors


def _bad_filters(request, errors, template="dashboard/index.html"):
    """400: the page (or, for htmx, the charts region) saying which field is wrong."""
    context = {
        "errors": [(FIELD_LABELS.get(field, field), message) for field, message in errors.items()],
        "options": dashboard.filter_options(),
        "filters": DashboardFilters(),
        "raw": request.GET,
    }
    if request.htmx and not request.htmx.history_restore_request:
        template += "#charts"
    return render(request, template, context, status=400)


@require_GET
def dashboard_view(request):
    """The dashboard: the whole page, or for htmx only the charts region (one round trip)."""
    filters, errors = _filters_or_errors(request)
    if errors:
        return _bad_filters(request, errors)
    # One address per view: the canonical query string (sorted, no empty fields).
    canonical = filters.canonical()
    address = reverse("dashboard") + (f"?{canonical}" if canonical else "")
    partial = request.htmx and not request.htmx.history_restore_request
    if not partial and request.META.get("QUERY_STRING", "") != canonical:
        return redirect(address)
    template = "dashboard/index.html" + ("#charts" if partial else "")
    response = render(request, template, dashboard.context(filters))
    if partial:
        response["HX-Push-Url"] = address  # not the form's raw fields, empty ones included
    return response


@require_GET
def chart_partial(request, chart):
    """One chart's block (figure, notes, data table), for the same filters."""
    if chart not in dashboard.CHART_NAMES:
        raise Http404("No such chart.")
    filters, errors = _filters_or_errors(request)
    if errors:
        return _bad_filters(request, errors)
    return render(
        request,
        "dashboard/index.html#chart",
        {"chart": dashboard.chart(chart, filters), "filters": filters},
    )


@require_GET
def chart_csv(request, chart):
    """A chart's data as CSV, streamed; the same rows as its table, for the same filters."""
    if chart not in dashboard.CHART_NAMES:
        raise Http404("No such chart.")
    filters, errors = _filters_or_errors(request)
    if errors:
        return _bad_filters(request, errors)
    data = dashboard.chart(chart, filters).data
    response = StreamingHttpResponse(dashboard.csv_lines(data), content_type="text/csv")
    response["Content-Disposition"] = (
        f'attachment; filename="{dashboard.csv_filename(data, filters)}"'
    )
    return response


@require_GET
def portfolio(request):
    """Every deal, partner and project on record, each with its source (the headline figures
    and charts are the dashboard's): three queries."""
    investments = list(project_selectors.investment_rows())
    partners = list(partner_selectors.partner_rows())
    projects = list(project_selectors.project_rows())
    return render(
        request,
        "portfolio.html",
        {
            "investments": investments,
            "partners": partners,
            "projects": projects,
            # The notice explains the badges: on records, and on partners' committed totals.
            "illustrative": any(r.illustrative for r in [*investments, *partners, *projects])
            or any(p.has_illustrative_commitment for p in partners),
        },
    )


@require_GET
@never_cache
@login_not_required
def healthz(request):
    """Liveness and readiness for load balancers: database and cache, 503 when either fails."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:
        checks["database"] = {"ok": False, "error": exc.__class__.__name__}
    try:
        cache.set("healthz", "1", 5)
        ok = cache.get("healthz") == "1"
        backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        checks["cache"] = {"ok": ok, "backend": backend}
    except Exception as exc:
        checks["cache"] = {"ok": False, "error": exc.__class__.__name__}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
