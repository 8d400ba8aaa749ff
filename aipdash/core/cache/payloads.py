"""Cached chart payloads under (chart, canonical filters, data version): see versions.py for
the version every portfolio write replaces, which is what makes a cached payload safe to serve.

Each process keeps the most recent small values (`local=True`) in a local LRU (LOCAL_ENTRIES)
in front of Redis: a value under a versioned key never changes. Within one request a value is
read from the cache once, and the values a request computed are stored at its end, all in one
round trip (`set_many`) once the response has gone: a cold view that computes twenty values
does not wait for twenty writes to Redis. Outside a request (a command, a test calling a
selector) a value is stored at once.

One computation per cold view: after a write every viewer's next request misses, and each
would run the same aggregations. The first to miss takes a short lock in the cache
(`cache.add`, LOCK_TIMEOUT), computes and stores the value at once; the others poll for it
(up to LOCK_WAIT) and compute themselves only if it never comes (the holder died or is slow)
or the cache can't be reached (Redis down: every request computes, as before).
"""

import datetime as dt
import functools
import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.utils import timezone

from aipdash.core import replicas
from aipdash.core.cache.versions import (
    _failed,
    _request,
    data_version,
    past_version,
    wal_position,
)

PAYLOAD_TTL = 60 * 60 * 24  # old versions' payloads go away by themselves
# The stampede lock: held at most LOCK_TIMEOUT seconds (a holder that dies frees it then);
# a waiter gives up after LOCK_WAIT and computes itself. A cold view takes 0.4-1 s at 1M
# commitments; POLL_START doubles up to POLL_MAX between two looks at the cache.
LOCK_TIMEOUT = 30
LOCK_WAIT = 15.0
POLL_START, POLL_MAX = 0.02, 0.2
PAST_TTL = 60 * 60 * 24 * 30  # a past day's view does not change (docs/as-of.md)
# A view of a past day: its canonical filters name an as-of day (aipdash/dashboard/filters.py)
# or an instant (a frozen link's "at").
_PAST = re.compile(r"(?:^|&)as_of=(\d{4}-\d{2}-\d{2})(?:&|\||$)")
_FROZEN = re.compile(r"(?:^|&)at=")
LOCAL_ENTRIES = 64
_local: OrderedDict[str, Any] = OrderedDict()  # versioned key -> value, most recent last
_local_lock = threading.Lock()


def cache_key(kind: str, filters_canonical: str, version: str) -> str:
    digest = hashlib.sha256(filters_canonical.encode()).hexdigest()[:32]
    return f"aipdash:{kind}:{version}:{digest}"


def cached[T](
    kind: str, filters_canonical: str, compute: Callable[[], T], *, local: bool = False
) -> T:
    """The cached value for (kind, filters, data version), computed once on a miss; computed
    every time, and not stored, while the cache can't vouch for the version. `local`: keep a
    copy in this process too (for small values read on every request)."""
    past = is_past(filters_canonical)
    version = ("past-" + token) if past and (token := past_version()) else data_version()
    if version is None or (past and not version.startswith("past-")):
        return compute()
    key = cache_key(kind, filters_canonical, version)
    # Within one request a value is read from the cache (and unpickled) once: the commitment
    # sums serve two charts, the headline and their sources.
    seen = _request.values if getattr(_request, "active", False) else {}
    if key in seen:
        seen_value: T = seen[key]
        return seen_value
    # Computed on a replica only if it has replayed the writes the version stands for.
    needed = wal_position(version)
    seen[key] = value = _cached(key, lambda: replicas.compute(needed, compute), local)
    return value


def on_replica[**P, R](view: Callable[P, R]) -> Callable[P, R]:
    """A view of portfolio records (its reads after the middleware's) read from a replica that
    has replayed the current data version, as a cached chart is; from the primary otherwise
    (aipdash/core/replicas.py). Only for views that read the portfolio: other tables' writes
    are not in the version."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        version = data_version()
        needed = None if version is None else wal_position(version)
        return replicas.compute(needed, lambda: view(*args, **kwargs))

    return wrapped


def is_past(filters_canonical: str) -> bool:
    """Whether a view's figures are immutable: as of a day before today (site time zone), or
    at a frozen instant. Those are cached under the past version, for PAST_TTL."""
    if _FROZEN.search(filters_canonical):
        return True
    found = _PAST.search(filters_canonical)
    return found is not None and dt.date.fromisoformat(found[1]) < timezone.localdate()


def _cached[T](key: str, compute: Callable[[], T], local: bool) -> T:
    if local:
        with _local_lock:
            local_value: T | None = _local.get(key)
            if local_value is not None:
                _local.move_to_end(key)
                return local_value
    value: T | None = cache.get(key)
    if value is None:
        value = _compute_once(key, compute)
    if local:
        with _local_lock:
            _local[key] = value
            while len(_local) > LOCAL_ENTRIES:
                _local.popitem(last=False)
    return value


def _compute_once[T](key: str, compute: Callable[[], T]) -> T:
    """`compute()` under the stampede lock (see the module's docstring): by this request, or by
    the one that holds the lock, whose stored value is returned."""
    lock = f"{key}:lock"
    deadline = time.monotonic() + LOCK_WAIT
    pause = POLL_START
    while True:
        if cache.add(lock, 1, timeout=LOCK_TIMEOUT):
            try:
                value = compute()
                # At once, not at the request's end: others are waiting for it.
                cache.set(key, value, timeout=_ttl(key))
                return value
            finally:
                # A holder slower than LOCK_TIMEOUT may free a later holder's lock: at worst
                # one more computation, never a wrong value (the key names its version).
                cache.delete(lock)
        if _failed() or time.monotonic() >= deadline:
            value = compute()
            _store(key, value)
            return value
        time.sleep(pause)
        pause = min(pause * 2, POLL_MAX)
        waited: T | None = cache.get(key)
        if waited is not None:
            return waited


def _store(key: str, value: Any) -> None:
    """Store at the end of the request (see the module's docstring), or now outside one."""
    if getattr(_request, "active", False):
        pending = getattr(_request, "pending", None)
        if pending is None:
            pending = _request.pending = {}
        pending[key] = value
    else:
        cache.set(key, value, timeout=_ttl(key))


def _store_pending(**kwargs: Any) -> None:
    """At the end of a request (its response sent): what it computed, in one round trip."""
    pending, _request.pending = getattr(_request, "pending", None), None
    if pending:
        past = {key: value for key, value in pending.items() if ":past-" in key}
        if past:
            cache.set_many(past, timeout=PAST_TTL)
        rest = {key: value for key, value in pending.items() if key not in past}
        if rest:
            cache.set_many(rest, timeout=PAYLOAD_TTL)


def _ttl(key: str) -> int:
    return PAST_TTL if ":past-" in key else PAYLOAD_TTL


def _forget_pending(**kwargs: Any) -> None:
    # A request that never finished (no signal) leaves nothing for the next one to store.
    _request.pending = None


request_finished.connect(_store_pending, dispatch_uid="payloads-store-pending")
request_started.connect(_forget_pending, dispatch_uid="payloads-forget-pending")
