"""Past one database server, with real servers: a primary of the test's own, a streaming replica
made from it (pg_basebackup -R, a second PostgreSQL on another port, every statement logged),
Redis, and gunicorn in the production configuration with DATABASE_REPLICA_URLS.

- replay paused on the replica, an edit on the primary: the dashboard shows the new figures
  (from the primary), and what the cache holds under the new version is the new figures;
- replay resumed: the dashboard's reads go to the replica again (its statement log says so);
- the replica stopped: the dashboard answers from the primary, /healthz says which is usable;
- PgBouncer (transaction mode) in front of the primary: the dashboard through it, the session
  settings in force (manage.py apply_session_settings), and the suite's dashboard checks.

The PostgreSQL pass only (CI's first): SQLite has no replicas. About two minutes of set-up.
"""

import csv
import io
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import redis
import requests

from aipdash.dashboard import blocks
from bench.clusters import Cluster, PgBouncer, missing_binaries
from bench.server import Gunicorn, production_env
from tests.faults.conftest import PrivateRedis
from tests.multiprocess.test_two_servers import login

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "aipdash_scale"
PASSWORD = "scale-out-pass-1234"
CHART = "capacity_pipeline"
pytestmark = pytest.mark.scale_out


def postgres_pass():
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        pytest.skip("PostgreSQL's replicas and PgBouncer: CI's PostgreSQL pass (DATABASE_URL)")
    if reason := missing_binaries():
        pytest.skip(reason)


