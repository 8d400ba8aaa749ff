"""The auth version: a token in the database that changes with every write to who may see what.

The chart fast path (aipdash/dashboard/fastpath.py) lets a session skip the session, user and
permission
checks for a while, so it must notice at once when those checks would now answer otherwise.
Model signals see only writes made through model instances; a queryset's update() or delete(),
raw SQL or a database shell go past them. So the database keeps the token itself: triggers on
every table those checks read (AUTH_TABLES) replace it on every insert, update, delete (and
truncate), in the writing transaction, and the fast path reads it on every request (one query
by primary key). A change is seen by the first request after its commit, never before.

PostgreSQL: one BEFORE … FOR EACH STATEMENT trigger per table. It takes the token row's lock
before the statement locks any row of the table, so transactions that write auth tables queue
on that row instead of deadlocking on each other's rows. SQLite: row-level triggers (it has no
other kind; it writes one transaction at a time anyway).

A random token rather than a counter: a table emptied by a flush (the tests) has no token, and
the next write makes a new one, never a value an old pass may hold. No row: no pass is valid.

SQLite rebuilds a table to alter it, and the rebuilt table has no triggers: `install()` runs
after every `migrate` (`reinstall_after_migrate`, connected by apps.py) and puts back any that
a migration of Django's dropped.
"""

# ruff: noqa: S608  (SQL built from this file's constants only, no input)
import uuid
from typing import Any

from django.apps import AppConfig
from django.db import DatabaseError, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

from aipdash.core.models import AuthVersion

AUTH_TABLES = (
    "auth_user",
    "auth_group",
    "auth_permission",
    "auth_user_groups",
    "auth_group_permissions",
    "auth_user_user_permissions",
)
TABLE = "aipdash_authversion"
TRIGGER = "aipdash_auth_version"  # on PostgreSQL; SQLite's are named per table and operation
SQLITE_OPERATIONS = ("insert", "update", "delete")

POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {TABLE} (id, token) VALUES (1, replace(gen_random_uuid()::text, '-', ''))
        ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
    RETURN NULL;
END $$
"""


def _postgresql_trigger(table: str) -> str:
    return (
        f"CREATE OR REPLACE TRIGGER {TRIGGER} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE "
        f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()"
    )


def _sqlite_trigger_name(table: str, operation: str) -> str:
    return f"{TRIGGER}_{table}_{operation}"


def _sqlite_trigger(table: str, operation: str) -> str:
    return (
        f"CREATE TRIGGER IF NOT EXISTS {_sqlite_trigger_name(table, operation)} "
        f"AFTER {operation.upper()} ON {table} BEGIN "
        f"INSERT OR REPLACE INTO {TABLE} (id, token) VALUES (1, lower(hex(randomblob(16)))); "
        "END"
    )


def _installed(cursor: CursorWrapper, vendor: str) -> int:
    if vendor == "postgresql":
        cursor.execute(
            "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s AND c.relname = ANY(%s)",
            [TRIGGER, list(AUTH_TABLES)],
        )
    else:
        names = [_sqlite_trigger_name(t, op) for t in AUTH_TABLES for op in SQLITE_OPERATIONS]
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN "
            f"({', '.join(['%s'] * len(names))})",
            names,
        )
    (count,) = cursor.fetchone()
    return int(count)


def install(conn: BaseDatabaseWrapper = connection) -> bool:
    """Create the triggers that are missing (idempotent); True when any was."""
    vendor = conn.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"No auth-version triggers for {vendor}.")
    expected = len(AUTH_TABLES) * (1 if vendor == "postgresql" else len(SQLITE_OPERATIONS))
    with conn.cursor() as cursor:
        if _installed(cursor, vendor) == expected:
            return False
        if vendor == "postgresql":
            cursor.execute(POSTGRESQL_FUNCTION)
            for table in AUTH_TABLES:
                cursor.execute(_postgresql_trigger(table))
        else:
            for table in AUTH_TABLES:
                for operation in SQLITE_OPERATIONS:
                    cursor.execute(_sqlite_trigger(table, operation))
    return True


def uninstall(conn: BaseDatabaseWrapper = connection) -> None:
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            for table in AUTH_TABLES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}()")
        else:
            for table in AUTH_TABLES:
                for operation in SQLITE_OPERATIONS:
                    name = _sqlite_trigger_name(table, operation)
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def current() -> str | None:
    """The token now; None when there is none or the database can't be read (no pass is
    valid then: the full stack answers).

    The query is the request's connection health check too: with CONN_HEALTH_CHECKS Django
    would send a `SELECT 1` before it, a second round trip on every warm chart partial. When
    the connection turns out dead, the full stack answers, and its first query checks the
    connection again (and reconnects) as it would have."""
    # Django's own flag (BaseDatabaseWrapper.close_if_health_check_failed), not in its stubs.
    connection.health_check_done = True  # type: ignore[attr-defined]
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT token FROM {TABLE} WHERE id = 1")
            row = cursor.fetchone()
    except DatabaseError:
        connection.health_check_done = False  # type: ignore[attr-defined]  # next query checks
        return None
    return str(row[0]) if row else None


def bump() -> None:
    """A new token, for what no auth table records (a logout)."""
    token = uuid.uuid4().hex
    if not AuthVersion.objects.filter(pk=1).update(token=token):
        AuthVersion.objects.get_or_create(pk=1, defaults={"token": token})


def reinstall_after_migrate(sender: AppConfig, using: str, **kwargs: Any) -> None:
    """post_migrate: put back the triggers a migration dropped (SQLite rebuilds a table to alter
    it, triggers lost). Not before the token's table exists."""
    conn = connections[using]
    if TABLE in conn.introspection.table_names():
        install(conn)
