"""bench/faults' driver: the production configuration under steady load while its services fail.

    bench/faults [--rate 10] [--redis-rate 5] [--pg-down-seconds 5] [--redis-down-seconds 15]
                 [--soak-seconds 600] [--soak-rate R] [--report RESULTS.json]

Never touches the machine's shared PostgreSQL or Redis: it starts a PostgreSQL cluster of its
own (initdb into a temporary folder, its own port, trust authentication, fsync on) and a
redis-server of its own, migrates, loads the demo data, collects static files and runs gunicorn
(gunicorn.conf.py: 2 workers, gthread × 4, DEBUG off) against them. A load loop sends --rate
requests per second, open loop (a slow answer doesn't slow the sending), in turn to the
dashboard, a chart partial, a CSV export and a shared link, and records every request's start,
end and status, so the failure window is measured, not guessed.

1. PostgreSQL killed mid-load (`pg_ctl stop -m immediate`: no shutdown checkpoint, like a crash),
   down --pg-down-seconds, started again. Meanwhile a writer makes a shared link through the app
   every half second; every link the app confirmed must still be there afterwards.
2. Redis stopped mid-load for --redis-down-seconds, then started again: pages must keep
   answering (uncached), the outage must be logged (rate-limited), and once Redis is back the
   cache must serve hits again (Redis's own keyspace_hits counter).
3. Soak: --soak-seconds at --rate: zero errors, and each worker's RSS sampled every 10 s.

Results: bench/results/<date>-faults.md and .json. Everything it started is stopped on exit.
"""

import argparse
import concurrent.futures
import contextlib
import datetime as dt
import http.client
import json
import os
import pwd
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import percentile  # noqa: E402
from bench.server import HOST, Gunicorn, ServerError, free_port, production_env  # noqa: E402

