from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from partners import selectors as partner_selectors
from projects import selectors as project_selectors


@require_GET
def home(request):
    """Key figures, deals, partners and projects, each figure with its source."""
    fundraising = project_selectors.fundraising()
    committed = project_selectors.committed_by_instrument()
    capacity = project_selectors.capacity_by_stage()
    investments = list(project_selectors.investment_rows())
    partners = list(partner_selectors.partner_rows())
    projects = list(project_selectors.project_rows())
    headline_records = [fundraising.equity_target, fundraising.total_target, fundraising.raised]
    illustrative = (
        any(r is not None and r.illustrative for r in headline_records)
        or any(row.total.illustrative for row in committed)
        or any(bucket.illustrative for bucket in capacity)
        or any(r.illustrative for r in [*investments, *partners, *projects])
    )
    return render(
        request,
        "home.html",
        {
            "fundraising": fundraising,
            "committed": committed,
            "committed_records": sum(row.total.records for row in committed),
            "committed_illustrative": sum(row.total.illustrative_records for row in committed),
            "capacity": capacity,
            "investments": investments,
            "partners": partners,
            "projects": projects,
            "illustrative": illustrative,
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
        checks["cache"] = {"ok": ok, "backend": cache.__class__.__name__}
    except Exception as exc:
        checks["cache"] = {"ok": False, "error": exc.__class__.__name__}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
