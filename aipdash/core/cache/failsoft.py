"""A Redis cache that fails soft: when Redis is unreachable, pages are served uncached.

Django's RedisCache raises on a connection error, which would turn every page into a 500 while
Redis is down. FailSoftRedisCache (settings.CACHES when REDIS_URL is set) answers instead as an
empty cache: a read is a miss, a write or delete does nothing. Each outage is logged at WARNING
when it starts, then at most once every LOG_INTERVAL seconds with the number of calls served
without the cache, and once more when Redis answers again; logs don't flood however busy the
site is.

After a failure the process leaves Redis alone for RETRY_AFTER seconds (a small circuit
breaker): calls in that window are misses at once instead of each waiting for a connect timeout
(an unreachable host, unlike a stopped server, answers nothing). The first call after the window
tries Redis again; when it answers, the cache is in use again.

`last_call_failed` (on the cache object, which Django keeps per thread) says whether the call
just made went without the cache, and `outage_epoch()` counts the outages this process has
seen: aipdash/core/cache/versions.py uses both so that it never serves a payload it can't prove
current.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from redis.exceptions import RedisError

from aipdash.core.cache.client import RedisCache

logger = logging.getLogger("aipdash.cache")

RETRY_AFTER = 1.0  # seconds without trying Redis after a failure
LOG_INTERVAL = 10.0  # seconds between two warnings of one outage


class _Outage:
    """Per process (shared by its threads): is Redis down, since when, what to log."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down = False
        self.epoch = 0  # outages seen by this process
        self.since = 0.0
        self.retry_at = 0.0
        self.logged_at = 0.0
        self.unlogged = 0  # calls served without the cache since the last warning
        self.total = 0  # in this outage

    def skip(self) -> bool:
        """True while the breaker is open: don't touch Redis, count the call as uncached."""
        with self.lock:
            if self.down and time.monotonic() < self.retry_at:
                self.unlogged += 1
                self.total += 1
                self._maybe_log(None)
                return True
            return False

    def failed(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        with self.lock:
            self.retry_at = now + RETRY_AFTER
            self.unlogged += 1
            self.total += 1
            if not self.down:
                self.down = True
                self.epoch += 1
                self.since = now
                self.total = 1
                self.logged_at = 0.0
            self._maybe_log(f"{operation}: {error.__class__.__name__}: {error}")

    def succeeded(self) -> None:
        if not self.down:  # the common case: no lock taken
            return
        with self.lock:
            if not self.down:
                return
            self.down = False
            logger.warning(
                "Redis cache reachable again after %.1f s; %d cache calls were served "
                "uncached during the outage.",
                time.monotonic() - self.since,
                self.total,
            )
            self.unlogged = 0

    def _maybe_log(self, detail: str | None) -> None:
        now = time.monotonic()
        if self.logged_at and now - self.logged_at < LOG_INTERVAL:
            return
        first = not self.logged_at
        self.logged_at = now
        if first:
            logger.warning(
                "Redis cache unreachable (%s): pages are served uncached until it answers.",
                detail,
            )
        else:
            logger.warning(
                "Redis cache still unreachable after %.0f s: %d more cache calls served uncached.",
                now - self.since,
                self.unlogged,
            )
        self.unlogged = 0


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


def outage_epoch() -> int:
    """How many Redis outages this process has seen (0 without Redis)."""
    return sum(outage.epoch for outage in _outages.values())


class FailSoftRedisCache(RedisCache):
    last_call_failed = False

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._outage = _outage_for(str(server))

    def _soft[**P, T](
        self, operation: str, default: T, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """`call`'s answer, or `default` (what an empty cache answers) when Redis fails."""
        if self._outage.skip():
            self.last_call_failed = True
            return default
        try:
            result = call(*args, **kwargs)
        except (RedisError, OSError) as error:
            self.last_call_failed = True
            self._outage.failed(operation, error)
            return default
        self.last_call_failed = False
        self._outage.succeeded()
        return result

    # Django's cache API, each call through _soft; `timeout` defaults to Django's sentinel (the
    # cache's own default timeout), as in BaseCache.
    def add(
        self,
        key: Any,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        return self._soft("add", False, super().add, key, value, timeout, version)

    def get(self, key: Any, default: Any | None = None, version: int | None = None) -> Any:
        return self._soft("get", default, super().get, key, default, version)

    def set(
        self,
        key: Any,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        return self._soft("set", None, super().set, key, value, timeout, version)

    def touch(
        self, key: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return self._soft("touch", False, super().touch, key, timeout, version)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._soft("delete", False, super().delete, key, version)

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return self._soft("get_many", {}, super().get_many, keys, version)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._soft("has_key", False, super().has_key, key, version)

    def set_many(
        self,
        data: dict[Any, Any],
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> list[Any]:
        # Django's contract: the keys that failed to be inserted.
        return self._soft("set_many", list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        return self._soft("delete_many", None, super().delete_many, keys, version)

    def clear(self) -> None:
        return self._soft("clear", None, super().clear)
