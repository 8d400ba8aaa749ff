"""Cached chart payloads, invalidated by a data version that every portfolio write changes.

A payload's key is (chart, canonical filters, data version). Every saved or deleted portfolio
row (admin, imports, commands: anything that goes through the ORM's save and delete) replaces
the version with a new random token once its transaction commits, so the next request misses
the cache and reads the new figures; old entries are never read again and expire. A version
that has gone missing from the cache (eviction, restart) is replaced by a fresh random token,
never by an old one, so a stale payload can never come back.

With Redis (REDIS_URL) every process shares the version; the local-memory cache of a
development server is per process.
"""

import hashlib
import uuid

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "aipdash:data-version"
PAYLOAD_TTL = 60 * 60 * 24  # old versions' payloads go away by themselves


def data_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_data_version() -> None:
    """Call after a write; takes effect when the surrounding transaction commits."""
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None))


def cache_key(kind: str, filters_canonical: str, version: str) -> str:
    digest = hashlib.sha256(filters_canonical.encode()).hexdigest()[:32]
    return f"aipdash:{kind}:{version}:{digest}"


def cached(kind: str, filters_canonical: str, compute):
    """The cached value for (kind, filters, data version), computed once on a miss."""
    key = cache_key(kind, filters_canonical, data_version())
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=PAYLOAD_TTL)
    return value


def on_portfolio_write(sender, **kwargs):
    bump_data_version()
