from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
def home(request):
    return HttpResponse("AIP Dashboard")


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
