"""Cached chart payloads, invalidated by a data version that every portfolio write changes.

A payload's key is (chart, canonical filters, data version). Every saved or deleted portfolio
row (admin, imports, commands: anything that goes through the ORM's save and delete) replaces
the version with a new random token once its transaction commits, so the next request misses
the cache and reads the new figures; old entries are never read again and expire. A version
that has gone missing from the cache (eviction, restart) is replaced by a fresh random token,
never by an old one, so a stale payload can never come back.

With Redis (REDIS_URL) every process shares the version; the local-memory cache of a
development server is per process.

When Redis can't be reached (aipdash/cache.py answers as an empty cache), payloads are
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

import hashlib
import logging
import threading
import uuid
from collections import OrderedDict

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction

from aipdash.cache import outage_epoch

logger = logging.getLogger("aipdash.cache")

LOCAL_ENTRIES = 64
_local = OrderedDict()  # versioned key -> value, most recent last
_local_lock = threading.Lock()
_request = threading.local()  # .version: the version read during the current request


def _request_started(**kwargs):
    _request.active, _request.version = True, None


def _request_finished(**kwargs):
    _request.active, _request.version = False, None


request_started.connect(_request_started, dispatch_uid="datacache-request-started")
request_finished.connect(_request_finished, dispatch_uid="datacache-request-finished")

VERSION_KEY = "aipdash:data-version"
PAYLOAD_TTL = 60 * 60 * 24  # old versions' payloads go away by themselves
RETRY_BUMP_AFTER = 1.0  # seconds between retries of a version change that failed


class _State:
    lock = threading.Lock()
    trusted_epoch = 0  # the outage count when this process last stored a fresh version
    pending_bump = False  # a write's version change has not reached the cache yet
    retrying = False


def _failed() -> bool:
    """The last cache call of this thread went without the cache (Redis unreachable)."""
    return getattr(cache, "last_call_failed", False)


def _store_new_version() -> str | None:
    _request.version = None
    token = uuid.uuid4().hex
    cache.set(VERSION_KEY, token, timeout=None)
    return None if _failed() else token


def data_version() -> str | None:
    """The current version, or None when the cache can't vouch for one (compute uncached);
    read from the cache once per request."""
    if getattr(_request, "active", False) and _request.version:
        return _request.version
    version = _read_version()
    if version is not None and getattr(_request, "active", False):
        _request.version = version
    return version


def _read_version() -> str | None:
    epoch = outage_epoch()
    if _State.pending_bump or epoch != _State.trusted_epoch:
        # Redis failed since this process last agreed on a version: a write may have been
        # unable to change it. Replace it before reading any payload.
        token = _store_new_version()
        if token is None:
            return None
        with _State.lock:
            _State.pending_bump = False
            _State.trusted_epoch = epoch
        return token
    version = cache.get(VERSION_KEY)
    if _failed():
        return None
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
        if _failed():
            return None
    return version


def _retry_bump() -> None:
    with _State.lock:
        if not _State.pending_bump:
            _State.retrying = False
            return
    if _store_new_version() is not None:
        with _State.lock:
            _State.pending_bump = False
            _State.retrying = False
        logger.warning(
            "Data version changed after Redis came back (a write made while it was down)."
        )
        return
    timer = threading.Timer(RETRY_BUMP_AFTER, _retry_bump)
    timer.daemon = True
    timer.start()


def _bump() -> None:
    if _store_new_version() is not None:
        return
    with _State.lock:
        _State.pending_bump = True
        if _State.retrying:
            return
        _State.retrying = True
    timer = threading.Timer(RETRY_BUMP_AFTER, _retry_bump)
    timer.daemon = True
    timer.start()


def bump_data_version() -> None:
    """Call after a write; takes effect when the surrounding transaction commits."""
    transaction.on_commit(_bump)


def cache_key(kind: str, filters_canonical: str, version: str) -> str:
    digest = hashlib.sha256(filters_canonical.encode()).hexdigest()[:32]
    return f"aipdash:{kind}:{version}:{digest}"


def cached(kind: str, filters_canonical: str, compute, *, local: bool = False):
    """The cached value for (kind, filters, data version), computed once on a miss; computed
    every time, and not stored, while the cache can't vouch for the version. `local`: keep a
    copy in this process too (for small values read on every request)."""
    version = data_version()
    if version is None:
        return compute()
    key = cache_key(kind, filters_canonical, version)
    if local:
        with _local_lock:
            value = _local.get(key)
            if value is not None:
                _local.move_to_end(key)
                return value
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=PAYLOAD_TTL)
    if local:
        with _local_lock:
            _local[key] = value
            while len(_local) > LOCAL_ENTRIES:
                _local.popitem(last=False)
    return value


def on_portfolio_write(sender, **kwargs):
    bump_data_version()
