"""Read replicas (DATABASE_REPLICA_URLS) that never serve a stale chart.

The one place that decides where a read goes. Only the cached computations of the dashboard
(aipdash/core/cache/payloads.py: every chart, card and headline, so also the API's chart reads
and shared links) read from a replica; everything else (writes, the admin, sessions, sign-in,
`select_for_update`, migrations, the audit trail, any read inside a transaction) stays on the
primary.

Never stale: every data version (aipdash/core/cache/versions.py) carries the primary's WAL
position when it was made, which is after the commit of every write it stands for. A payload
cached under a version is computed on a replica only if that replica has replayed at least that
far (`pg_last_wal_replay_lsn()`); otherwise on the primary. So an editor who saves and opens the
dashboard reads their save (their write made the version), and a lagging replica never fills
the cache with old figures under a new version.

A replica that fails (down, refusing, not a standby) is left alone for RETRY_AFTER seconds and
the read goes to the primary within the same request (a failure in the middle of a computation
is computed again on the primary); one warning per replica per WARN_INTERVAL, also for a replica
behind for longer than LAG_WARN_AFTER.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypedDict

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.models import Model

logger = logging.getLogger("aipdash.replicas")

RETRY_AFTER = 5.0  # seconds a failed replica is left alone
RECHECK_AFTER = 0.25  # seconds between two looks at a replica found behind
LAG_WARN_AFTER = 10.0  # seconds behind before a warning
WARN_INTERVAL = 60.0  # seconds between two warnings about one replica
CONNECT_TIMEOUT = 2  # seconds (settings.py puts it in the replicas' OPTIONS)


def parse_lsn(text: str) -> int:
    """'16/B374D848' -> an integer that orders like the WAL position."""
    high, _, low = text.partition("/")
    return (int(high, 16) << 32) + int(low, 16)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


def primary_lsn() -> int | None:
    """The primary's WAL position now, or None when there are no replicas (or no PostgreSQL)."""
    if not replica_aliases() or connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        return None
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        row = cursor.fetchone()
    return parse_lsn(row[0]) if row else None


@dataclass
class _Replica:
    """What this process knows of one replica (shared by its threads)."""

    alias: str
    replayed: int = -1  # the furthest replay position seen (it only grows while it is up)
    down_until: float = 0.0
    checked_at: float = 0.0
    behind_since: float = 0.0
    warned_at: float = 0.0

    def warn(self, message: str, *args: object) -> None:
        now = time.monotonic()
        if self.warned_at and now - self.warned_at < WARN_INTERVAL:
            return
        self.warned_at = now
        logger.warning(message, self.alias, *args)


_replicas: dict[str, _Replica] = {}
_lock = threading.Lock()
_local = threading.local()  # .alias: the replica this thread's computation reads from
_round = [0]


def _state(alias: str) -> _Replica:
    with _lock:
        return _replicas.setdefault(alias, _Replica(alias))


def replay_lsn(alias: str) -> int | None:
    """The replica's replay position; None when it is not a standby. Raises when it is down."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_last_wal_replay_lsn()::text")
        row = cursor.fetchone()
    return parse_lsn(row[0]) if row and row[0] else None


def _failed(replica: _Replica, error: Exception | str) -> None:
    replica.down_until = time.monotonic() + RETRY_AFTER
    replica.replayed = -1
    connections[replica.alias].close()
    detail = error if isinstance(error, str) else f"{error.__class__.__name__}: {error}"
    replica.warn("Replica %s skipped, reads go to the primary: %s", detail)


def _usable(replica: _Replica, needed: int) -> bool:
    now = time.monotonic()
    if now < replica.down_until:
        return False
    if replica.replayed >= needed:
        return True
    if now - replica.checked_at < RECHECK_AFTER:
        return False
    replica.checked_at = now
    try:
        replayed = replay_lsn(replica.alias)
    except DatabaseError as error:
        _failed(replica, error)
        return False
    if replayed is None:
        _failed(replica, "not a standby (pg_last_wal_replay_lsn() is null)")
        return False
    replica.replayed = max(replica.replayed, replayed)
    if replica.replayed >= needed:
        replica.behind_since = 0.0
        return True
    replica.behind_since = replica.behind_since or now
    if now - replica.behind_since > LAG_WARN_AFTER:
        replica.warn("Replica %s behind the primary for %.0f s", now - replica.behind_since)
    return False


def choose(needed: int | None) -> str | None:
    """A replica that has replayed at least `needed`, or None (read from the primary)."""
    aliases = replica_aliases()
    if needed is None or not aliases or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return None
    with _lock:
        _round[0] += 1
        start = _round[0]
    for offset in range(len(aliases)):
        replica = _state(aliases[(start + offset) % len(aliases)])
        if _usable(replica, needed):
            return replica.alias
    return None


def current() -> str | None:
    """The replica the current computation reads from, if any."""
    alias: str | None = getattr(_local, "alias", None)
    return alias


@contextmanager
def _reading_from(alias: str | None) -> Iterator[None]:
    before = current()
    _local.alias = alias
    try:
        yield
    finally:
        _local.alias = before


def compute[T](needed: int | None, compute: Callable[[], T]) -> T:
    """`compute()` with its reads on a replica that has replayed `needed` (the data version's
    WAL position), else on the primary; a replica failing midway: again on the primary."""
    if current() is not None:  # nested: the outer computation's choice holds
        return compute()
    alias = choose(needed)
    if alias is None:
        return compute()
    try:
        with _reading_from(alias):
            return compute()
    except DatabaseError as error:
        # Down midway, or a query cancelled by replay (a recovery conflict): on the primary,
        # which raises again if the fault was not the replica's.
        connection = connections[alias]
        if connection.connection is None or not connection.is_usable():
            _failed(_state(alias), error)
        else:
            _state(alias).warn("Replica %s failed a read, retried on the primary: %s", error)
    return compute()


class ReplicaRouter:
    """Reads of a computation `compute()` runs on a replica go there; all else to the primary.
    After aipdash.jobs.router.JobsRouter, which keeps the job tables where they live."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        # Never None: Django would then read a related row from its instance's database (a
        # job's owner from the jobs' SQLite file).
        return current() or DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        databases = {obj1._state.db, obj2._state.db}
        return True if databases <= {DEFAULT_DB_ALIAS, *replica_aliases()} else None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        return False if db in replica_aliases() else None


class ReplicaCheck(TypedDict, total=False):
    ok: bool
    lag_bytes: int
    error: str


def health() -> dict[str, ReplicaCheck]:
    """Each replica, asked now (not the remembered state): usable, and how far behind."""
    checks: dict[str, ReplicaCheck] = {}
    aliases = replica_aliases()
    if not aliases:
        return checks
    try:
        primary = primary_lsn()
    except DatabaseError:
        primary = None
    for alias in aliases:
        try:
            replayed = replay_lsn(alias)
        except DatabaseError as error:
            connections[alias].close()
            checks[alias] = {"ok": False, "error": error.__class__.__name__}
            continue
        if replayed is None:
            checks[alias] = {"ok": False, "error": "not a standby"}
            continue
        checks[alias] = {"ok": True}
        if primary is not None:
            checks[alias]["lag_bytes"] = max(0, primary - replayed)
    return checks
