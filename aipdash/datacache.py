"""Cached chart payloads, invalidated by a data version that every portfolio write changes.

A payload's key is (chart, canonical filters, data version). Every saved or deleted portfolio
row (admin, imports, commands: anything that goes through the ORM's save and delete) replaces
the version with a new random token once its transaction commits, so the next request misses
the cache and reads the new figures; old entries are never read again and expire. A version
that has gone missing from the cache (eviction, restart) is replaced by a fresh random token,
never by an old one, so a stale payload can never come back.

With Redis (REDIS_URL) every process shares the version; the local-memory cache of a
development server is per process.

Fewer round trips to Redis on a warm request (each costs a context switch or two on a busy
machine): a value under a versioned key never changes, so each process keeps the most recent
small ones (`local=True`) in a local LRU (LOCAL_ENTRIES) in front of Redis; and within one
request the version is read from Redis once (request_started forgets it), so a warm chart
partial costs one Redis read for the version (plus the session's). A write still invalidates
at once everywhere: every request reads the current version from Redis.
"""

import hashlib
import threading
import uuid
from collections import OrderedDict

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction

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


def data_version() -> str:
    if getattr(_request, "active", False) and _request.version:
        return _request.version
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    if getattr(_request, "active", False):
        _request.version = version
    return version


def _set_new_version():
    _request.version = None
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def bump_data_version() -> None:
    """Call after a write; takes effect when the surrounding transaction commits."""
    transaction.on_commit(_set_new_version)


def cache_key(kind: str, filters_canonical: str, version: str) -> str:
    digest = hashlib.sha256(filters_canonical.encode()).hexdigest()[:32]
    return f"aipdash:{kind}:{version}:{digest}"


def cached(kind: str, filters_canonical: str, compute, *, local: bool = False):
    """The cached value for (kind, filters, data version), computed once on a miss. `local`:
    keep a copy in this process too (for small values read on every request)."""
    key = cache_key(kind, filters_canonical, data_version())
    if not local:
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, timeout=PAYLOAD_TTL)
        return value
    with _local_lock:
        value = _local.get(key)
        if value is not None:
            _local.move_to_end(key)
            return value
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=PAYLOAD_TTL)
    with _local_lock:
        _local[key] = value
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)
    return value


def on_portfolio_write(sender, **kwargs):
    bump_data_version()
