"""Security headers on every response, the session and password settings, the error pages
(400, 403, 404, 413, 500, CSRF) and the structured request log with its request id."""

import json
import logging
import sqlite3

import django.db
import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.test import Client

from aipdash.core import errors
from tests.security.boom_urls import SECRET_IN_TRACEBACK

pytestmark = pytest.mark.django_db

SECURITY_HEADERS = {
    "Content-Security-Policy": "script-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=()",
    "X-Frame-Options": "DENY",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
}


class SecureClient(Client):
    """Requests as over HTTPS (HSTS is only sent on secure requests)."""

    def get(self, path, *args, **kwargs):
        return super().get(path, *args, secure=True, **kwargs)


@pytest.fixture
def secure_client():
    return SecureClient()


def _assert_security_headers(response, path):
    for header, value in SECURITY_HEADERS.items():
        assert value in response.get(header, ""), f"{path}: {header} is {response.get(header)!r}"
    # Shared views (the token is in their address) are stricter: no referrer at all.
    assert response["Referrer-Policy"] in ("same-origin", "no-referrer"), path
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert len(response["X-Request-ID"]) == 32


def test_security_headers_on_pages_admin_exports_errors_and_shared_views(
    secure_client, editor, records, share
):
    secure_client.force_login(editor)
    paths = {
        "/": 200,
        "/portfolio/": 200,
        f"/partners/{records.partner.slug}/": 200,
        "/charts/commitments_by_partner.csv": 200,
        "/admin/": 200,
        "/admin/projects/project/": 200,
        f"/admin/projects/project/{records.project.pk}/change/": 200,
        "/admin/auth/user/": 403,
        "/no-such-page/": 404,
        f"/s/{share.token}/": 200,
        "/healthz": 200,
    }
    for path, status in paths.items():
        response = secure_client.get(path)
        assert response.status_code == status, path
        _assert_security_headers(response, path)
    anonymous = SecureClient()
    for path in ("/accounts/login/", "/", "/admin/login/"):
        _assert_security_headers(anonymous.get(path), path)


def test_the_permissions_policy_turns_off_every_feature_it_names(client):
    policy = client.get("/healthz")["Permissions-Policy"]
    features = dict(item.split("=", 1) for item in policy.split(", "))
    assert {"camera", "microphone", "geolocation", "payment", "usb"} <= set(features)
    assert set(features.values()) == {"()"}


def test_session_and_csrf_cookies_are_secure_http_only_and_expire(client, viewer):
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    response = client.post(
        "/accounts/login/", {"username": "viewer", "password": "viewer-pass-1234"}, secure=True
    )
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"]
    assert cookie["max-age"] == 12 * 60 * 60
    assert settings.CSRF_COOKIE_SECURE
    assert settings.SECURE_HSTS_SECONDS == 365 * 24 * 60 * 60


def test_password_validators_refuse_weak_passwords(viewer):
    for weak in ("short", "password123", "12345678901", "viewer-pass"):
        with pytest.raises(ValidationError):
            validate_password(weak, user=viewer)
    validate_password("a sensible long passphrase 42", user=viewer)


# Error pages ------------------------------------------------------------------------------------


def _error_page(response, status, words):
    assert response.status_code == status
    body = response.content.decode()
    assert 'class="site-header"' in body and 'class="error-page"' in body  # the site's look
    assert words in body
    assert response["X-Request-ID"] in body  # the reference to quote
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["Permissions-Policy"]
    for internal in ("Traceback", SECRET_IN_TRACEBACK, "django.", "File &quot;", "DEBUG"):
        assert internal not in body
    return body


@pytest.fixture
def boom_client(settings):
    settings.ROOT_URLCONF = "tests.security.boom_urls"
    return Client(raise_request_exception=False)


