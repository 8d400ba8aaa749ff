"""A scratch database for real worker processes (`manage.py run_worker`), outside the test's
own: PostgreSQL (a database of its own next to the test's) or an SQLite file in a temporary
folder (with the jobs' file beside it). The test talks to it through `manage.py shell`."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from bench.server import production_env

ROOT = Path(__file__).resolve().parents[2]


class Scratch:
    def __init__(self, workdir: Path, name: str) -> None:
        database_url = os.environ.get("DATABASE_URL", "")
        self.postgres = database_url.startswith(("postgres://", "postgresql://"))
        if self.postgres:
            parts = urlsplit(database_url)
            self.db_name = f"{parts.path.lstrip('/')}_{name}"
            self.database_url = urlunsplit(parts._replace(path="/" + self.db_name))
            self.admin_dsn = urlunsplit(parts._replace(path="/postgres"))
        else:
            self.database_url = f"sqlite:///{workdir / 'aipdash.sqlite3'}"
        self.workdir = workdir
        self.env = production_env(DATABASE_URL=self.database_url, LOG_LEVEL="INFO")
        self.workers: list[subprocess.Popen[bytes]] = []

    def create(self) -> None:
        if self.postgres:
            with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{self.db_name}"')
        self.manage("migrate", "--no-input")
        self.manage("migrate_jobs")

    def drop(self) -> None:
        self.stop_workers()
        if self.postgres:
            with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')

    def manage(self, *args: str, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout

    def query(self, sql: str, *, jobs: bool = False) -> list[tuple[object, ...]]:
        """Rows of `sql`, straight from the database (faster than a shell); `jobs`: the job
        tables' database (on SQLite, the file beside the portfolio's)."""
        if self.postgres:
            with psycopg.connect(self.database_url) as conn:
                return list(conn.execute(sql).fetchall())
        name = "aipdash-jobs.sqlite3" if jobs else "aipdash.sqlite3"
        with sqlite3.connect(self.workdir / name, timeout=20) as conn:
            return list(conn.execute(sql).fetchall())

    def shell(self, code: str) -> object:
        """Run `code` in the scratch database (manage.py shell); it prints one JSON value."""
        out = self.manage("shell", "--no-imports", "-c", code)
        return json.loads(out.strip().splitlines()[-1])

    def start_worker(self, name: str, **env: str) -> subprocess.Popen[bytes]:
        log = open(self.workdir / f"worker-{name}.log", "wb")  # noqa: SIM115 - the process's
        worker = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "run_worker", "--worker-id", name],
            cwd=ROOT,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.workers.append(worker)
        return worker

    def stop_workers(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in self.workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        self.workers.clear()

    def log(self, name: str) -> str:
        return (self.workdir / f"worker-{name}.log").read_text(errors="replace")

    def wait_for(
        self, sql: str, *, jobs: bool = True, timeout: float = 120, every: float = 0.2
    ) -> list[tuple[object, ...]]:
        """Run `sql` until it returns rows; those rows."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.query(sql, jobs=jobs)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"no rows after {timeout} s: {sql}")
            time.sleep(every)
