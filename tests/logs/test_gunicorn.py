"""gunicorn in the production configuration (gunicorn.conf.py) writes every line of its output
as JSON in the app's shape: its own error log, its access log (when set), and the app's lines
from the worker. A real server on an SQLite file: /healthz and a 404 need no tables."""

import datetime as dt
import http.client
import json
import signal

import pytest

from bench.server import HOST, Gunicorn, production_env
from tests.logs.test_json_lines import assert_shape


@pytest.fixture
def server_output(tmp_path):
    log = tmp_path / "gunicorn.log"
    server = Gunicorn(
        production_env(
            DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
            STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
            LOG_FORMAT="json",
            LOG_LEVEL="INFO",
            GUNICORN_ACCESSLOG="-",
            WEB_CONCURRENCY="1",
        ),
        log=log,
        capture_output=True,  # stdout and stderr of every process, into the log file
        stop_signal=signal.SIGTERM,
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


def get(server, path, request_id):
    conn = http.client.HTTPConnection(HOST, server.port, timeout=10)
    try:
        conn.request("GET", path, headers={"X-Request-ID": request_id})
        return conn.getresponse().status
    finally:
        conn.close()


def test_every_line_gunicorn_and_the_app_write_is_json(server_output):
    assert get(server_output, "/healthz", "trace-healthz-0001") == 200
    assert get(server_output, "/no-such-page/", "trace-missing-0002") == 404
    server_output.stop()  # the shutdown's lines too

    text = server_output.log.read_text()
    lines = [json.loads(line) for line in text.splitlines()]  # every line, or it fails
    for line in lines:
        assert_shape(line)
    by_logger = {}
    for line in lines:
        by_logger.setdefault(line["logger"], []).append(line)

    assert any(line["message"].startswith("Booting worker") for line in by_logger["gunicorn.error"])
    assert any(line["message"].startswith("Shutting down") for line in by_logger["gunicorn.error"])
    access = {line["request_id"]: line for line in by_logger["gunicorn.access"]}
    assert '"GET /healthz HTTP/1.1" 200' in access["trace-healthz-0001"]["message"]
    assert '"GET /no-such-page/ HTTP/1.1" 404' in access["trace-missing-0002"]["message"]
    app = {line["request_id"]: line for line in by_logger["aipdash.request"]}
    assert app["trace-healthz-0001"]["status"] == 200
    assert app["trace-missing-0002"]["status"] == 404
    (not_found,) = by_logger["django.request"]
    assert not_found["request_id"] == "trace-missing-0002"
    first = dt.datetime.fromisoformat(lines[0]["time"])
    assert abs(dt.datetime.now(dt.UTC) - first) < dt.timedelta(minutes=5)
