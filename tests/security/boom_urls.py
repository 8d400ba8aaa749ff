"""The site's URLs plus views that fail on purpose, for the error-page tests."""

import socket

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.db import DEFAULT_DB_ALIAS, connection, connections
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


def _unused_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@login_not_required
def database_down(request):
    """A query to a database that can't be reached (PostgreSQL restarting: nothing listens on
    its port; SQLite: its file can't be opened)."""
    settings = {**connection.settings_dict}
    if connection.vendor == "postgresql":
        settings |= {"HOST": "127.0.0.1", "PORT": _unused_port()}
    else:
        settings["NAME"] = f"/nonexistent-{SECRET_IN_TRACEBACK}/aipdash.sqlite3"
    unreachable = type(connections[DEFAULT_DB_ALIAS])(settings, alias="unreachable")
    try:
        unreachable.cursor().execute("SELECT 1")
    finally:
        unreachable.close()


@login_not_required
def database_limit(request):
    """A query over one of the database's own limits (too many columns in a result), which
    psycopg and sqlite3 both raise as an OperationalError: a fault of ours, not an outage."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(['1'] * 2001)} -- {SECRET_IN_TRACEBACK}")


urlpatterns = [
    *urlpatterns,
    path("boom/", boom),
    path("suspicious/", suspicious),
    path("database-down/", database_down),
    path("database-limit/", database_limit),
]