def test_500_is_the_site_page_with_the_request_id_and_the_log_has_it(boom_client, caplog):
    with caplog.at_level(logging.INFO):
        response = boom_client.get("/boom/", headers={"X-Request-ID": "lb-trace-0123456789"})
    assert response["X-Request-ID"] == "lb-trace-0123456789"
    _error_page(response, 500, "Something went wrong on our side")
    # The traceback is logged for the staff, under the same request id, as the settings format it.
    (error,) = [r for r in caplog.records if r.name == "django.request"]
    handler = logging.getHandlerByName("console")
    assert handler.filter(error)
    line = json.loads(handler.format(error))
    assert line["request_id"] == "lb-trace-0123456789"
    assert line["message"] == "Internal Server Error: /boom/"
    assert SECRET_IN_TRACEBACK in line["exception"]  # in the log, not on the page
    (line,) = _log_lines(caplog)
    assert line["status"] == 500 and line["request_id"] == "lb-trace-0123456789"


def test_503_with_retry_after_while_the_database_cannot_be_reached(boom_client, caplog):
    with caplog.at_level(logging.INFO):
        response = boom_client.get("/database-down/")
    _error_page(response, 503, "briefly unavailable")
    assert response["Retry-After"] == "5"
    assert "nothing you saved is lost" in response.content.decode()
    (error,) = [r for r in caplog.records if r.name == "django.request"]
    assert "OperationalError" in logging.getHandlerByName("console").format(error)


def test_a_query_over_a_database_limit_is_a_500_not_an_outage(boom_client, caplog):
    """psycopg raises a query over one of PostgreSQL's limits (an index entry too large, too
    many columns...) as an OperationalError too, as sqlite3 does its own: the database is
    there, so no 503 saying it is briefly unavailable."""
    with caplog.at_level(logging.INFO):
        response = boom_client.get("/database-limit/")
    _error_page(response, 500, "Something went wrong on our side")
    assert "Retry-After" not in response
    (error,) = [r for r in caplog.records if r.name == "django.request"]
    logged = logging.getHandlerByName("console").format(error)
    assert "django.db.utils.OperationalError" in logged
    assert "1664 entries" in logged or "too many columns" in logged


def _wrapped(cause):
    """`cause` as Django raises it (django.db.utils.DatabaseErrorWrapper): its own exception
    class of the same name, the driver's exception as the cause."""
    driver_classes = {cls.__name__ for cls in type(cause).__mro__}
    wrapper = django.db.InterfaceError if "InterfaceError" in driver_classes else OperationalError
    try:
        raise wrapper(*cause.args) from cause
    except django.db.Error as error:
        return error


@pytest.mark.parametrize(
    ("cause", "unavailable"),
    [
        # No answer from the server: refused, lost, closed.
        (psycopg.OperationalError("connection failed: Connection refused"), True),
        (psycopg.OperationalError("consuming input failed: server closed the connection"), True),
        (psycopg.InterfaceError("the connection is closed"), True),
        (psycopg.errors.ConnectionFailure("connection failure"), True),
        (psycopg.errors.AdminShutdown("terminating connection due to administrator command"), True),
        (psycopg.errors.CrashShutdown("terminating connection due to a crash"), True),
        (psycopg.errors.CannotConnectNow("the database system is starting up"), True),
        (psycopg.errors.TooManyConnections("sorry, too many clients already"), True),
        pytest.param(
            lambda tmp_path: _sqlite_error(tmp_path, "database is locked"), True, id="sqlite-busy"
        ),
        # The database answered: it refused the query.
        (psycopg.errors.ProgramLimitExceeded("index row size 3160 exceeds maximum 2704"), False),
        (psycopg.errors.QueryCanceled("canceling statement due to statement timeout"), False),
        (psycopg.errors.DeadlockDetected("deadlock detected"), False),
        (psycopg.errors.UndefinedTable('relation "x" does not exist'), False),
        pytest.param(
            lambda tmp_path: _sqlite_error(tmp_path, "no such table"), False, id="sqlite-no-table"
        ),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else None,
)
def test_only_a_database_that_cannot_be_reached_is_an_outage(cause, unavailable, tmp_path):
    if callable(cause):
        cause = cause(tmp_path)
    assert errors.database_unavailable(_wrapped(cause)) is unavailable


def _sqlite_error(folder, kind):
    """A real sqlite3 error: a write while another connection holds the file's write lock
    (after no wait), or a query of a table that is not there."""
    path = folder / "busy.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    other = sqlite3.connect(path, timeout=0)
    try:
        if kind == "no such table":
            other.execute("SELECT * FROM missing")
        holder.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO t VALUES (1)")
    except sqlite3.OperationalError as error:
        assert kind in str(error)
        return error
    finally:
        other.close()
        holder.close()
    raise AssertionError(f"no {kind} error")


def test_400_for_a_suspicious_request_and_a_foreign_host(boom_client):
    _error_page(boom_client.get("/suspicious/"), 400, "could not be understood")
    _error_page(boom_client.get("/", HTTP_HOST="evil.example"), 400, "could not be understood")


def test_404_and_403_pages(client, nobody):
    _error_page(client.get("/healthz/nothing-here"), 404, "This page does not exist")
    client.force_login(nobody)
    _error_page(client.get("/portfolio/"), 403, "You may not open this page")


def test_a_stale_form_gets_the_csrf_page(viewer):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "viewer", "password": "x"})
    _error_page(response, 403, "This form has expired")


