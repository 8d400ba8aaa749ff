"""The site's URLs plus views that fail on purpose, for the error-page tests."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.db import OperationalError
from django.urls import path

from aipdash.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

SECRET_IN_TRACEBACK = "internal-detail-that-must-not-leak"


@login_not_required
def boom(request):
    raise RuntimeError(SECRET_IN_TRACEBACK)


@login_not_required
def suspicious(request):
    raise SuspiciousOperation(SECRET_IN_TRACEBACK)


@login_not_required
def database_down(request):
    # What psycopg raises through Django while PostgreSQL restarts.
    raise OperationalError(f"connection failed: {SECRET_IN_TRACEBACK}")


urlpatterns = [
    *urlpatterns,
    path("boom/", boom),
    path("suspicious/", suspicious),
    path("database-down/", database_down),
]