class Stack:
    def __init__(self, base):
        self.base = base
        self.primary = Cluster(base / "primary")
        # Every statement the replica runs is in its log: where each query went.
        self.replica = Cluster(base / "replica", settings=["log_statement=all"])
        self.redis = PrivateRedis(base)
        self.prefix = "aipdash-scale"
        self.env = production_env(
            DATABASE_URL=self.primary.url(DATABASE),
            REDIS_URL="",
            CACHE_KEY_PREFIX=self.prefix,
            STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
            WEB_CONCURRENCY="1",
        )
        self.server = None

    def manage(self, *args, **env):
        return subprocess.run(
            [sys.executable, ROOT / "manage.py", *args],
            cwd=ROOT,
            env=dict(self.env, **env),
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def shell(self, code, **env):
        # The last line: what the code printed (the shell's notes on imports come first).
        return self.manage("shell", "-c", code, **env).strip().splitlines()[-1]

    def replica_statements(self):
        """The portfolio's queries in the replica's log so far (its own checks aside)."""
        return self.replica.log.read_text().count("projects_")

    def caught_up(self, timeout=30):
        """Wait until the replica has replayed everything the primary has written."""
        target = self.primary.query("SELECT pg_current_wal_lsn()")[0][0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            behind = self.replica.query(
                "SELECT pg_wal_lsn_diff(%s, pg_last_wal_replay_lsn()) > 0", params=(target,)
            )[0][0]
            if not behind:
                return
            time.sleep(0.1)
        raise AssertionError("the replica did not catch up")

    def add_mw(self, mw):
        """An edit on the primary through the ORM (its data version change included)."""
        return float(
            self.shell(
                "from projects.models import Project\n"
                "p = Project.objects.filter(capacity_mw__isnull=False).order_by('pk').first()\n"
                f"p.capacity_mw += {mw}\np.save()\nprint(p.capacity_mw)"
            )
        )

    def primary_total(self):
        return float(
            self.primary.query(
                "SELECT coalesce(sum(capacity_mw), 0) FROM projects_project", DATABASE
            )[0][0]
        )

    def version(self):
        raw = redis.Redis(port=self.redis.port).get(f"{self.prefix}:1:aipdash:data-version")
        return pickle.loads(raw)  # noqa: S301 (our own test Redis)

    def cached_totals(self, version):
        """Capacity in every payload of the chart cached under `version`."""
        client = redis.Redis(port=self.redis.port)
        totals = []
        for key in client.scan_iter(
            f"{self.prefix}:1:aipdash:{blocks.CHART_DATA}:{CHART}:{version}:*"
        ):
            data = pickle.loads(client.get(key))  # noqa: S301
            totals.append(sum(float(row["mw"] or 0) for row in data.rows))
        return totals


@pytest.fixture(scope="module")
def stack():
    postgres_pass()
    # Not pytest's tmp_path: the postgres user can't enter root's folder of it.
    base = Path(tempfile.mkdtemp(prefix="aipdash-scale-out-"))
    os.chmod(base, 0o755)  # noqa: S103 (the postgres user's servers live in it)
    stack = Stack(base)
    try:
        stack.primary.init()
        stack.primary.start()
        stack.primary.query(f'CREATE DATABASE "{DATABASE}"')
        stack.redis.start()
        stack.env["REDIS_URL"] = stack.redis.url
        stack.manage("migrate", "--no-input")
        stack.shell(
            "from django.contrib.auth.models import User\n"
            "from tests.factories import ProjectFactory\n"
            f"User.objects.create_superuser('scale', 'scale@example.com', '{PASSWORD}')\n"
            "ProjectFactory.create_batch(5)\n"
        )
        stack.replica.basebackup_of(stack.primary)
        stack.replica.start()
        stack.env["DATABASE_REPLICA_URLS"] = stack.replica.url(DATABASE)
        stack.server = Gunicorn(
            stack.env, name="replicas", log=stack.base / "gunicorn.log", capture_output=True
        )
        stack.server.start()
        yield stack
    finally:
        if stack.server:
            stack.server.stop()
        stack.replica.stop()
        stack.primary.stop()
        stack.redis.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def session(stack):
    session, response = login(stack.server.url, "scale", PASSWORD)
    assert response.status_code == 302, stack.server.tail()
    return session


def chart_total(stack, session):
    response = session.get(f"{stack.server.url}/charts/{CHART}.csv", timeout=60)
    assert response.status_code == 200, stack.server.tail()
    rows = list(csv.DictReader(io.StringIO(response.text)))
    return sum(float(row["Capacity (MW)"] or 0) for row in rows)


def healthz(stack):
    return requests.get(f"{stack.server.url}/healthz", timeout=30).json()


def test_reads_go_to_a_replica_that_has_replayed_the_data_version(stack, session):
    stack.add_mw(1)
    stack.caught_up()
    before = stack.replica_statements()
    assert chart_total(stack, session) == pytest.approx(stack.primary_total())
    assert stack.replica_statements() > before  # the chart's queries ran on the replica
    assert healthz(stack)["replicas"]["replica1"]["ok"] is True
    # The portfolio's pages and the API's records too; sessions and sign-in never.
    for path in ("/portfolio/", "/api/projects/"):
        before = stack.replica_statements()
        assert session.get(f"{stack.server.url}{path}", timeout=60).status_code == 200, path
        assert stack.replica_statements() > before, path
    assert "django_session" not in stack.replica.log.read_text()
    assert "auth_user" not in stack.replica.log.read_text()


def test_a_paused_replica_never_gives_old_figures_under_the_new_version(stack, session):
    stack.caught_up()
    old_total = stack.primary_total()
    stack.replica.query("SELECT pg_wal_replay_pause()")
    try:
        stack.add_mw(777)
        new_total = stack.primary_total()
        assert new_total == pytest.approx(old_total + 777)
        # The replica still has the old figures: reading them there would be the stale chart.
        replica_total = stack.replica.query(
            "SELECT sum(capacity_mw) FROM projects_project", DATABASE
        )[0][0]
        assert float(replica_total) == pytest.approx(old_total)
        before = stack.replica_statements()
        assert chart_total(stack, session) == pytest.approx(new_total)
        assert session.get(f"{stack.server.url}/portfolio/", timeout=60).status_code == 200
        assert stack.replica_statements() == before  # none of it read on the replica
        version = stack.version()
        assert "@" in version  # it carries the primary's WAL position
        assert stack.cached_totals(version) == [pytest.approx(new_total)]
    finally:
        stack.replica.query("SELECT pg_wal_replay_resume()")
    # Resumed: the next version's reads are on the replica again.
    stack.add_mw(1)
    stack.caught_up()
    before = stack.replica_statements()
    assert chart_total(stack, session) == pytest.approx(new_total + 1)
    assert stack.replica_statements() > before


def test_a_stopped_replica_is_skipped_and_healthz_says_so(stack, session):
    stack.replica.stop()
    try:
        stack.add_mw(5)
        started = time.monotonic()
        assert chart_total(stack, session) == pytest.approx(stack.primary_total())
        assert time.monotonic() - started < 20
        health = healthz(stack)
        assert health["status"] == "ok"
        assert health["replicas"]["replica1"]["ok"] is False
        stack.add_mw(5)
        assert chart_total(stack, session) == pytest.approx(stack.primary_total())
        log = stack.server.tail(20000)
        assert log.count("Replica replica1 skipped") == 1, log  # one warning, rate-limited
    finally:
        stack.replica.start()
    stack.caught_up()
    assert healthz(stack)["replicas"]["replica1"]["ok"] is True


THROUGH_PGBOUNCER = {"DATABASE_BEHIND_PGBOUNCER": "true", "DATABASE_REPLICA_URLS": ""}


@pytest.fixture(scope="module")
def bouncer(stack):
    # Stored once on the primary, as the docs say (a connection already open, in PgBouncer's
    # pool say, keeps what it started with); no startup options, so the check is real.
    out = stack.manage("apply_session_settings", **THROUGH_PGBOUNCER)
    assert "In force on a new connection: jit=off, work_mem=32MB" in out
    bouncer = PgBouncer(stack.base / "pgbouncer", stack.primary)
    bouncer.start()
    yield bouncer
    bouncer.stop()


def test_through_pgbouncer_the_dashboard_answers_with_the_session_settings(stack, bouncer):
    through = {"DATABASE_URL": bouncer.url(DATABASE), **THROUGH_PGBOUNCER}
    # On connections PgBouncer pools (transaction mode), with Django's pool in the process too.
    out = stack.manage("apply_session_settings", "--check", DATABASE_POOL="true", **through)
    assert "In force on a new connection: jit=off, work_mem=32MB, random_page_cost=1.1" in out
    server = Gunicorn(
        dict(stack.env, **through), name="pgbouncer", log=stack.base / "gunicorn-pgb.log"
    )
    server.start()
    try:
        session, response = login(server.url, "scale", PASSWORD)
        assert response.status_code == 302, server.tail()
        assert session.get(f"{server.url}/", timeout=60).status_code == 200
        response = session.get(f"{server.url}/charts/{CHART}.csv", timeout=60)
        assert response.status_code == 200
        assert "Capacity (MW)" in response.text
    finally:
        server.stop()


def test_the_suites_dashboard_checks_pass_through_pgbouncer(stack, bouncer):
    # Django's test runner makes its database through PgBouncer too (test_aipdash_scale_pgb).
    env = dict(
        os.environ,
        DATABASE_URL=bouncer.url(f"{DATABASE}_pgb"),
        DATABASE_BEHIND_PGBOUNCER="true",
        REDIS_URL=stack.redis.url,
    )
    env.pop("DATABASE_REPLICA_URLS", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            # Kept at the end: PgBouncer's pooled connections would stop its DROP DATABASE.
            "--reuse-db",
            "tests/dashboard/test_views.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