# Oversized requests -----------------------------------------------------------------------------


def test_an_oversized_form_post_is_refused_with_413(client):
    response = client.post("/accounts/login/", {"username": "x" * (2 * 1024 * 1024)})
    _error_page(response, 413, "The request was too large")


def test_too_many_fields_is_refused_with_413(editor_client):
    fields = {f"field{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    _error_page(editor_client.post("/shares/new/", fields), 413, "The request was too large")


def test_an_oversized_upload_is_refused_before_it_is_read(editor_client, settings):
    settings.MAX_REQUEST_BODY_SIZE = 64 * 1024
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("big.csv", b"a,b\n" * 40_000, content_type="text/csv")
    response = editor_client.post("/admin/projects/project/add/", {"file": upload})
    _error_page(response, 413, "The request was too large")
    # Under the limit, the same request reaches the view (which answers with its form).
    small = SimpleUploadedFile("small.csv", b"a,b\n", content_type="text/csv")
    assert editor_client.post("/admin/projects/project/add/", {"file": small}).status_code == 200


def test_an_over_long_query_string_is_a_400_that_names_it(viewer_client):
    response = viewer_client.get("/", {"country": ["US"] * 1000})
    assert response.status_code == 400
    assert b"too long" in response.content.lower()


# The request log --------------------------------------------------------------------------------


REQUEST_FIELDS = ("request_id", "method", "path", "status", "duration_ms", "user_id")


def _log_lines(caplog):
    return [
        {name: getattr(record, name) for name in REQUEST_FIELDS}
        for record in caplog.records
        if record.name == "aipdash.request"
    ]


def test_every_request_writes_one_json_line_with_its_id(caplog, viewer_client, viewer):
    with caplog.at_level(logging.INFO, logger="aipdash.request"):
        response = viewer_client.get("/portfolio/")
    (line,) = _log_lines(caplog)
    assert line["request_id"] == response["X-Request-ID"]
    assert line["method"] == "GET" and line["path"] == "/portfolio/"
    assert line["status"] == 200 and line["user_id"] == viewer.pk
    assert 0 < line["duration_ms"] < 60_000


def test_share_tokens_never_reach_the_log_and_anonymous_has_no_user(caplog, client, share):
    with caplog.at_level(logging.INFO, logger="aipdash.request"):
        client.get(f"/s/{share.token}/")
    (line,) = _log_lines(caplog)
    assert share.token not in json.dumps(line) and share.token not in caplog.text
    assert line["path"] == f"/s/{share.token[:6]}…/"
    assert line["user_id"] is None


@pytest.mark.parametrize(
    "incoming",
    ["short", "x" * 65, "bad id with spaces", "<script>alert(1)</script>", "id\nforged: log"],
)
def test_an_unusable_incoming_request_id_is_replaced(client, incoming):
    response = client.get("/healthz", headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


def _nul_refused(response, caplog):
    body = _error_page(response, 400, "could not be understood")
    assert "NUL character" in body
    # One warning line names it; no traceback at ERROR.
    (warning,) = [r for r in caplog.records if r.name != "aipdash.request"]
    assert warning.levelname == "WARNING" and not warning.exc_info
    assert "\x00" not in warning.getMessage()


@pytest.mark.parametrize("query", ["q=%00", "partner=a%00b", "stage__exact=%00x", "%00=1"])
def test_a_nul_in_the_query_string_is_a_400(editor_client, query, caplog):
    for path in ("/", "/admin/projects/project/", "/portfolio/", "/admin/"):
        with caplog.at_level(logging.INFO):
            caplog.clear()
            response = editor_client.get(path, QUERY_STRING=query)
        _nul_refused(response, caplog)


NUL_PATHS = [
    "/%00",
    "/projects/%00/",
    "/projects/a%00b/",
    "/partners/%00/",
    "/s/%00/",
    "/s/%00/charts/commitments_by_partner/",
    "/admin/projects/project/%00/change/",
    "/admin/projects/project/%00/history/",
    "/admin/partners/partner/1/history/%00/",
    "/admin/projects/project/?q=x&o=%00",
]


@pytest.mark.parametrize("path", NUL_PATHS)
def test_a_nul_anywhere_in_the_address_is_a_400(editor_client, client, records, path, caplog):
    """PostgreSQL refuses NUL in text: a slug or key with one reached its query and answered
    500 (DataError), or a 404 only on SQLite."""
    for caller in (editor_client, client):
        with caplog.at_level(logging.INFO):
            caplog.clear()
            response = caller.get(path)
        _nul_refused(response, caplog)


def test_a_cookie_with_a_nul_is_dropped(caplog):
    """`Cookie: sessionid="\\000…"` reads as a NUL (an octal escape in a quoted cookie value):
    the session's lookup raised DataError on PostgreSQL, a 500 on every page, the login page
    included. Such a cookie is dropped (a 400 would lock the browser out until it is cleared)."""
    client = Client()
    cookie = 'sessionid="\\000abcdefghijklmnop"; theme=dark'
    with caplog.at_level(logging.INFO):
        assert client.get("/accounts/login/", HTTP_COOKIE=cookie).status_code == 200
        assert client.get("/portfolio/", HTTP_COOKIE=cookie).status_code == 302
        assert client.get("/api/projects/", HTTP_COOKIE=cookie).status_code == 401
    warnings = [r for r in caplog.records if r.name == "aipdash.security"]
    assert [(r.levelname, r.getMessage()) for r in warnings] == [
        ("WARNING", 'Dropped a cookie with a NUL character: "sessionid".')
    ] * 3
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


@pytest.mark.django_db
def test_a_choice_too_large_for_the_database_is_a_400_not_a_500(client, caplog):
    """Found by the fuzz test: a 20-digit permission id in the auth group admin's form made
    SQLite's driver raise OverflowError (a 500). PostgreSQL compares it and finds no row: the
    form's own error."""
    admin = User.objects.create_superuser("root", "root@example.com", "pw-0123456789")
    client.force_login(admin)
    with caplog.at_level(logging.INFO):
        response = client.post(
            "/admin/auth/group/add/", {"name": "x", "permissions": ["99999999999999999999"]}
        )
    assert response.status_code in (200, 400)
    assert not any(r.levelname == "ERROR" for r in caplog.records)
    if response.status_code == 400:
        _error_page(response, 400, "")
    else:
        assert "Select a valid choice" in response.content.decode()
