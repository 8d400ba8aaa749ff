"""PostgreSQL clusters (a primary and its streaming replica) and a PgBouncer of our own (for
tests/scale_out/ and bench/pooling.py),
from the binaries of the PostgreSQL already installed and Debian's PgBouncer. Never the
machine's shared server: the primary is initdb'd into a temporary folder on a free port.
initdb, postgres and pgbouncer refuse to run as root: then they run as the postgres user."""

import os
import pwd
import shutil
import subprocess
import time
from pathlib import Path

import psycopg

from bench.server import HOST, free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PGBOUNCER = Path("/usr/sbin/pgbouncer")


def missing_binaries():
    """Why the scale-out servers can't be made here, or None."""
    if not (PG_BIN / "initdb").exists():
        return f"PostgreSQL 15's binaries are not in {PG_BIN}"
    if not PGBOUNCER.exists():
        return "pgbouncer is not installed (make test installs it: scripts/ensure-test-tools)"
    if not shutil.which("redis-server"):
        return "redis-server is not installed"
    return None


def _as_postgres(base):
    """The command prefix to run as the postgres user when we are root; `base` theirs."""
    if os.geteuid() != 0:
        return []
    uid = pwd.getpwnam("postgres").pw_uid
    os.chown(base, uid, -1)
    return ["runuser", "-u", "postgres", "--"]


class Cluster:
    """One PostgreSQL server in `base`: a primary (init) or a replica of one (basebackup)."""

    def __init__(self, base: Path, *, settings=()):
        base.mkdir(parents=True, exist_ok=True)
        self.base = base
        self.dir = base / "data"
        self.log = base / "postgres.log"
        self.port = free_port()
        self.as_user = _as_postgres(base)
        self.settings = list(settings)

    def run(self, *cmd):
        return subprocess.run(  # noqa: S603 (our binaries)
            [*self.as_user, *map(str, cmd)], check=True, capture_output=True, text=True
        )

    def init(self):
        self.run(PG_BIN / "initdb", "-D", self.dir, "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def basebackup_of(self, primary):
        """A streaming replica: the primary's files and a standby.signal with its primary_conninfo
        (-R), the WAL streamed while copying (-X stream)."""
        self.run(
            PG_BIN / "pg_basebackup",
            *("-h", HOST, "-p", primary.port, "-U", "postgres"),
            *("-D", self.dir, "-R", "-X", "stream", "--checkpoint=fast"),
        )

    def start(self):
        options = " ".join(
            [
                f"-p {self.port} -c listen_addresses={HOST} -k {self.base}",
                "-c max_connections=50 -c fsync=off -c full_page_writes=off",
                *(f"-c {setting}" for setting in self.settings),
            ]
        )
        self.run(PG_BIN / "pg_ctl", "-D", self.dir, "-l", self.log, "-o", options, "-w", "start")

    def stop(self):
        subprocess.run(  # noqa: S603
            [*self.as_user, PG_BIN / "pg_ctl", "-D", self.dir, "-m", "fast", "-w", "stop"],
            check=False,
            capture_output=True,
        )

    def url(self, database):
        return f"postgres://postgres@{HOST}:{self.port}/{database}"

    def query(self, sql, database="postgres", params=()):
        with psycopg.connect(self.url(database), autocommit=True) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else None


class PgBouncer:
    """Debian's pgbouncer in transaction mode in front of `primary`, every database passed on."""

    def __init__(self, base: Path, primary: Cluster, *, pool_size=20):
        base.mkdir(parents=True, exist_ok=True)
        self.base = base
        self.port = free_port()
        self.as_user = _as_postgres(base)
        self.log = base / "pgbouncer.log"
        users = base / "userlist.txt"
        users.write_text('"postgres" ""\n')
        self.config = base / "pgbouncer.ini"
        self.config.write_text(
            "[databases]\n"
            f"* = host={HOST} port={primary.port}\n"
            "[pgbouncer]\n"
            f"listen_addr = {HOST}\nlisten_port = {self.port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {users}\n"
            "pool_mode = transaction\n"
            f"default_pool_size = {pool_size}\nmax_client_conn = 500\n"
            f"logfile = {self.log}\npidfile = {base / 'pgbouncer.pid'}\n"
            "admin_users = postgres\n"
        )
        for path in (users, self.config):
            if self.as_user:
                os.chown(path, pwd.getpwnam("postgres").pw_uid, -1)
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [*self.as_user, PGBOUNCER, str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                psycopg.connect(self.url("postgres"), connect_timeout=1).close()
                return
            except psycopg.OperationalError:
                time.sleep(0.1)
        raise RuntimeError(f"pgbouncer did not start: {self.log.read_text()[-2000:]}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def url(self, database):
        return f"postgres://postgres@{HOST}:{self.port}/{database}"
