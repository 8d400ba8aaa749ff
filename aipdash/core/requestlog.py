"""Logging filters: no shared-link token is ever written to a log in full."""

import logging
import re

# /s/<token>/ → /s/<first 6 characters>…/ (enough to tell links apart, useless to open one).
SHARE_TOKEN = re.compile(r"(/s/[A-Za-z0-9_-]{6})[A-Za-z0-9_-]+")


class RedactShareTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/s/" in message:
            record.msg = SHARE_TOKEN.sub(r"\1…", message)
            record.args = None
        return True
