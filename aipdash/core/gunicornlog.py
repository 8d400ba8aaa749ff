"""gunicorn's own log lines (its error log, and its access log when one is set) in the shape of
the app's (aipdash/core/logs.py, LOG_FORMAT): `logger_class` in gunicorn.conf.py.

gunicorn keeps its own handlers, so its settings work as without this (`errorlog` a file or
stderr, the access log off unless `accesslog` is set, files reopened on USR1); only the format
and the request id are ours. A subclass rather than `logconfig_dict`: with a logging dict,
gunicorn writes an access line for every request whatever `accesslog` says (the app already
logs each request), and the handlers, files included, would have to be declared again there.
"""

import datetime as dt
import logging
from typing import Any

from gunicorn import glogging
from gunicorn.config import Config
from gunicorn.http.message import Request
from gunicorn.http.wsgi import Response

from aipdash.core.logs import RequestIdFilter, current_request_id, formatter


class GunicornLogger(glogging.Logger):
    def setup(self, cfg: Config) -> None:
        super().setup(cfg)
        line = formatter()
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                # Streams and files; a syslog handler keeps the prefix syslog needs.
                if isinstance(handler, logging.StreamHandler):
                    handler.setFormatter(line)
                    if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
                        handler.addFilter(RequestIdFilter())

    def access(
        self, resp: Response, req: Request, environ: dict[str, Any], request_time: dt.timedelta
    ) -> None:
        """The access line carries the request id the app gave the response."""
        request_id = next(
            (value for name, value in resp.headers if name.lower() == "x-request-id"), ""
        )
        answered = current_request_id.set(request_id)
        try:
            super().access(resp, req, environ, request_time)
        finally:
            current_request_id.reset(answered)
