"""Two gunicorn servers in the production configuration, sharing one PostgreSQL database and
one Redis, as production runs several stateless app processes."""

import os
import pickle
import secrets
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import redis

from aipdash.dashboard import blocks
from bench.server import Gunicorn, production_env

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "multi-process-pass-1234"


def production_shape():
    """DATABASE_URL on PostgreSQL and REDIS_URL, or a reason to skip."""
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")) or not redis_url:
        pytest.skip(
            "needs DATABASE_URL=postgres://... and REDIS_URL: several processes share "
            "PostgreSQL and Redis in production; one SQLite file with a memory cache per "
            "process is not that shape"
        )
    return database_url, redis_url


class Cluster:
    def __init__(self, database_url, redis_url, workdir):
        parts = urlsplit(database_url)
        self.db_name = parts.path.lstrip("/") + "_multiprocess"
        self.database_url = urlunsplit(parts._replace(path="/" + self.db_name))
        self.admin_dsn = urlunsplit(parts._replace(path="/postgres"))
        self.redis_url = redis_url
        self.prefix = f"aipdash-multiprocess-{secrets.token_hex(4)}"
        self.env = production_env(
            DATABASE_URL=self.database_url,
            REDIS_URL=redis_url,
            CACHE_KEY_PREFIX=self.prefix,
            # The pages are under test, not their static files: no collectstatic step.
            STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
        self.servers = [
            Gunicorn(
                dict(self.env, WEB_CONCURRENCY="2"),
                name=name,
                log=workdir / f"gunicorn-{name}.log",
                stop_signal=signal.SIGINT,  # quick shutdown: open keep-alives don't delay it
            )
            for name in ("a", "b")
        ]

    def manage(self, *args, env=None):
        subprocess.run(
            [sys.executable, ROOT / "manage.py", *args],
            cwd=ROOT,
            env=dict(self.env, **(env or {})),
            check=True,
            capture_output=True,
        )

    def create_database(self):
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.db_name}"')

    def drop_database(self):
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')

    def query(self, sql, *params):
        with psycopg.connect(self.database_url) as conn:
            return conn.execute(sql, params).fetchall()

    def redis(self):
        return redis.Redis.from_url(self.redis_url)

    def payload_keys(self, chart):
        return list(self.redis().scan_iter(f"{self.prefix}:1:aipdash:{blocks.CARD}:{chart}:*"))

    def cache_value(self, key):
        raw = self.redis().get(f"{self.prefix}:1:{key}")
        return None if raw is None else pickle.loads(raw)  # noqa: S301 (our own cache)

    def forget_cache(self):
        client = redis.Redis.from_url(self.redis_url)
        for key in client.scan_iter(f"{self.prefix}:*", count=1000):
            client.delete(key)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    database_url, redis_url = production_shape()
    redis.Redis.from_url(redis_url).ping()  # configured but down is a failure, not a skip
    cluster = Cluster(database_url, redis_url, tmp_path_factory.mktemp("multiprocess"))
    cluster.create_database()
    try:
        cluster.manage("migrate", "--no-input")
        # A small portfolio and two logins, in one process (load_demo takes far longer).
        cluster.manage(
            "shell",
            "-c",
            "from django.contrib.auth.models import User\n"
            "from tests.factories import ProjectFactory\n"
            "for name in ('mp-editor', 'mp-viewer'):\n"
            f"    User.objects.create_superuser(name, name + '@example.com', '{PASSWORD}')\n"
            "ProjectFactory.create_batch(3)\n",
        )
        for server in cluster.servers:
            server.start(wait=False)  # both start at once
        for server in cluster.servers:
            server.wait()
        yield cluster
    finally:
        for server in cluster.servers:
            server.stop()
        cluster.forget_cache()
        cluster.drop_database()
        cluster.forget_cache()  # again: a stray data-version key was seen left behind once
