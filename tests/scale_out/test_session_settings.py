"""The PostgreSQL session settings survive a pooler: `manage.py apply_session_settings` stores
them for the app's role in its database, so a connection that sends no startup options (as
through PgBouncer, tests/scale_out/test_replica.py; or Django's pool) starts with them."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's session settings: SQLite has none (CI's PostgreSQL pass)")
    params = connection.get_connection_params()
    params.pop("options", None)  # as a pooler connects: no startup options
    params.pop("cursor_factory", None)
    params.pop("context", None)
    name = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER ROLE CURRENT_USER IN DATABASE "{name}" RESET ALL')
    return params


def shown(params):
    with psycopg.connect(**params) as conn:
        return {
            name: conn.execute(f"SHOW {name}").fetchone()[0]
            for name in settings.PG_SESSION_SETTINGS
        }


def test_the_command_stores_them_for_every_new_connection(postgres):
    assert shown(postgres)["jit"] == "on"  # the server's default: the test can fail
    with pytest.raises(CommandError, match="random_page_cost"):
        # A direct connection has them as startup options; without those, not yet.
        subprocess_check(check=True)
    call_command("apply_session_settings")
    assert shown(postgres) == {"jit": "off", "work_mem": "32MB", "random_page_cost": "1.1"}


def subprocess_check(*, check):
    """The command in a process of its own, as behind PgBouncer (no startup options) with
    Django's pool: what a pooled connection starts with."""
    env = dict(
        os.environ,
        DATABASE_URL=database_url(),
        DATABASE_BEHIND_PGBOUNCER="true",
        DATABASE_POOL="true",
    )
    result = subprocess.run(
        [sys.executable, ROOT / "manage.py", "apply_session_settings", *(["--check"] * check)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise CommandError(result.stderr)
    return result.stdout


def database_url():
    d = connection.settings_dict
    return f"postgres://{d['USER']}@{d['HOST']}:{d['PORT'] or 5432}/{d['NAME']}"


def test_they_are_in_force_on_a_pooled_connection_without_startup_options(postgres):
    call_command("apply_session_settings")
    out = subprocess_check(check=True)
    assert "In force on a new connection: jit=off, work_mem=32MB, random_page_cost=1.1" in out


def test_sqlite_is_refused_with_a_message(settings):
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite pass's check")
    with pytest.raises(CommandError, match="not PostgreSQL"):
        call_command("apply_session_settings")
