"""Every log line in one JSON shape (aipdash/core/logs.py): real requests through the test client,
each line the configured handler writes (its own formatter and filters) parsed back."""

import datetime as dt
import io
import json
import logging
import socket

import pytest
from django.test import Client
from django.urls import reverse

from aipdash.core.cache import failsoft as failsoft
from aipdash.core.logs import JsonFormatter, TextFormatter, formatter, log_format
from tests.security.boom_urls import SECRET_IN_TRACEBACK

pytestmark = pytest.mark.django_db

LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}
SCALARS = (str, int, float, bool, type(None))


@pytest.fixture
def log_lines():
    """What the configured handler writes while the test runs, as parsed lines."""
    configured = logging.getHandlerByName("console")
    assert isinstance(configured.formatter, JsonFormatter)  # LOG_FORMAT unset: json
    stream = io.StringIO()
    capture = logging.StreamHandler(stream)
    capture.setFormatter(configured.formatter)
    for log_filter in configured.filters:
        capture.addFilter(log_filter)
    root = logging.getLogger()
    root.addHandler(capture)

    def lines():
        text = stream.getvalue()
        parsed = [json.loads(line) for line in text.splitlines()]  # every line, or it fails
        assert len(parsed) == text.count("\n")
        for line in parsed:
            assert_shape(line)
        return parsed

    yield lines
    root.removeHandler(capture)


def assert_shape(line):
    assert list(line)[:4] == ["time", "level", "logger", "message"], line
    moment = dt.datetime.fromisoformat(line["time"])
    assert moment.utcoffset() == dt.timedelta(0) and line["time"].endswith("Z")
    assert line["level"] in LEVELS
    assert isinstance(line["logger"], str) and isinstance(line["message"], str)
    assert "request" not in line  # Django's request object: its id stands for it
    for name, value in line.items():
        assert isinstance(value, SCALARS), (name, value)
    if "request_id" in line:
        assert line["request_id"]


def of(lines, logger):
    return [line for line in lines if line["logger"] == logger]


def test_a_page_a_404_and_a_500_each_log_json_lines_under_their_request_id(
    log_lines, viewer_client, viewer, settings
):
    page = viewer_client.get("/portfolio/")
    missing = viewer_client.get("/no-such-page/")
    settings.ROOT_URLCONF = "tests.security.boom_urls"
    boom = Client(raise_request_exception=False).get(
        "/boom/", headers={"X-Request-ID": "lb-trace-0123456789"}
    )
    assert (page.status_code, missing.status_code, boom.status_code) == (200, 404, 500)

    lines = log_lines()
    requests = of(lines, "aipdash.request")
    assert [(r["path"], r["status"], r["level"]) for r in requests] == [
        ("/portfolio/", 200, "INFO"),
        ("/no-such-page/", 404, "INFO"),
        ("/boom/", 500, "ERROR"),
    ]
    first = requests[0]
    assert first["request_id"] == page["X-Request-ID"] and first["user_id"] == viewer.pk
    assert first["method"] == "GET" and first["duration_ms"] > 0
    assert first["message"] == f"GET /portfolio/ 200 in {first['duration_ms']} ms"

    not_found, error = of(lines, "django.request")
    assert not_found["level"] == "WARNING" and not_found["message"] == "Not Found: /no-such-page/"
    assert not_found["request_id"] == missing["X-Request-ID"] and not_found["status_code"] == 404
    assert error["level"] == "ERROR" and error["message"] == "Internal Server Error: /boom/"
    assert error["request_id"] == "lb-trace-0123456789" == requests[2]["request_id"]
    # The traceback, as one string field of the one line.
    assert error["exception"].startswith("Traceback (most recent call last):")
    assert f"RuntimeError: {SECRET_IN_TRACEBACK}" in error["exception"]


def test_a_sign_in_lockout_is_logged_by_django_axes_in_the_same_shape(log_lines, client, viewer):
    wrong = {"username": "viewer", "password": "not-the-password"}
    statuses = [client.post(reverse("login"), wrong).status_code for _ in range(5)]
    assert statuses == [200] * 4 + [429]
    lines = log_lines()
    axes = [line for line in lines if line["logger"].startswith("axes.")]
    lockout = [line for line in axes if "Locking out" in line["message"]]
    assert len(lockout) == 1 and lockout[0]["level"] == "WARNING"
    # Written while answering the fifth sign-in: that request's id.
    fifth = [r for r in of(lines, "aipdash.request") if r["status"] == 429]
    assert lockout[0]["request_id"] == fifth[0]["request_id"]


def test_the_cache_failing_soft_warns_in_the_same_shape(log_lines):
    with socket.socket() as probe:  # a port nothing listens on: Redis is "down"
        probe.bind(("127.0.0.1", 0))
        location = f"redis://127.0.0.1:{probe.getsockname()[1]}/0"
    unreachable = failsoft.FailSoftRedisCache(location, {"OPTIONS": {}})
    try:
        assert unreachable.get("anything", "missed") == "missed"
    finally:
        failsoft._outages.pop(location, None)  # this outage is the test's own
    (warning,) = of(log_lines(), "aipdash.cache")
    assert warning["level"] == "WARNING"
    assert warning["message"].startswith("Redis cache unreachable (get: ConnectionError")
    assert "request_id" not in warning  # written outside any request


def test_the_text_form_is_for_people_and_an_unknown_format_is_refused(monkeypatch):
    record = logging.LogRecord("aipdash.request", logging.INFO, __file__, 1, "GET / 200", (), None)
    record.created = dt.datetime(2026, 12, 7, 13, 25, tzinfo=dt.UTC).timestamp()
    record.request_id = "lb-trace-0123456789"
    assert TextFormatter().format(record) == (
        "2026-12-07T13:25:00.000Z INFO aipdash.request [lb-trace-0123456789] GET / 200"
    )
    monkeypatch.setenv("LOG_FORMAT", "text")
    assert isinstance(formatter(), TextFormatter)
    monkeypatch.setenv("LOG_FORMAT", "")
    assert log_format() == "json"
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(Exception, match="LOG_FORMAT is “xml”: use json or text"):
        log_format()
