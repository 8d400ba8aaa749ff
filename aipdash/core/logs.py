"""Log lines an operator can read: every line in one shape, whoever writes it (the request log,
Django's errors, django-axes, the cache's warnings, gunicorn itself).

`LOG_FORMAT=json` (the default, for production and its log collector) writes one JSON object a
line: `time` (ISO 8601, UTC), `level`, `logger`, `message`, `request_id` when the line belongs
to a request, the record's extra fields (the request log's `method`, `path`, `status`...), and
`exception` (the traceback as one string) when there is one. `LOG_FORMAT=text` (what `make
run` sets) writes the same for people: `time level logger [request id] message`.

settings.LOGGING and gunicorn's logger (aipdash/core/gunicornlog.py) both use what is here;
gunicorn's
master reads it before Django is set up, so this module needs no settings.
"""

import contextvars
import datetime as dt
import logging
import logging.config
import os
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as LibraryJsonFormatter

FORMATS = ("json", "text")

# The id of the request this thread is answering (RequestIdMiddleware sets it), so that any
# line written while answering it (a cache warning, a django-axes lockout) carries it.
current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "current_request_id", default=""
)


def log_format() -> str:
    """LOG_FORMAT from the environment: json (also when unset) or text."""
    value = os.environ.get("LOG_FORMAT", "").strip().lower() or "json"
    if value not in FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT is “{value}”: use json or text.")
    return value


class RequestIdFilter(logging.Filter):
    """Give a record its `request_id`: the one it was logged with, else its request's
    (django.request's records carry the request), else the one this thread is answering.
    A record written outside any request gets none."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            request = getattr(record, "request", None)
            request_id = getattr(request, "request_id", "") or current_request_id.get()
            if request_id:
                record.request_id = request_id
        return True


def utc_iso(record: logging.LogRecord) -> str:
    """2026-12-07T13:25:00.123Z"""
    moment = dt.datetime.fromtimestamp(record.created, dt.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(LibraryJsonFormatter):
    """One JSON object a line (python-json-logger) in this project's field names."""

    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
                "exc_info": "exception",
                "stack_info": "stack",
            },
            # Django attaches the request object to its records: its id stands for it.
            reserved_attrs=[*RESERVED_ATTRS, "request"],
            json_ensure_ascii=False,
        )

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return utc_iso(record)


class TextFormatter(logging.Formatter):
    """The same lines for people: `time level logger [request id] message`, then the
    traceback, if any, on the lines below."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(_request_tag)s %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return utc_iso(record)

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", "")
        record._request_tag = f" [{request_id}]" if request_id else ""
        return super().format(record)


FORMATTERS: dict[str, type[logging.Formatter]] = {"json": JsonFormatter, "text": TextFormatter}


def formatter(name: str | None = None) -> logging.Formatter:
    """The formatter of LOG_FORMAT (or of `name`)."""
    return FORMATTERS[name or log_format()]()


def configure(config: dict[str, Any]) -> None:
    """settings.LOGGING_CONFIG: Python's warnings (a missing static folder, a deprecation) are
    log lines too, in the same shape, rather than plain text on stderr."""
    logging.config.dictConfig(config)
    logging.captureWarnings(True)
