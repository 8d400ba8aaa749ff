"""/healthz: liveness and readiness for load balancers (and bench/server.py): is the database
there, is the cache. No login, never cached, exempt from the HTTPS redirect (settings.py).

On the ground floor: it reads only Django's connection and cache, nothing of our apps.
"""

from typing import TypedDict

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from aipdash.core import replicas


class Check(TypedDict, total=False):
    """One dependency's answer: `ok`, and what it is (`vendor`, `backend`) or why not (`error`,
    the exception's class name, never its message)."""

    ok: bool
    vendor: str
    backend: str
    error: str


@require_GET
@never_cache
@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness for load balancers: database and cache; 503 when the database
    fails, 200 "degraded" when only the cache does."""
    checks: dict[str, Check] = {}
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
    # Without the cache pages are still served (uncached, aipdash/core/cache/failsoft.py):
    # "degraded", 200, so that a load balancer keeps the process. Without the database
    # nothing is: 503.
    if not checks["database"]["ok"]:
        status = "unavailable"
    else:
        status = "ok" if checks["cache"]["ok"] else "degraded"
    # Read replicas (aipdash/core/replicas.py): which are usable now. One down or behind does
    # not change the status: the primary answers its reads.
    body: dict[str, object] = {"status": status, **checks}
    if settings.DATABASE_REPLICA_URLS:
        body["replicas"] = replicas.health()
    return JsonResponse(body, status=503 if status == "unavailable" else 200)
