"""bench/run's driver: prepare, start the production configuration, measure, write the results.

    bench/run [--size demo|10k|100k|1m] [--port 8765] [--redis-db 14] [--worker-class gthread]

Steps (README, "Benchmarks"):
 1. PostgreSQL database aipdash_bench_<size>: created, migrated, demo data loaded; at 10k,
    100k and 1m also `generate_portfolio` (seed 1), skipped when the database already holds that
    portfolio; ANALYZE after a load. `collectstatic` (WhiteNoise's compressed manifest storage).
 2. A superuser `bench` with a known password; a shared link (`aipdash.sharing.create`).
 3. In process (bench/inprocess.py, Django's test client on the same database and cache):
    queries, rows handed to Python and SQL time per request, cold and warm; where a chart's
    cold time goes; each chart partial's warm body written under STATIC_ROOT/bench-floor/.
 4. gunicorn (gunicorn.conf.py: 2 workers, gthread unless --worker-class sync) on 127.0.0.1,
    DEBUG off, Redis cache in its own db number, plain HTTP; logged in through the login form.
 5. Per view: cold (the Redis db flushed before each of --cold-runs sequential requests),
    warm sequential (--warm-seq-runs requests, one at a time), warm under load
    (wrk -t2 -c8 --latency, --warm-duration seconds), bytes raw and with Accept-Encoding;
    the static floor (wrk on each chart partial's body served as a static file).
 6. Chromium (bench/browser.py): first load, repeat load, filter change, Back and Forward.
 7. wrk -t2 -c32 -d60s over the seven chart partials in turn, warm: errors must be zero.
 8. Worker RSS sampled every second throughout; results to bench/results/<date>-<size>.md/.json.
gunicorn is stopped on every exit (finally, SIGTERM/SIGINT handlers, and bench/run's trap).
"""

import argparse
import datetime as dt
import http.client
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import browser, report  # noqa: E402
from bench.common import percentile, views  # noqa: E402
from bench.server import Gunicorn, ServerError, production_env  # noqa: E402

VENV = ROOT / ".venv" / "bin"
SIZES = {
    "demo": None,
    "10k": (10_000, 100_000),
    "100k": (100_000, 1_000_000),
    "1m": (1_000_000, 10_000_000),  # issue 16: ten times the data, the cost of the groups
}
LARGE = ("100k", "1m")  # one cold request may take long: fewer in-process and browser runs
SEED = 1
HOST = "127.0.0.1"
BENCH_USER = "bench"
BENCH_PASSWORD = "bench-only-password-4b1d"  # noqa: S105 (a throwaway user of the bench db)
WRK_LUA = ROOT / "bench" / "wrk_report.lua"
# The shared view: every stage ticked, i.e. the whole portfolio. Not the unfiltered view itself:
# sharing.create refuses empty filters (ShareLink.filters is a JSONField without blank=True, so
# full_clean() calls {} blank), a bug reported with the results.
SHARE_QUERY = "&".join(
    f"stage={s}"
    for s in ("announced", "development", "construction", "operational", "paused", "cancelled")
)