VENV = ROOT / ".venv" / "bin"
USER = "faults"
PASSWORD = "faults-only-password-7c2e"  # noqa: S105 (a throwaway user of a throwaway cluster)
CHART = "capacity_online"
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def log(message):
    print(f"[faults {dt.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def rss_kb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def summary(records):
    """Latency (ms) and errors of a list of request records."""
    times = [r["ms"] for r in records]
    errors = [r for r in records if not 200 <= r["status"] < 400]
    out = {"requests": len(records), "errors": len(errors)}
    if times:
        out.update(
            p50_ms=round(statistics.median(times), 1),
            p95_ms=round(percentile(times, 95), 1),
            p99_ms=round(percentile(times, 99), 1),
            max_ms=round(max(times), 1),
        )
    statuses = {}
    for r in records:
        statuses[str(r["status"])] = statuses.get(str(r["status"]), 0) + 1
    out["statuses"] = statuses
    return out


# The services ---------------------------------------------------------------------------------


class Postgres:
    """A cluster of our own. initdb refuses to run as root: then it runs as `postgres`."""

    def __init__(self, base):
        self.dir = base / "pgdata"
        self.socket_dir = base / "pgsocket"
        self.log = base / "postgres.log"
        self.port = free_port()
        self.as_user = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            uid = pwd.getpwnam("postgres").pw_uid
            for path in (base, self.socket_dir):
                path.mkdir(exist_ok=True)
                os.chown(path, uid, -1)
        else:
            self.socket_dir.mkdir(exist_ok=True)

    def run(self, *cmd, check=True):
        return subprocess.run(  # noqa: S603
            [*self.as_user, *map(str, cmd)], check=check, capture_output=True, text=True
        )

    def init(self):
        self.run(PG_BIN / "initdb", "-D", self.dir, "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def start(self):
        options = (
            f"-p {self.port} -c listen_addresses={HOST} -k {self.socket_dir} "
            "-c fsync=on -c synchronous_commit=on -c max_connections=50"
        )
        self.run(PG_BIN / "pg_ctl", "-D", self.dir, "-l", self.log, "-o", options, "-w", "start")

    def stop(self, mode="fast"):
        return self.run(PG_BIN / "pg_ctl", "-D", self.dir, "-m", mode, "-w", "stop", check=False)

    def ready(self):
        return (
            subprocess.run(  # noqa: S603
                [PG_BIN / "pg_isready", "-h", HOST, "-p", str(self.port), "-q"], check=False
            ).returncode
            == 0
        )

    def psql(self, sql, db="aipdash_faults"):
        out = subprocess.run(  # noqa: S603
            [
                PG_BIN / "psql",
                "-h",
                HOST,
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                db,
                "-Atqc",
                sql,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout.strip()


class Redis:
    def __init__(self, base):
        self.port = free_port()
        self.dir = base
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [
                shutil.which("redis-server"),
                "--bind",
                HOST,
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
        )
        client = self.client()
        for _ in range(100):
            with contextlib.suppress(redis.ConnectionError):
                client.ping()
                return
            time.sleep(0.05)
        raise SystemExit("redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def client(self):
        return redis.Redis(host=HOST, port=self.port, socket_timeout=2)

    def stats(self):
        info = self.client().info("stats")
        return {"keyspace_hits": info["keyspace_hits"], "keyspace_misses": info["keyspace_misses"]}


def request(port, method, path, headers=None, body=None, timeout=10):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        conn.close()


# The load -------------------------------------------------------------------------------------


class Load:
    """Open loop: a request every 1/rate seconds, each on a pool thread, whatever the answers."""

    def __init__(self, port, session, token, rate):
        self.port = port
        self.cookie = f"sessionid={session}"
        self.paths = ["/", f"/charts/{CHART}/", f"/charts/{CHART}.csv", f"/s/{token}/"]
        self.rate = rate
        self.records = []
        self.lock = threading.Lock()
        self.stop_event = threading.Event()
        self.thread = None
        self.t0 = time.monotonic()

    def start(self):
        self.stop_event.clear()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def stop(self):
        self.stop_event.set()
        self.thread.join()

    def now(self):
        return time.monotonic() - self.t0

    def _one(self, path):
        start = self.now()
        try:
            status, _, _ = request(self.port, "GET", path, {"Cookie": self.cookie})
            error = None
        except (OSError, http.client.HTTPException) as exc:
            status, error = 0, exc.__class__.__name__
        end = self.now()
        record = {
            "start": round(start, 3),
            "end": round(end, 3),
            "ms": (end - start) * 1000,
            "path": path,
            "status": status,
        }
        if error:
            record["error"] = error
        with self.lock:
            self.records.append(record)

    def _loop(self):
        interval = 1 / self.rate
        next_at = time.monotonic()
        i = 0
        with concurrent.futures.ThreadPoolExecutor(max_workers=64) as pool:
            while not self.stop_event.is_set():
                pool.submit(self._one, self.paths[i % len(self.paths)])
                i += 1
                next_at += interval
                delay = next_at - time.monotonic()
                if delay > 0:
                    self.stop_event.wait(delay)

    def between(self, start, end):
        with self.lock:
            return [r for r in self.records if start <= r["start"] < end]


# The run --------------------------------------------------------------------------------------


class Faults:
    def __init__(self, args):
        self.args = args
        self.base = Path(tempfile.mkdtemp(prefix="aipdash-faults-"))
        os.chmod(self.base, 0o755)  # noqa: S103 (postgres must reach its folders inside)
        self.pg = Postgres(self.base)
        self.redis = Redis(self.base)
        self.results = {
            "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "commit": git("rev-parse", "--short", "HEAD"),
            "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
            "machine": {"cores": os.cpu_count(), "load_at_start": os.getloadavg()},
            "settings": {
                "rate_rps": args.rate,
                "paths": ["/", f"/charts/{CHART}/", f"/charts/{CHART}.csv", "/s/<token>/"],
                "workers": 2,
                "worker_class": "gthread × 4",
                "postgres": "15, own cluster (initdb), fsync on",
                "conn_max_age": 60,
                "conn_health_checks": True,
            },
        }
        self.env = production_env(
            DATABASE_URL=f"postgres://postgres@{HOST}:{self.pg.port}/aipdash_faults",
            REDIS_URL=f"redis://{HOST}:{self.redis.port}/0",
            STATICFILES_BACKEND="whitenoise.storage.CompressedManifestStaticFilesStorage",
            WEB_CONCURRENCY="2",
            GUNICORN_WORKER_CLASS="gthread",
            GUNICORN_THREADS="4",
        )
        # Everything the server prints goes to its log: the Redis outage counts Django's
        # `aipdash.cache` warnings there.
        self.server = Gunicorn(
            self.env,
            log=self.base / "gunicorn.log",
            capture_output=True,
            executable=VENV / "gunicorn",
            start_timeout=90,
            probe_timeout=10,
        )
        self.soak_rate = args.soak_rate or args.rate

    def manage(self, *cmd):
        return subprocess.run(  # noqa: S603
            [VENV / "python", ROOT / "manage.py", *cmd],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    # set-up ---------------------------------------------------------------------------------

    def prepare(self):
        log(f"own PostgreSQL on port {self.pg.port}, own Redis on {self.redis.port} ({self.base})")
        self.pg.init()
        self.pg.start()
        self.pg.psql("CREATE DATABASE aipdash_faults", db="postgres")
        self.redis.start()
        log("migrate, load_demo, collectstatic")
        self.manage("migrate", "--no-input")
        self.manage("load_demo")
        self.manage("collectstatic", "--no-input")
        out = self.manage(
            "shell",
            "-c",
            "from django.contrib.auth.models import User\n"
            f"u = User.objects.create_superuser('{USER}', 'faults@example.com', '{PASSWORD}')\n"
            "from aipdash.sharing import services as sharing\n"
            "from aipdash.dashboard.filters import DashboardFilters\n"
            "issued = sharing.create(user=u, label='faults load', "
            "filters=DashboardFilters(stage=('construction',)), open_filters=[], days=30)\n"
            "print('TOKEN=' + issued.token)\n",
        )
        self.token = re.search(r"TOKEN=(\S+)", out).group(1)
        log(f"gunicorn on port {self.server.port}")
        try:
            self.server.start()
        except ServerError as error:
            raise SystemExit(str(error)) from None
        self.session = self.login()

    def login(self):
        _, headers, body = request(self.server.port, "GET", "/accounts/login/")
        csrf = re.search(r"csrftoken=([^;]+)", headers.get("set-cookie", "")).group(1)
        field = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        form = urllib.parse.urlencode(
            {"username": USER, "password": PASSWORD, "csrfmiddlewaretoken": field, "next": "/"}
        )
        status, headers, _ = request(
            self.server.port,
            "POST",
            "/accounts/login/",
            {"Cookie": f"csrftoken={csrf}", "Content-Type": "application/x-www-form-urlencoded"},
            form,
        )
        session = re.search(r"sessionid=([^;]+)", headers.get("set-cookie", ""))
        if status != 302 or not session:
            raise SystemExit(f"login failed: HTTP {status}")
        return session.group(1)

    def warm(self):
        for path in ("/", f"/charts/{CHART}/", f"/charts/{CHART}.csv", f"/s/{self.token}/"):
            for _ in range(3):
                request(self.server.port, "GET", path, {"Cookie": f"sessionid={self.session}"})

    # 1. PostgreSQL --------------------------------------------------------------------------

    def writer(self, load, stop_event, confirmed, failed):
        """A shared link made through the app every half second; the confirmed ones listed."""
        cookie = f"sessionid={self.session}"
        csrf = None
        n = 0
        while not stop_event.is_set():
            n += 1
            label = f"faults-write-{n:04d}"
            try:
                if csrf is None:
                    status, headers, body = request(
                        self.server.port, "GET", "/shares/new/", {"Cookie": cookie}
                    )
                    found = re.search(r"csrftoken=([^;]+)", headers.get("set-cookie", ""))
                    field = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
                    if status != 200 or not found or not field:
                        raise OSError(f"share form: HTTP {status}")
                    csrf = (found.group(1), field.group(1).decode())
                form = urllib.parse.urlencode(
                    {
                        "label": label,
                        "days": "7",
                        "view": "stage=construction",
                        "csrfmiddlewaretoken": csrf[1],
                    }
                )
                status, _, body = request(
                    self.server.port,
                    "POST",
                    "/shares/new/",
                    {
                        "Cookie": f"{cookie}; csrftoken={csrf[0]}",
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Referer": f"http://{HOST}:{self.server.port}/shares/new/",
                    },
                    form,
                )
                if status == 200 and b'id="share-url"' in body:
                    confirmed.append((label, load.now()))
                else:
                    failed.append((label, load.now(), status))
            except (OSError, http.client.HTTPException) as exc:
                failed.append((label, load.now(), exc.__class__.__name__))
                csrf = None
            stop_event.wait(0.5)

    def postgres_restart(self):
        args = self.args
        log(f"1. PostgreSQL: {args.rate} rps, killed (immediate) for {args.pg_down_seconds} s")
        load = Load(self.server.port, self.session, self.token, args.rate)
        stop_writer = threading.Event()
        confirmed, failed_writes = [], []
        writer = threading.Thread(
            target=self.writer, args=(load, stop_writer, confirmed, failed_writes), daemon=True
        )
        self.warm()
        writer.start()
        load.start()
        time.sleep(args.settle_seconds)
        deadline = time.monotonic() + 60
        while not confirmed and time.monotonic() < deadline:
            time.sleep(0.2)  # at least one write confirmed before the kill
        t_stop = load.now()
        stopped = self.pg.stop("immediate")
        t_down = load.now()
        written_before = [label for label, at in confirmed if at < t_stop]
        time.sleep(args.pg_down_seconds)
        t_start = load.now()
        self.pg.start()
        while not self.pg.ready():
            time.sleep(0.05)
        t_up = load.now()
        log(f"   down from {t_stop:.2f} s to {t_up:.2f} s (load time); waiting for recovery")
        time.sleep(args.after_seconds)
        stop_writer.set()
        writer.join()
        load.stop()
        end = load.now()

        records = load.records
        failures = [r for r in records if not 200 <= r["status"] < 400]
        before_kill = [r for r in failures if r["end"] < t_stop]
        # Recovery: the end of the last failed request that started after PostgreSQL was up
        # (0 when none did), measured from the moment it was up.
        late = [r for r in failures if r["start"] >= t_up]
        recovered_at = max((r["end"] for r in late), default=t_up)
        first_ok_after = min(
            (r["end"] for r in records if r["start"] >= t_up and 200 <= r["status"] < 400),
            default=None,
        )
        labels = set(
            self.pg.psql(
                "SELECT label FROM aipdash_sharelink WHERE label LIKE 'faults-write-%'"
            ).split()
        )
        lost = [label for label, _ in confirmed if label not in labels]
        self.results["postgres_restart"] = {
            "stop_mode": "immediate (crash-like: no shutdown checkpoint)",
            "stop_returncode": stopped.returncode,
            "t_stop_s": round(t_stop, 3),
            "t_stopped_s": round(t_down, 3),
            "t_start_issued_s": round(t_start, 3),
            "t_ready_s": round(t_up, 3),
            "postgres_down_s": round(t_up - t_stop, 2),
            "duration_s": round(end, 1),
            "load": summary(records),
            "before": summary([r for r in records if r["end"] < t_stop]),
            "while_down": summary(
                [r for r in records if t_stop <= r["end"] and r["start"] <= t_up]
            ),
            "after": summary([r for r in records if r["start"] > t_up]),
            "failed_requests": len(failures),
            "failure_statuses": summary(failures)["statuses"],
            # Answers that were failures: from the first one's end to the last one's end.
            "first_failure_end_s": round(min((r["end"] for r in failures), default=0), 3),
            "last_failure_end_s": round(max((r["end"] for r in failures), default=0), 3),
            "failure_window_s": round(
                max((r["end"] for r in failures), default=0)
                - min((r["end"] for r in failures), default=0),
                2,
            ),
            "failures_before_the_kill": len(before_kill),
            "failures_started_after_ready": len(late),
            "recovery_after_ready_s": round(recovered_at - t_up, 3),
            "first_success_after_ready_s": (
                round(first_ok_after - t_up, 3) if first_ok_after is not None else None
            ),
            "writes_confirmed": len(confirmed),
            "writes_confirmed_before_stop": len(written_before),
            "writes_failed": len(failed_writes),
            "writes_confirmed_then_lost": len(lost),
            "lost_labels": lost,
        }
        r = self.results["postgres_restart"]
        log(
            f"   {r['failed_requests']} of {len(records)} requests failed in a "
            f"{r['failure_window_s']} s window (PostgreSQL down {r['postgres_down_s']} s); "
            f"recovered {r['recovery_after_ready_s']} s after it was up; "
            f"{r['writes_confirmed']} writes confirmed, {r['writes_confirmed_then_lost']} lost"
        )

    # 2. Redis -------------------------------------------------------------------------------

    def cache_log_lines(self):
        text = self.server.log.read_text(errors="replace")
        # JSON lines in production (LOG_FORMAT unset); the text form's "... aipdash.cache ...".
        return [
            line
            for line in text.splitlines()
            if '"logger": "aipdash.cache"' in line or " aipdash.cache " in line
        ]

    def redis_outage(self):
        args = self.args
        log(f"2. Redis: {args.redis_rate} rps, stopped for {args.redis_down_seconds} s")
        self.warm()
        lines_before = len(self.cache_log_lines())
        load = Load(self.server.port, self.session, self.token, args.redis_rate)
        load.start()
        time.sleep(args.settle_seconds)
        stats_before = self.redis.stats()
        t_stop = load.now()
        self.redis.stop()
        time.sleep(1)
        health_down = request(self.server.port, "GET", "/healthz")
        time.sleep(max(args.redis_down_seconds - 1, 0))
        t_start = load.now()
        self.redis.start()  # empty: no persistence, as after a real restart
        t_up = load.now()
        time.sleep(3)
        stats_3s = self.redis.stats()
        health_up = request(self.server.port, "GET", "/healthz")
        time.sleep(max(args.after_seconds - 3, 2))
        stats_end = self.redis.stats()
        keys = self.redis.client().dbsize()
        load.stop()
        lines = self.cache_log_lines()[lines_before:]
        records = load.records
        self.results["redis_outage"] = {
            "rate_rps": args.redis_rate,
            "t_stop_s": round(t_stop, 3),
            "t_start_s": round(t_start, 3),
            "redis_down_s": round(t_up - t_stop, 2),
            "load": summary(records),
            "before": summary(load.between(0, t_stop)),
            "while_down": summary(load.between(t_stop + 0.5, t_start)),
            "after": summary(load.between(t_up + 3, 1e9)),
            "healthz_while_down": [health_down[0], json.loads(health_down[2])["status"]],
            "healthz_after": [health_up[0], json.loads(health_up[2])["status"]],
            "warnings_logged": len(lines),
            "warning_lines": lines[:12],
            "redis_hits_before_stop": stats_before["keyspace_hits"],
            "redis_hits_after_restart_3s": stats_3s["keyspace_hits"],
            "redis_hits_at_end": stats_end["keyspace_hits"],
            "redis_misses_at_end": stats_end["keyspace_misses"],
            "redis_keys_at_end": keys,
        }
        r = self.results["redis_outage"]
        log(
            f"   errors {r['load']['errors']} of {r['load']['requests']}; p50 "
            f"{r['before'].get('p50_ms')} → {r['while_down'].get('p50_ms')} → "
            f"{r['after'].get('p50_ms')} ms; {r['warnings_logged']} warnings; hits after "
            f"restart {r['redis_hits_after_restart_3s']} → {r['redis_hits_at_end']}"
        )

    # 3. soak --------------------------------------------------------------------------------

    def soak(self):
        seconds = self.args.soak_seconds
        log(f"3. soak: {self.soak_rate} rps for {seconds} s, worker RSS every 10 s")
        self.warm()
        load = Load(self.server.port, self.session, self.token, self.soak_rate)
        samples = []  # (t, {pid: MB}, load average)

        def sample():
            workers = {
                str(pid): round(rss_kb(pid) / 1024, 1)
                for pid in self.server.workers()
                if rss_kb(pid)
            }
            samples.append(
                {"t_s": round(load.now()), "rss_mb": workers, "load1": os.getloadavg()[0]}
            )

        load.start()
        sample()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            time.sleep(min(10, max(deadline - time.monotonic(), 0)))
            sample()
        load.stop()
        records = load.records
        per_worker = {}
        for s in samples:
            for pid, mb in s["rss_mb"].items():
                per_worker.setdefault(pid, []).append(mb)
        self.results["soak"] = {
            "seconds": seconds,
            "rate_rps": self.soak_rate,
            "load": summary(records),
            "offered_rps": round(len(records) / seconds, 2),
            "rss_per_worker_mb": {
                pid: {
                    "first": mbs[0],
                    "last": mbs[-1],
                    "max": max(mbs),
                    "min": min(mbs),
                    "samples": len(mbs),
                }
                for pid, mbs in per_worker.items()
            },
            "samples": samples,
            "load1_mean": round(statistics.mean(s["load1"] for s in samples), 2),
        }
        r = self.results["soak"]
        log(
            f"   {r['load']['errors']} errors of {r['load']['requests']}; "
            f"RSS {r['rss_per_worker_mb']}"
        )

    # run ------------------------------------------------------------------------------------

    def go(self):
        try:
            self.prepare()
            if not self.args.skip_postgres:
                self.postgres_restart()
            if not self.args.skip_redis:
                self.redis_outage()
            if self.args.soak_seconds:
                self.soak()
        finally:
            self.server.stop()
            self.redis.stop()
            self.pg.stop("fast")
        self.results["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self.write()
        if not self.args.keep:
            shutil.rmtree(self.base, ignore_errors=True)

    def write(self):
        out = Path(self.args.out_dir)
        out.mkdir(parents=True, exist_ok=True)
        stem = out / f"{dt.date.today():%Y-%m-%d}-faults{self.args.suffix}"
        stem.with_suffix(".json").write_text(json.dumps(self.results, indent=2) + "\n")
        stem.with_suffix(".md").write_text(markdown(self.results))
        log(f"wrote {stem}.md and .json")


def git(*args):
    return subprocess.run(  # noqa: S603
        ["git", *args],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()


def markdown(r):
    s = r["settings"]
    lines = [
        "# Faults: the production configuration under load while its services fail",
        "",
        f"Run {r['started']} – {r.get('finished', '?')} at commit {r['commit']}"
        + (" (with uncommitted changes)" if r["dirty"] else "")
        + f", {r['machine']['cores']} cores, load average at start "
        f"{r['machine']['load_at_start'][0]:.2f} (the machine is shared). `bench/faults` "
        '(README, "Faults").',
        "",
        f"gunicorn {s['workers']} workers ({s['worker_class']}), DEBUG off, its own PostgreSQL "
        f"15 cluster and redis-server; {s['rate_rps']} requests per second (unless said "
        "otherwise), open loop, in turn "
        "to the dashboard `/`, the chart partial, its CSV and a shared link. An error is any "
        "answer other than 2xx/3xx, or no answer within 10 s.",
        "",
    ]

    def lat(x):
        if not x.get("requests"):
            return "—"
        return f"{x['requests']} req, {x['errors']} err, p50 {x['p50_ms']} ms, p95 {x['p95_ms']} ms"

    if "postgres_restart" in r:
        p = r["postgres_restart"]
        ok = (
            p["failures_before_the_kill"] == 0
            and p["recovery_after_ready_s"] < 5
            and p["writes_confirmed_then_lost"] == 0
        )
        lines += [
            "## 1. PostgreSQL killed and restarted under load",
            "",
            f"`pg_ctl stop -m {p['stop_mode'].split()[0]}` "
            f"{' '.join(p['stop_mode'].split()[1:])} at {p['t_stop_s']} s, started again after the "
            f"pause and ready at {p['t_ready_s']} s: **down {p['postgres_down_s']} s**.",
            "",
            "| figure | value |",
            "| --- | --- |",
            f"| requests / failed | {p['load']['requests']} / **{p['failed_requests']}** "
            f"({', '.join(f'{k}: {v}' for k, v in p['failure_statuses'].items())}) |",
            f"| failure window (first failed answer → last failed answer) | "
            f"**{p['failure_window_s']} s** "
            f"({p['first_failure_end_s']} → {p['last_failure_end_s']} s) |",
            f"| failures before the kill / started after PostgreSQL was ready | "
            f"**{p['failures_before_the_kill']}** / **{p['failures_started_after_ready']}** |",
            f"| recovered after PostgreSQL was ready (last failure's end) | "
            f"**{p['recovery_after_ready_s']} s** |",
            f"| first success after ready | {p['first_success_after_ready_s']} s |",
            f"| before / while down / after | {lat(p['before'])} / {lat(p['while_down'])} / "
            f"{lat(p['after'])} |",
            f"| writes confirmed by the app (shared links, every 0.5 s) | {p['writes_confirmed']} "
            f"({p['writes_confirmed_before_stop']} before the kill; {p['writes_failed']} refused "
            "while down) |",
            f"| confirmed writes missing afterwards | **{p['writes_confirmed_then_lost']}** |",
            "",
            (
                "Verdict: requests failed only while PostgreSQL was down, the app reconnected by "
                "itself (CONN_HEALTH_CHECKS) within 5 s, no confirmed write was lost."
                if ok
                else "Verdict: **see the figures: a check failed.**"
            ),
            "",
        ]
    if "redis_outage" in r:
        q = r["redis_outage"]
        lines += [
            "## 2. Redis stopped under load",
            "",
            f"At {q['rate_rps']} requests per second, redis-server stopped at {q['t_stop_s']} s "
            "and started again (empty) at "
            f"{q['t_start_s']} s: **down {q['redis_down_s']} s**.",
            "",
            "| figure | value |",
            "| --- | --- |",
            f"| requests / errors | {q['load']['requests']} / **{q['load']['errors']}** |",
            f"| before (cached) | {lat(q['before'])} |",
            f"| while down (uncached) | {lat(q['while_down'])} |",
            f"| after (from 3 s after the restart) | {lat(q['after'])} |",
            f"| `/healthz` while down / after | {q['healthz_while_down'][0]} "
            f"{q['healthz_while_down'][1]} / {q['healthz_after'][0]} {q['healthz_after'][1]} |",
            f"| warnings logged (`aipdash.cache`, both workers) | **{q['warnings_logged']}** |",
            f"| Redis keyspace hits 3 s after the restart → at the end | "
            f"{q['redis_hits_after_restart_3s']} → **{q['redis_hits_at_end']}** "
            f"({q['redis_keys_at_end']} keys) |",
            "",
            "The warnings:",
            "",
            "```",
            *q["warning_lines"],
            "```",
            "",
        ]
    if "soak" in r:
        k = r["soak"]
        lines += [
            f"## 3. Soak: {k['seconds']} s at {k['rate_rps']} rps",
            "",
            f"{lat(k['load'])}, p99 {k['load'].get('p99_ms')} ms, max {k['load'].get('max_ms')} "
            f"ms; {k['offered_rps']} requests per second sent; load average (1 min) mean "
            f"{k['load1_mean']}.",
            f"**Errors: {k['load']['errors']}.**",
            "",
            "| worker | RSS first | at half time | last | min | max | second half | samples |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        middle = k["samples"][len(k["samples"]) // 2]["rss_mb"]
        for pid, m in k["rss_per_worker_mb"].items():
            half = middle.get(pid)
            growth = f"{m['last'] - half:+.1f} MB" if half else "—"
            lines.append(
                f"| {pid} | {m['first']} MB | {half} MB | {m['last']} MB | {m['min']} MB "
                f"| {m['max']} MB | {growth} | {m['samples']} (every 10 s) |"
            )
        lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    # The machine is shared (2 cores): 10 requests per second keep the cached app well under
    # its capacity there; without the cache each request builds its charts, and 5 per second
    # keep that under capacity too, so that a timeout would be a fault, not an overload.
    parser.add_argument("--rate", type=float, default=10, help="requests per second (10)")
    parser.add_argument(
        "--redis-rate", type=float, default=5, help="requests per second, Redis outage (5)"
    )
    parser.add_argument("--pg-down-seconds", type=float, default=5)
    parser.add_argument("--redis-down-seconds", type=float, default=15)
    parser.add_argument("--settle-seconds", type=float, default=10, help="load before a fault")
    parser.add_argument("--after-seconds", type=float, default=15, help="load after a fault")
    parser.add_argument("--soak-seconds", type=int, default=600, help="0: no soak")
    parser.add_argument("--soak-rate", type=float, help="requests per second (--rate)")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-redis", action="store_true")
    parser.add_argument("--out-dir", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--suffix", default="", help="appended to the results' file name")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs)")
    parser.add_argument("--report", metavar="JSON", help="only rewrite the .md of a results file")
    args = parser.parse_args()
    if args.report:
        path = Path(args.report)
        path.with_suffix(".md").write_text(markdown(json.loads(path.read_text())))
        return

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    Faults(args).go()


if __name__ == "__main__":
    main()
