"""Connections under load: 8 app processes against one PostgreSQL with max_connections = 50,
directly and through PgBouncer (transaction mode); the connections each uses.

    uv run python bench/pooling.py [--seconds 60] [--clients 32] [--processes 8]
                                   [--report bench/results/DATE-pooling.json]

Everything is its own: a PostgreSQL cluster (initdb, max_connections = 50), a redis-server and
gunicorn (gthread × 4 threads per process, DEBUG off), on free ports. A small portfolio
(ProjectFactory × 20). Each run: --clients client threads, each one HTTP connection sending
requests back to back for --seconds, over the dashboard's chart partials with filters drawn
from 96 combinations (so some are cold), their CSV and /healthz. Every 0.25 s it counts the
server's client backends (pg_stat_activity), by state. Prints and writes the figures.
"""

import argparse
import datetime as dt
import http.client
import json
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from bench.clusters import Cluster, PgBouncer  # noqa: E402
from bench.common import percentile  # noqa: E402
from bench.server import HOST, Gunicorn, production_env  # noqa: E402
from tests.faults.conftest import PrivateRedis  # noqa: E402

DATABASE = "aipdash_pooling"
PASSWORD = "pooling-only-password-4f1a"  # noqa: S105 (a throwaway user of a throwaway cluster)
CHARTS = ("capacity_pipeline", "commitments_by_partner", "energy_mix", "capacity_online")
STAGES = ("", "announced", "development", "construction", "operational", "paused")
YEARS = ("", "2024", "2026", "2028")


def paths():
    chart = secrets.choice(CHARTS)
    query = urllib.parse.urlencode(
        {
            k: v
            for k, v in (("stage", secrets.choice(STAGES)), ("online_from", secrets.choice(YEARS)))
            if v
        }
    )
    return secrets.choice([f"/charts/{chart}/?{query}", f"/charts/{chart}.csv?{query}", "/healthz"])


def login(port):
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    page = response.read().decode()
    cookies = dict(
        c.split(";", 1)[0].split("=", 1) for c in response.headers.get_all("Set-Cookie") or []
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"username": "pooling", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    conn.request(
        "POST",
        "/accounts/login/",
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken']}",
        },
    )
    response = conn.getresponse()
    response.read()
    for c in response.headers.get_all("Set-Cookie") or []:
        name, value = c.split(";", 1)[0].split("=", 1)
        cookies[name] = value
    if response.status != 302:
        raise RuntimeError(f"login answered {response.status}")
    return f"sessionid={cookies['sessionid']}"


def run_load(port, cookie, clients, seconds):
    stop = time.monotonic() + seconds
    results = []  # (status or error, seconds)
    lock = threading.Lock()

    def client():
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        mine = []
        while time.monotonic() < stop:
            path = paths()
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie, "HX-Request": "true"})
                response = conn.getresponse()
                response.read()
                mine.append((response.status, time.perf_counter() - started))
            except (OSError, http.client.HTTPException) as error:
                mine.append((error.__class__.__name__, time.perf_counter() - started))
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=60)
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    return threads, results


def sample_connections(primary, stop_event, samples):
    with psycopg.connect(primary.url("postgres"), autocommit=True) as conn:
        while not stop_event.is_set():
            rows = conn.execute(
                "SELECT state, count(*) FROM pg_stat_activity "
                "WHERE backend_type = 'client backend' AND datname = %s GROUP BY state",
                (DATABASE,),
            ).fetchall()
            samples.append({state or "none": n for state, n in rows})
            time.sleep(0.25)


def measure(name, primary, env, base, args):
    server = Gunicorn(
        dict(env, WEB_CONCURRENCY=str(args.processes), GUNICORN_THREADS="4"),
        name=name,
        log=base / f"gunicorn-{name}.log",
        capture_output=True,
        start_timeout=180,
    )
    server.start()
    try:
        cookie = login(server.port)
        samples, stop_event = [], threading.Event()
        sampler = threading.Thread(target=sample_connections, args=(primary, stop_event, samples))
        sampler.start()
        threads, results = run_load(server.port, cookie, args.clients, args.seconds)
        for thread in threads:
            thread.join()
        stop_event.set()
        sampler.join()
        log_text = server.log.read_text(errors="replace")
    finally:
        server.stop()
    totals = [sum(s.values()) for s in samples]
    latencies = [t for status, t in results if status == 200]
    errors = [status for status, _ in results if status != 200]
    return {
        "requests": len(results),
        "errors": len(errors),
        "error_kinds": sorted({str(e) for e in errors}),
        "too_many_connections_logged": log_text.count("too many clients"),
        "requests_per_second": round(len(results) / args.seconds, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000) if latencies else None,
        "p95_ms": round(percentile(latencies, 95) * 1000) if latencies else None,
        "server_connections_peak": max(totals, default=0),
        "server_connections_mean": round(sum(totals) / len(totals), 1) if totals else 0,
        "active_peak": max((s.get("active", 0) for s in samples), default=0),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--pool-size", type=int, default=10, help="PgBouncer's per database")
    parser.add_argument("--report", type=Path)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="aipdash-pooling-"))
    base.chmod(0o755)
    primary = Cluster(base / "primary")
    bouncer = None
    redis_server = None
    try:
        primary.init()
        primary.start()
        primary.query(f'CREATE DATABASE "{DATABASE}"')
        redis_server = PrivateRedis(base)
        redis_server.start()
        env = production_env(
            DATABASE_URL=primary.url(DATABASE),
            REDIS_URL=redis_server.url,
            CACHE_KEY_PREFIX="aipdash-pooling",
            STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
        )

        def manage(*cmd, **extra):
            subprocess.run(  # noqa: S603
                [sys.executable, ROOT / "manage.py", *cmd],
                cwd=ROOT,
                env=dict(env, **extra),
                check=True,
                capture_output=True,
            )

        manage("migrate", "--no-input")
        manage(
            "shell",
            "-c",
            "from django.contrib.auth.models import User\n"
            "from tests.factories import ProjectFactory\n"
            f"User.objects.create_superuser('pooling', 'p@example.com', '{PASSWORD}')\n"
            "ProjectFactory.create_batch(20)\n",
        )
        manage("apply_session_settings", DATABASE_BEHIND_PGBOUNCER="true")
        report = {
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "load_average_before": Path("/proc/loadavg").read_text().split()[:3],
            "setup": {
                "postgres_max_connections": 50,
                "app_processes": args.processes,
                "threads_per_process": 4,
                "clients": args.clients,
                "seconds": args.seconds,
                "pgbouncer_pool_size": args.pool_size,
            },
        }
        report["direct"] = measure("direct", primary, env, base, args)
        print("direct", report["direct"], flush=True)
        bouncer = PgBouncer(base / "pgbouncer", primary, pool_size=args.pool_size)
        bouncer.start()
        through = dict(env, DATABASE_URL=bouncer.url(DATABASE), DATABASE_BEHIND_PGBOUNCER="true")
        report["pgbouncer"] = measure("pgbouncer", primary, through, base, args)
        print("pgbouncer", report["pgbouncer"], flush=True)
        report["load_average_after"] = Path("/proc/loadavg").read_text().split()[:3]
        if args.report:
            args.report.write_text(json.dumps(report, indent=2) + "\n")
        print(json.dumps(report, indent=2))
    finally:
        if bouncer:
            bouncer.stop()
        if redis_server:
            redis_server.stop()
        primary.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
