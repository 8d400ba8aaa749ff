"""The data version: a random token every portfolio write replaces; cached payloads are keyed by it.

A payload's key is (chart, canonical filters, data version). Every saved or deleted portfolio
row (admin, imports, commands: anything that goes through the ORM's save and delete) replaces
the version with a new random token once its transaction commits, so the next request misses
the cache and reads the new figures; old entries are never read again and expire. A version
that has gone missing from the cache (eviction, restart) is replaced by a fresh random token,
never by an old one, so a stale payload can never come back.

With Redis (REDIS_URL) every process shares the version; the local-memory cache of a
development server is per process.

When Redis can't be reached (aipdash/core/cache/failsoft.py answers as an empty cache), payloads are
computed uncached and none is stored. A write in that time can't replace the version, so a
process that has seen Redis fail never trusts the version it finds once Redis is back: it first
stores a new random token, and only then reads payloads again. A write whose version change
failed is retried in the background every second until it lands, and until then its process
serves only uncached payloads.

Fewer round trips to Redis on a warm request (each costs a context switch or two on a busy
machine): a value under a versioned key never changes, so each process keeps the most recent
small ones (`local=True`) in a local LRU (LOCAL_ENTRIES) in front of Redis; and within one
request the version is read from Redis once (request_started forgets it), so a warm chart
partial costs one Redis read for the version (plus the session's). A write still invalidates
at once everywhere: every request reads the current version from Redis.
"""

import logging
import threading
import uuid
from typing import Any

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import DatabaseError, models, transaction

from aipdash.core import replicas
from aipdash.core.cache.failsoft import outage_epoch

logger = logging.getLogger("aipdash.cache")

_request = threading.local()  # .version: what the current request read


def _request_started(**kwargs: Any) -> None:
    # Every token is read anew per request (the past version too: kept from one request to the
    # next, a thread would serve past views under a token another process has replaced).
    _request.active, _request.version, _request.past_version = True, None, None
    _request.values = {}


def _request_finished(**kwargs: Any) -> None:
    _request.active, _request.version, _request.past_version = False, None, None
    _request.values = {}


request_started.connect(_request_started, dispatch_uid="datacache-request-started")
request_finished.connect(_request_finished, dispatch_uid="datacache-request-finished")

VERSION_KEY = "aipdash:data-version"
RETRY_BUMP_AFTER = 1.0  # seconds between retries of a version change that failed


def _failed() -> bool:
    """The last cache call of this thread went without the cache (Redis unreachable)."""
    return getattr(cache, "last_call_failed", False)


def new_token() -> str:
    """A random token; with read replicas, followed by the primary's WAL position now (after the
    commit of every write it stands for): no payload under it is read from a replica that has
    not replayed that far (aipdash/core/replicas.py)."""
    token = uuid.uuid4().hex
    try:
        lsn = replicas.primary_lsn()
    except DatabaseError:
        lsn = None  # a token without a position: read from the primary
    return token if lsn is None else f"{token}@{lsn:x}"


def wal_position(version: str) -> int | None:
    """The primary's WAL position a version carries, or None (no replica may serve it)."""
    _, at, lsn = version.partition("@")
    return int(lsn, 16) if at else None


class Version:
    """A random token in the cache that a write replaces (see the module's docstring): the data
    version (every portfolio write) is one. (The fast path's auth version is in the database,
    where triggers see every write: aipdash/core/cache/authversion.py.)"""

    def __init__(self, key: str, request_attr: str):
        self.key = key
        self.request_attr = request_attr  # where the current request keeps what it read
        self.lock = threading.Lock()
        self.trusted_epoch = 0  # the outage count when this process last stored a fresh token
        self.pending_bump = False  # a write's change has not reached the cache yet
        self.retrying = False

    def _store_new(self) -> str | None:
        setattr(_request, self.request_attr, None)
        token = new_token()
        cache.set(self.key, token, timeout=None)
        return None if _failed() else token

    def current(self) -> str | None:
        """The current token, or None when the cache can't vouch for one; read from the cache
        once per request."""
        active = getattr(_request, "active", False)
        read: str | None = getattr(_request, self.request_attr, None)
        if active and read:
            return read
        version = self._read()
        if version is not None and active:
            setattr(_request, self.request_attr, version)
        return version

    def _read(self) -> str | None:
        if self.pending_bump or outage_epoch() != self.trusted_epoch:
            # Redis failed since this process last agreed on a token: a write may have been
            # unable to change it. Replace it before trusting anything stored under it: once,
            # by one thread (each concurrent request storing a token of its own would compute
            # its figures under its own version); the others then read that token.
            with self.lock:
                epoch = outage_epoch()
                if self.pending_bump or epoch != self.trusted_epoch:
                    token = self._store_new()
                    if token is None:
                        return None
                    self.pending_bump = False
                    self.trusted_epoch = epoch
                    return token
        version: str | None = cache.get(self.key)
        if _failed():
            return None
        if version is None:
            cache.add(self.key, new_token(), timeout=None)
            version = cache.get(self.key)
            if _failed():
                return None
        return version

    def _retry_bump(self) -> None:
        with self.lock:
            if not self.pending_bump:
                self.retrying = False
                return
        if self._store_new() is not None:
            with self.lock:
                self.pending_bump = False
                self.retrying = False
            logger.warning(
                "%s changed after Redis came back (a write made while it was down).", self.key
            )
            return
        timer = threading.Timer(RETRY_BUMP_AFTER, self._retry_bump)
        timer.daemon = True
        timer.start()

    def bump_now(self) -> None:
        if self._store_new() is not None:
            return
        with self.lock:
            self.pending_bump = True
            if self.retrying:
                return
            self.retrying = True
        timer = threading.Timer(RETRY_BUMP_AFTER, self._retry_bump)
        timer.daemon = True
        timer.start()

    def bump(self) -> None:
        """Call after a write; takes effect when the surrounding transaction commits."""
        transaction.on_commit(self.bump_now)

    def trusted(self) -> bool:
        """No outage or failed change stands between this process and the stored token."""
        return not self.pending_bump and outage_epoch() == self.trusted_epoch


def read_with_versions(key: str) -> Any:
    """The value of `key`, reading the data version in the same round trip (it is then this
    request's, as `current()` would have read it): one Redis call where two would be. Falls
    back to separate reads when the version needs replacing first."""
    if not DATA.trusted():
        return cache.get(key)
    values = cache.get_many([DATA.key, key])
    if _failed():
        return None
    if getattr(_request, "active", False) and values.get(DATA.key):
        setattr(_request, DATA.request_attr, values[DATA.key])
    return values.get(key)


DATA = Version(VERSION_KEY, "version")
_State = DATA  # the data version's state (tests reset it)
_bump = DATA.bump_now


def data_version() -> str | None:
    """The current data version, or None when the cache can't vouch for one (compute
    uncached)."""
    return DATA.current()


def bump_data_version() -> None:
    """Call after a portfolio write; takes effect when the surrounding transaction commits."""
    DATA.bump()


# The past version: replaced only by the writers that write history INTO THE PAST (the demo's
# past, records given the history they lacked: aipdash/history/writing.py). A view of a day
# before today reads only versions written before that day ended, so every other write leaves
# it as it was: such views are keyed by this token instead of the data version (payloads.py).
PAST = Version("aipdash:past-version", "past_version")


def past_version() -> str | None:
    """The current past version, or None when the cache can't vouch for one."""
    return PAST.current()


def bump_past_version() -> None:
    """Call after writing history dated before the moment it is written."""
    PAST.bump()


def on_portfolio_write(sender: type[models.Model], **kwargs: Any) -> None:
    bump_data_version()
