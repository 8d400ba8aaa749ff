"""The error pages (400, 403, 404, 500, 503, and CSRF failures): in the site's look, no internals.

Wired in `urls.py` (handler400 ... handler500) and `settings.CSRF_FAILURE_VIEW`. Each page
shows the request id (RequestIdMiddleware) so that a person can quote it to the staff. The 500
page renders without a request context: whatever broke must not break the error page too.
When what broke is the database connection (PostgreSQL restarting), the answer is 503 with
Retry-After instead: a load balancer and a person both learn it is brief (bench/faults measures
the outage), and the 503 page says nothing saved is lost. Only then: a query the database
refused is a 500, whatever class the driver gives it (`database_unavailable`).
"""

import sqlite3
import sys

import psycopg
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import Error as DjangoDatabaseError
from django.db import InterfaceError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from aipdash.core.middleware import request_id_of

TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)
RETRY_AFTER_SECONDS = 5
# PostgreSQL's answers that mean it can't be used right now: shutting down, crashed, starting
# up (57P01-57P03), no connection slot free (53300); class 08 is every connection exception.
UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300"})
# SQLite's: the file can't be opened, or another process holds its write lock past the timeout.
UNAVAILABLE_SQLITE_CODES = frozenset({sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_BUSY})


def database_unavailable(error: BaseException | None) -> bool:
    """Whether `error` says the database can't be reached right now (a 503), rather than that it
    refused a query (a 500); None (no exception being handled) is neither. psycopg and sqlite3
    raise both kinds as OperationalError: an index entry too large, a statement timeout or a
    deadlock is one too. Django raises its own exception with the driver's as the cause."""
    driver_error = error.__cause__ if isinstance(error, DjangoDatabaseError) else error
    if isinstance(error, InterfaceError) or isinstance(driver_error, psycopg.InterfaceError):
        return True  # the connection is closed
    if isinstance(driver_error, psycopg.OperationalError):
        # No SQLSTATE: no answer at all (refused, lost mid-query).
        state = driver_error.sqlstate
        return state is None or state.startswith("08") or state in UNAVAILABLE_SQLSTATES
    if isinstance(driver_error, sqlite3.OperationalError):
        return driver_error.sqlite_errorcode & 0xFF in UNAVAILABLE_SQLITE_CODES
    return False


def _page(request: HttpRequest, template: str, status: int, **context: object) -> HttpResponse:
    return render(
        request, template, {"request_id": request_id_of(request), **context}, status=status
    )


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, TOO_LARGE):
        # 413 Content Too Large: the request was refused before it was read.
        return _page(request, "413.html", 413)
    return _page(request, "400.html", 400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "403.html", 403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "404.html", 404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its `except` block: the exception is the one being handled.
    context = {"request_id": request_id_of(request)}
    if database_unavailable(sys.exc_info()[1]):
        body = loader.get_template("503.html").render(context)
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(loader.get_template("500.html").render(context), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The form was stale (or came from elsewhere): say so, and how to go on."""
    return _page(request, "403_csrf.html", 403)