def log(message):
    print(f"[bench {dt.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def run(cmd, *, env=None, capture=False, check=True, timeout=None, cwd=None):
    return subprocess.run(  # noqa: S603 (our own commands)
        [str(c) for c in cmd],
        cwd=cwd or ROOT,
        env=env,
        check=check,
        text=True,
        capture_output=capture,
        timeout=timeout,
    )


# Configuration --------------------------------------------------------------------------------


class Bench:
    def __init__(self, args):
        self.args = args
        self.size = args.size
        self.db_name = args.database or f"aipdash_bench_{self.size}"
        self.port = args.port
        self.base = f"http://{HOST}:{self.port}"
        self.work = ROOT / "var" / "bench" / self.size
        self.work.mkdir(parents=True, exist_ok=True)
        # The application measured: this working tree, or a clean checkout of --commit.
        self.app = checkout(args.commit) if args.commit else ROOT
        self.static_root = self.app / "staticfiles"
        self.floor_dir = self.static_root / "bench-floor"
        self.server = None
        self.rss = RssSampler()
        self.results = {
            "size": self.size,
            "started": dt.datetime.now().isoformat(timespec="seconds"),
            "settings": {},
            "phases": {},
        }
        self.env = production_env(
            DATABASE_URL=f"postgres://postgres@{HOST}:5432/{self.db_name}",
            REDIS_URL=f"redis://{HOST}:6379/{args.redis_db}",
            STATICFILES_BACKEND="whitenoise.storage.CompressedManifestStaticFilesStorage",
            PYTHONPATH=self.app,
            BENCH_APP_ROOT=self.app,
        )
        self.redis = redis.Redis(host=HOST, port=6379, db=args.redis_db)

    def manage(self, *cmd, capture=False, env=None, timeout=None):
        return run(
            [VENV / "python", self.app / "manage.py", *cmd],
            env=env or self.env,
            capture=capture,
            timeout=timeout,
            cwd=self.app,
        )

    def psql(self, sql, db=None):
        out = run(
            ["psql", "-h", HOST, "-U", "postgres", "-d", db or self.db_name, "-Atqc", sql],
            capture=True,
        )
        return out.stdout.strip()

    # 1. database and static files -----------------------------------------------------------

    def prepare(self):
        started = time.perf_counter()
        if not self.psql(
            f"SELECT 1 FROM pg_database WHERE datname = '{self.db_name}'",  # noqa: S608
            db="postgres",
        ):
            log(f"creating database {self.db_name}")
            self.psql(f'CREATE DATABASE "{self.db_name}"', db="postgres")
        log("migrate")
        self.manage("migrate", "--no-input", capture=True)
        log("load_demo --if-empty")
        self.manage("load_demo", "--if-empty")
        generated = None
        if SIZES[self.size]:
            projects, commitments = SIZES[self.size]
            have = self.synthetic_counts()
            if have == (projects, commitments):
                log(f"database already holds {projects:,} + {commitments:,} synthetic rows: reused")
            else:
                extra = ["--replace"] if any(have) else []
                log(
                    f"generate_portfolio --projects {projects} --commitments {commitments} "
                    f"--seed {SEED} {' '.join(extra)} (found {have})"
                )
                t0 = time.perf_counter()
                self.manage(
                    "generate_portfolio",
                    "--projects",
                    projects,
                    "--commitments",
                    commitments,
                    "--seed",
                    SEED,
                    *extra,
                )
                generated = time.perf_counter() - t0
                log(f"generated in {generated:.0f} s; VACUUM ANALYZE")
                self.psql("VACUUM ANALYZE")
        self.results["data"] = self.data_counts()
        self.results["data"]["generated_this_run_s"] = generated
        if self.floor_dir.exists():
            shutil.rmtree(self.floor_dir)
        if self.args.no_collectstatic and (self.static_root / "staticfiles.json").exists():
            log("collectstatic skipped (--no-collectstatic)")
        else:
            log("collectstatic")
            self.manage("collectstatic", "--no-input", capture=True)
        self.results["phases"]["prepare_s"] = time.perf_counter() - started

    def synthetic_counts(self):
        prefix = f"synthetic-{SEED}-"
        projects = int(
            self.psql(f"SELECT count(*) FROM projects_project WHERE slug LIKE '{prefix}p%'")  # noqa: S608
        )
        commitments = int(
            self.psql(
                f"SELECT count(*) FROM projects_commitment WHERE reference LIKE '{prefix}c%'"  # noqa: S608
            )
        )
        return projects, commitments

    def data_counts(self):
        counts = {}
        for table in (
            "partners_partner",
            "projects_project",
            "projects_projectphase",
            "projects_participation",
            "projects_commitment",
        ):
            counts[table.split("_", 1)[1]] = int(self.psql(f"SELECT count(*) FROM {table}"))  # noqa: S608
        counts["database_bytes"] = int(self.psql(f"SELECT pg_database_size('{self.db_name}')"))
        return counts

    # 2. user and shared link ----------------------------------------------------------------

    def ensure_user_and_link(self):
        code = (
            "from django.contrib.auth.models import User\n"
            f"u, _ = User.objects.get_or_create(username='{BENCH_USER}')\n"
            "u.is_superuser = u.is_staff = True\n"
            f"u.set_password('{BENCH_PASSWORD}')\n"
            "u.save()\n"
            "from django.http import QueryDict\n"
            "from aipdash.dashboard import blocks\n"
            "from aipdash.sharing import services\n"
            "from aipdash.dashboard.filters import DashboardFilters\n"
            f"view = DashboardFilters.from_query(QueryDict('{SHARE_QUERY}'),"
            " partner_slugs=blocks.partner_slugs())\n"
            "issued = services.create(user=u, label='bench', filters=view,"
            " open_filters=[], days=30)\n"
            "print('TOKEN=' + issued.token)\n"
            # The scenario views (issue 17) read a shipped scenario: put it there if a database
            # generated before the scenarios has none.
            "from aipdash.scenarios import demo\n"
            "demo.load()\n"
        )
        out = self.manage("shell", "-c", code, capture=True).stdout
        self.token = re.search(r"TOKEN=(\S+)", out).group(1)

    # 3. in process ---------------------------------------------------------------------------

    def in_process(self):
        log("in process: queries, rows, sizes, where the cold time goes (Django test client)")
        out = self.work / "inprocess.json"
        env = dict(self.env, ALLOWED_HOSTS=f"{HOST},testserver")
        subprocess.run(  # noqa: S603
            [
                VENV / "python",
                ROOT / "bench" / "inprocess.py",
                "--user",
                BENCH_USER,
                "--token",
                self.token,
                "--out",
                out,
                "--floor-dir",
                self.floor_dir,
                "--runs",
                str(self.args.inprocess_runs),
            ],
            env=env,
            cwd=ROOT,
            check=True,
            preexec_fn=self.memory_limit,
        )
        self.inproc = json.loads(out.read_text())
        self.views = views(self.inproc["chart_names"], self.token)

    # 4. the server ---------------------------------------------------------------------------

    def start_server(self):
        self.server = Gunicorn(
            dict(
                self.env,
                WEB_CONCURRENCY=str(self.args.workers),
                GUNICORN_WORKER_CLASS=self.args.worker_class,
                GUNICORN_THREADS=str(self.args.threads),
                GUNICORN_TIMEOUT=str(self.args.gunicorn_timeout),
            ),
            port=self.port,
            log=self.work / "gunicorn.log",
            pidfile=self.work / "gunicorn.pid",  # bench/run's trap stops it by this pid
            cwd=self.app,
            executable=VENV / "gunicorn",
            start_timeout=60,
            probe_timeout=self.args.request_timeout,
            preexec_fn=self.memory_limit,
        )
        log(
            f"gunicorn: {self.args.workers} workers, {self.args.worker_class}"
            + (f" × {self.args.threads} threads" if self.args.worker_class == "gthread" else "")
            + f", {self.base}"
        )
        try:
            self.server.start()
        except ServerError as error:
            raise SystemExit(str(error)) from None
        self.rss.start(self.server.pid)
        self.results["settings"].update(
            server=run([VENV / "gunicorn", "--version"], capture=True).stdout.strip(),
            workers=self.args.workers,
            worker_class=self.args.worker_class,
            threads=self.args.threads if self.args.worker_class == "gthread" else 1,
            worker_timeout_s=self.args.gunicorn_timeout,
            bind=f"{HOST}:{self.port}",
            database=self.db_name,
            redis_db=self.args.redis_db,
            static_storage=self.env["STATICFILES_BACKEND"],
            debug=False,
        )

    def memory_limit(self):
        """The machine is shared: a worker (or the in-process client) that would take more
        than --memory-limit-mb of address space gets a MemoryError (a 500, counted as an
        error) instead of pushing other work out of memory."""
        if self.args.memory_limit_mb:
            limit = self.args.memory_limit_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    def stop_server(self):
        self.rss.stop()
        if self.server and self.server.running:
            log("stopping gunicorn")
            self.server.stop()
        self.server = None

    # HTTP -------------------------------------------------------------------------------------

    def fetch(self, path, headers=None, *, cookie=True, method="GET", body=None):
        """One request on a new connection: status, headers (lower-case), body as sent."""
        headers = dict(headers or {})
        if cookie:
            headers["Cookie"] = f"sessionid={self.session}"
        conn = http.client.HTTPConnection(HOST, self.port, timeout=self.args.request_timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            conn.close()

    def timed(self, path, headers):
        headers = dict(headers, Cookie=f"sessionid={self.session}")
        conn = http.client.HTTPConnection(HOST, self.port, timeout=self.args.request_timeout)
        t0 = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            t1 = time.perf_counter()
            data = response.read()
            t2 = time.perf_counter()
        except (OSError, http.client.HTTPException) as error:
            # A worker killed by gunicorn's timeout, a reset, a client timeout: an error (0).
            elapsed = (time.perf_counter() - t0) * 1000
            log(f"  {path}: {error.__class__.__name__} after {elapsed:.0f} ms")
            return 0, elapsed, elapsed, 0
        finally:
            conn.close()
        return response.status, (t1 - t0) * 1000, (t2 - t0) * 1000, len(data)

    def login(self):
        status, headers, body = self.fetch("/accounts/login/", cookie=False)
        csrf_cookie = re.search(r"csrftoken=([^;]+)", headers.get("set-cookie", "")).group(1)
        csrf_field = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        form = urllib.parse.urlencode(
            {
                "username": BENCH_USER,
                "password": BENCH_PASSWORD,
                "csrfmiddlewaretoken": csrf_field.decode(),
                "next": "/",
            }
        )
        status, headers, _ = self.fetch(
            "/accounts/login/",
            {
                "Cookie": f"csrftoken={csrf_cookie}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            cookie=False,
            method="POST",
            body=form,
        )
        found = re.search(r"sessionid=([^;]+)", headers.get("set-cookie", ""))
        if status != 302 or not found:
            raise SystemExit(f"login failed: HTTP {status}")
        self.session = found.group(1)
        status, _, _ = self.fetch("/shares/")  # a cheap page that needs the login
        if status != 200:
            raise SystemExit(f"GET /shares/ with the session cookie: HTTP {status}")
        log("logged in through the login form; session cookie in hand")

    # 5. per view -----------------------------------------------------------------------------

    def flush(self):
        self.redis.flushdb()

    def sequential(self, path, headers, runs, *, cold, budget=None):
        """`runs` requests one at a time; past `budget` seconds (and at least 3 samples) it
        stops early: at 100k one cold page takes long."""
        samples, statuses, ttfb = [], [], []
        started = time.monotonic()
        for _ in range(runs):
            if budget and len(samples) >= 3 and time.monotonic() - started > budget:
                break
            if cold:
                self.flush()
            status, first_byte, total, _ = self.timed(path, headers)
            samples.append(total)
            ttfb.append(first_byte)
            statuses.append(status)
        return summary_ms(samples, statuses, ttfb)

    def sizes(self, path, headers):
        try:
            status, h_raw, raw = self.fetch(path, headers)
            _, h_enc, enc = self.fetch(path, dict(headers, **{"Accept-Encoding": "gzip, br"}))
        except (OSError, http.client.HTTPException) as error:
            return {"status": 0, "error": repr(error), "raw": None}
        return {
            "status": status,
            "raw": len(raw),
            "transferred_with_accept_encoding": len(enc),
            "content_encoding": h_enc.get("content-encoding", ""),
            "content_type": h_raw.get("content-type", ""),
            "transfer_encoding": h_raw.get("transfer-encoding", ""),
            "cache_control": h_raw.get("cache-control", ""),
        }

    def wrk(self, path, headers, *, connections, duration, paths=()):
        cmd = [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "--timeout",
            f"{self.args.wrk_timeout}s",
            "-s",
            WRK_LUA,
            "-H",
            f"Cookie: sessionid={self.session}",
        ]
        for name, value in headers.items():
            cmd += ["-H", f"{name}: {value}"]
        cmd.append(self.base + path)
        if paths:
            cmd += ["--", *paths]
        cpu_before = self.cpu_seconds()
        out = run(cmd, capture=True).stdout
        cpu_after = self.cpu_seconds()
        found = re.search(r"WRK-JSON-BEGIN\n(.*)\nWRK-JSON-END", out, re.S)
        if not found:
            raise SystemExit(f"wrk printed no summary:\n{out}")
        data = json.loads(found.group(1))
        seconds = data["duration_us"] / 1e6
        socket_errors = sum(v for k, v in data["errors"].items() if k != "status")
        non_2xx = sum(n for code, n in data["statuses"].items() if not code.startswith("2"))
        latency = {
            key: (data["latency_us"][key] / 1000 if data["requests"] else None)
            for key in ("p50", "p95", "p99", "max", "mean")
        }
        return {
            "connections": connections,
            "threads": 2,
            "duration_s": round(seconds, 2),
            "requests": data["requests"],
            "rps": data["requests"] / seconds,
            "p50_ms": latency["p50"],
            "p95_ms": latency["p95"],
            "p99_ms": latency["p99"],
            "max_ms": latency["max"],
            "mean_ms": latency["mean"],
            "socket_errors": data["errors"],
            "statuses": data["statuses"],
            "errors": socket_errors + non_2xx,
            "bytes_per_s": data["bytes"] / seconds,
            "cpu_ms_per_request": {
                part: sum(
                    max(0.0, seconds - cpu_before[part].get(pid, 0.0))
                    for pid, seconds in cpu_after[part].items()
                )
                * 1000
                / data["requests"]
                for part in cpu_after
            }
            if data["requests"]
            else None,
        }

    def cpu_seconds(self):
        """CPU time (user + system) used so far by gunicorn (master and workers) and by the
        PostgreSQL backends connected to the bench database: per request, it does not depend
        on what else the machine is doing, unlike latency and requests per second."""
        pids = {"gunicorn": [self.server.pid, *self.rss._workers()], "postgres": []}
        found = self.psql(
            f"SELECT pid FROM pg_stat_activity WHERE datname = '{self.db_name}'"  # noqa: S608
            " AND pid <> pg_backend_pid()"
        )
        pids["postgres"] = [int(p) for p in found.split()]
        # Per process: one that started during the run counts from zero, one that ended is
        # left out (PostgreSQL backends come and go with CONN_MAX_AGE).
        return {part: {pid: _cpu_seconds(pid) for pid in group} for part, group in pids.items()}

    def warm_up(self):
        """Both workers import and connect before anything is timed."""
        for view in self.views:
            for _ in range(4):
                self.timed(view["path"], view["headers"])

    def measure_views(self):
        out = {}
        for view in self.views:
            log(f"{view['label']}: cold × {self.args.cold_runs}")
            cold = self.sequential(
                view["path"],
                view["headers"],
                self.args.cold_runs,
                cold=True,
                budget=self.args.sequential_budget,
            )
            self.timed(view["path"], view["headers"])  # fill the cache again
            warm_seq = self.sequential(
                view["path"],
                view["headers"],
                self.args.warm_seq_runs,
                cold=False,
                budget=self.args.sequential_budget,
            )
            log(f"{view['label']}: wrk -c8 {self.args.warm_duration}s")
            warm = self.wrk(
                view["path"], view["headers"], connections=8, duration=self.args.warm_duration
            )
            out[view["key"]] = {
                "label": view["label"],
                "path": view["path"].replace(self.token, "<token>"),
                "headers": view["headers"],
                "cold": cold,
                "warm_sequential": warm_seq,
                "warm": warm,
                "bytes": self.sizes(view["path"], view["headers"]),
                "in_process": self.inproc["views"][view["key"]],
            }
        return out

    def measure_floor(self):
        out = {}
        for chart, info in self.inproc["floor"].items():
            path = f"/static/bench-floor/{info['file']}"
            status, _, body = self.fetch(path)
            if status != 200 or len(body) != info["bytes"]:
                raise SystemExit(f"floor file {path}: HTTP {status}, {len(body)} bytes")
            log(f"floor {path} ({info['bytes']:,} bytes): wrk -c8 {self.args.floor_duration}s")
            out[chart] = {
                "path": path,
                "bytes": info["bytes"],
                "warm_sequential": self.sequential(path, {}, self.args.warm_seq_runs, cold=False),
                "warm": self.wrk(path, {}, connections=8, duration=self.args.floor_duration),
            }
        return out

    def measure_django_floor(self):
        """The cheapest Django view, /healthz (no login, one SELECT 1, a cache set and get):
        what any request through Django's middleware costs on this server."""
        log(f"Django floor /healthz: wrk -c8 {self.args.floor_duration}s")
        return {
            "path": "/healthz",
            "warm_sequential": self.sequential("/healthz", {}, self.args.warm_seq_runs, cold=False),
            "warm": self.wrk("/healthz", {}, connections=8, duration=self.args.floor_duration),
        }

    def static_assets(self):
        """The page's own static files: sizes raw and as sent, and their caching headers."""
        try:
            _, _, page = self.fetch("/")
        except (OSError, http.client.HTTPException):
            return []
        paths = sorted(set(re.findall(rb'(?:src|href)="(/static/[^"]+)"', page)))
        out = []
        for raw_path in paths:
            path = raw_path.decode()
            sizes = self.sizes(path, {})
            out.append({"path": path, **sizes})
        return out

    def payload_sizes(self):
        """Bytes of the cached values in Redis, by kind (the largest of the cached views):
        what a request that reads that kind unpickles."""
        sizes = {}
        for key in self.redis.scan_iter(match="*aipdash:*", count=1000):
            name = key.decode()
            found = re.search(r"aipdash:(chart:[a-z_]+|[a-z-]+):[0-9a-f]{32}:", name)
            if not found:
                continue
            kind = found.group(1)
            sizes[kind] = max(sizes.get(kind, 0), self.redis.strlen(key))
        return dict(sorted(sizes.items()))

    def soak(self):
        paths = [f"/charts/{name}/" for name in self.inproc["chart_names"]]
        for path in paths:
            self.timed(path, {})
        log(f"32 connections, {self.args.soak_duration} s, over the {len(paths)} chart partials")
        result = self.wrk(
            paths[0], {}, connections=32, duration=self.args.soak_duration, paths=paths
        )
        result["paths"] = paths
        return result

    # everything ------------------------------------------------------------------------------

    def go(self):
        self.results["machine"] = machine()
        self.results["machine"]["load_before"] = os.getloadavg()
        self.results["commit"] = git_commit(self.app)
        self.results["commit"]["measured_tree"] = (
            "working tree" if self.app == ROOT else f"clean checkout of {self.args.commit}"
        )
        self.prepare()
        self.ensure_user_and_link()
        self.in_process()
        self.start_server()
        self.login()
        self.warm_up()
        self.results["quiet_wait"] = wait_for_quiet(self.args.quiet_load, self.args.quiet_wait)
        self.results["rss_after_warmup"] = self.rss.current()
        t0 = time.perf_counter()
        self.results["views"] = self.measure_views()
        self.results["cache_payload_bytes"] = self.payload_sizes()
        self.results["floor"] = self.measure_floor()
        self.results["django_floor"] = self.measure_django_floor()
        self.results["static_assets"] = self.static_assets()
        self.results["phases"]["http_s"] = time.perf_counter() - t0
        if not self.args.skip_browser:
            log("Chromium: first load, repeat load, filter change, Back and Forward")
            t0 = time.perf_counter()
            try:
                self.results["browser"] = browser.measure(
                    self.base,
                    self.session,
                    first_runs=self.args.browser_first_runs,
                    filter_runs=self.args.browser_filter_runs,
                    timeout_s=self.args.browser_timeout,
                )
            except Exception as error:  # a page that never draws: say so, measure the rest
                log(f"Chromium failed: {error!r}"[:500])
                self.results["browser"] = {"error": repr(error)[:2000]}
            self.results["phases"]["browser_s"] = time.perf_counter() - t0
        self.results["load_before_soak"] = os.getloadavg()
        self.results["soak"] = self.soak()
        self.results["rss_after_run"] = self.rss.current()
        self.results["rss_peak"] = self.rss.peak()
        self.results["load_during_run"] = self.rss.load()
        self.results["breakdown"] = self.inproc["breakdown"]
        self.results["machine"]["load_after"] = os.getloadavg()
        self.results["finished"] = dt.datetime.now().isoformat(timespec="seconds")
        self.results["settings"]["runs"] = {
            "cold": self.args.cold_runs,
            "warm_sequential": self.args.warm_seq_runs,
            "warm_wrk_seconds": self.args.warm_duration,
            "floor_wrk_seconds": self.args.floor_duration,
            "soak_seconds": self.args.soak_duration,
            "memory_limit_mb": self.args.memory_limit_mb,
            "wrk_timeout_s": self.args.wrk_timeout,
            "request_timeout_s": self.args.request_timeout,
            "sequential_budget_s": self.args.sequential_budget,
            "in_process": self.args.inprocess_runs,
            "browser_first_load": self.args.browser_first_runs,
            "browser_filter_change": self.args.browser_filter_runs,
        }


def summary_ms(samples, statuses, ttfb=None):
    out = {
        "n": len(samples),
        "p50_ms": statistics.median(samples),
        "p95_ms": percentile(samples, 95),
        "p99_ms": percentile(samples, 99),
        "min_ms": min(samples),
        "max_ms": max(samples),
        "errors": sum(1 for s in statuses if not 200 <= s < 300),
        "statuses": sorted(set(statuses)),
    }
    if samples:
        out["rps_one_at_a_time"] = len(samples) / (sum(samples) / 1000)
    if ttfb:
        out["ttfb_p50_ms"] = statistics.median(ttfb)
    return out


class RssSampler:
    """Resident memory of gunicorn's workers (the master's children), every second."""

    def __init__(self):
        self.master = None
        self.samples = {}
        self.loads = []  # 1-minute load average, each second
        self._stop = threading.Event()
        self._thread = None

    def start(self, master_pid):
        self.master = master_pid
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def stop(self):
        self._stop.set()

    def current(self):
        out = {}
        for pid in self._workers():
            rss = _rss_kb(pid)
            if rss:
                out[str(pid)] = round(rss / 1024, 1)
        return {"workers_mb": out, "master_mb": round((_rss_kb(self.master) or 0) / 1024, 1)}

    def peak(self):
        return {str(pid): round(kb / 1024, 1) for pid, kb in self.samples.items()}

    def _workers(self):
        try:
            children = Path(f"/proc/{self.master}/task/{self.master}/children").read_text()
            return [int(p) for p in children.split()]
        except OSError:
            return []

    def load(self):
        if not self.loads:
            return {}
        return {
            "samples": len(self.loads),
            "min": min(self.loads),
            "mean": round(statistics.mean(self.loads), 2),
            "max": max(self.loads),
        }

    def _loop(self):
        while not self._stop.wait(1.0):
            self.loads.append(os.getloadavg()[0])
            for pid in self._workers():
                rss = _rss_kb(pid)
                if rss:
                    self.samples[pid] = max(self.samples.get(pid, 0), rss)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid):
    """utime + stime of a process (fields 14 and 15 of /proc/<pid>/stat), 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _rss_kb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, TypeError):
        return None
    return None


def machine():
    meminfo = Path("/proc/meminfo").read_text()
    total_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())

    def version(cmd, pattern=r"(.+)"):
        try:
            out = run(cmd, capture=True, check=False)
        except OSError:
            return None
        found = re.search(pattern, out.stdout + out.stderr)
        return found.group(1).strip() if found else None

    return {
        "nproc": os.cpu_count(),
        "memory_gb": round(total_kb / 1024 / 1024, 1),
        "cpu": cpu.group(1).strip() if cpu else None,
        "kernel": os.uname().release,
        "python": sys.version.split()[0],
        "postgresql": version(
            ["psql", "-h", HOST, "-U", "postgres", "-Atc", "SHOW server_version"]
        ),
        "redis": version(["redis-cli", "INFO", "server"], r"redis_version:(\S+)"),
        "wrk": version(["wrk", "--version"], r"wrk (\S+)"),
        "django": version([VENV / "python", "-c", "import django; print(django.__version__)"]),
    }


def checkout(rev):
    """A clean checkout of `rev` (a detached git worktree under var/bench/), so that the
    figures belong to exactly one commit while others edit the working tree."""
    commit = run(["git", "rev-parse", "--verify", f"{rev}^{{commit}}"], capture=True).stdout
    commit = commit.strip()
    tree = ROOT / "var" / "bench" / f"tree-{commit[:12]}"
    if not (tree / "manage.py").exists():
        for old in tree.parent.glob("tree-*"):  # one checkout at a time: drop older ones
            log(f"removing the older checkout {old.relative_to(ROOT)}")
            run(["git", "worktree", "remove", "--force", old], check=False, capture=True)
            shutil.rmtree(old, ignore_errors=True)
        run(["git", "worktree", "prune"])
        log(f"checking out {commit[:12]} into {tree.relative_to(ROOT)}")
        run(["git", "worktree", "add", "--detach", "--force", tree, commit], capture=True)
    return tree


def git_commit(tree):
    head = run(["git", "rev-parse", "HEAD"], capture=True, cwd=tree).stdout.strip()
    dirty = run(
        ["git", "status", "--porcelain", "--untracked-files=no"], capture=True, cwd=tree
    ).stdout
    changed = [line[3:] for line in dirty.splitlines() if line.strip()]
    return {"hash": head, "uncommitted_changes": bool(changed), "changed_files": changed}


def wait_for_quiet(threshold, longest):
    """Other work on the machine takes the same 2 cores: wait (up to `longest` seconds) until
    the 1-minute load average is under `threshold`. Returns what happened."""
    started = time.monotonic()
    load = os.getloadavg()[0]
    if load < threshold:
        return {"waited_s": 0, "load": load, "quiet": True}
    log(
        f"load average {load:.1f} ≥ {threshold}: waiting up to {longest} s for a quieter "
        "machine (--quiet-load / --quiet-wait)"
    )
    while time.monotonic() - started < longest:
        time.sleep(10)
        load = os.getloadavg()[0]
        if load < threshold:
            break
    quiet = load < threshold
    if not quiet:
        log(f"still {load:.1f} after {longest} s: measuring anyway (the results say so)")
    return {"waited_s": round(time.monotonic() - started), "load": load, "quiet": quiet}


def latest_results(folder, size):
    """The newest results file of `size` in `folder` (names start with the date), or None."""
    found = sorted(Path(folder).glob(f"*-{size}*.json"))
    return found[-1] if found else None


def compare_100k(path):
    """The 100k run's cold figures that the 1m run is held against (issue 16)."""
    if not path:
        return None
    base = json.loads(Path(path).read_text())
    return {
        "file": Path(path).name,
        "filter_cold_p95_ms": base["views"]["filter"]["cold"]["p95_ms"],
        "page_cold_p95_ms": base["views"]["page"]["cold"]["p95_ms"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=list(SIZES), default="demo")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--database",
        help="PostgreSQL database to use (default aipdash_bench_<size>): one per size, since a "
        "database is reused when it already holds that size's portfolio",
    )
    parser.add_argument("--redis-db", type=int, default=14)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", choices=["gthread", "sync"], default="gthread")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--gunicorn-timeout",
        type=int,
        default=30,
        help="seconds before gunicorn replaces a busy worker (30, as in production)",
    )
    parser.add_argument(
        "--cold-runs", type=int, help="default 20 (a cold view takes under a second at 100k)"
    )
    parser.add_argument("--warm-seq-runs", type=int, default=50)
    parser.add_argument("--warm-duration", type=int, default=15)
    parser.add_argument("--floor-duration", type=int, default=10)
    parser.add_argument("--soak-duration", type=int, default=60)
    parser.add_argument("--wrk-timeout", type=int, default=10)
    parser.add_argument(
        "--request-timeout", type=int, default=300, help="seconds, the sequential client's"
    )
    parser.add_argument(
        "--sequential-budget",
        type=int,
        default=180,
        help="seconds per view for the sequential runs (at least 3 are made)",
    )
    parser.add_argument("--browser-timeout", type=int, default=300)
    parser.add_argument(
        "--memory-limit-mb",
        type=int,
        default=6144,
        help="address-space limit of each gunicorn worker and of the in-process client "
        "(0: none); the machine is shared",
    )
    parser.add_argument("--inprocess-runs", type=int, help="default 3 (1 at 100k)")
    parser.add_argument("--browser-first-runs", type=int, default=5)
    parser.add_argument("--browser-filter-runs", type=int, default=20)
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument(
        "--commit",
        help="measure a clean checkout of this commit (a git worktree under var/bench/) "
        "instead of the working tree, e.g. --commit HEAD",
    )
    parser.add_argument(
        "--no-collectstatic",
        action="store_true",
        help="reuse STATIC_ROOT from an earlier run (collectstatic takes a minute)",
    )
    parser.add_argument(
        "--quiet-load",
        type=float,
        default=1.5,
        help="wait for the 1-minute load average to fall under this before measuring",
    )
    parser.add_argument("--quiet-wait", type=int, default=600, help="seconds to wait at most")
    parser.add_argument(
        "--out", default=str(ROOT / "bench" / "results"), help="folder for the results files"
    )
    parser.add_argument("--tag", default="", help="suffix of the results files' names")
    parser.add_argument(
        "--compare",
        help="at --size 1m: the 100k results (.json) to hold the cold filter change against "
        "(default: the newest *-100k*.json in --out)",
    )
    args = parser.parse_args()
    if args.cold_runs is None:
        # 20 at every size: 10 made the p95 the single slowest run. (It was 10 at 100k while
        # a cold view took seconds; --sequential-budget still bounds a slow one.)
        args.cold_runs = 20
    if args.inprocess_runs is None:
        args.inprocess_runs = 1 if args.size in LARGE else 3
    if args.size in LARGE:  # one request can take a minute there: fewer, bounded samples
        args.sequential_budget = min(args.sequential_budget, 90)
        args.browser_first_runs = min(args.browser_first_runs, 3)
        args.browser_filter_runs = min(args.browser_filter_runs, 5)

    def stop(signum, frame):
        raise SystemExit(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    bench = Bench(args)
    try:
        bench.go()
    finally:
        bench.stop_server()
    name = f"{dt.date.today():%Y-%m-%d}-{args.size}{args.tag}"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results = bench.results
    if args.size == "1m":
        results["compare_100k"] = compare_100k(args.compare or latest_results(out, "100k"))
    results["targets"] = report.targets(results)
    (out / f"{name}.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (out / f"{name}.md").write_text(report.markdown(results))
    log(f"wrote {out / name}.md and .json")


if __name__ == "__main__":
    main()
