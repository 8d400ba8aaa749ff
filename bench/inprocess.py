"""The in-process half of bench/run: Django's test client against the bench database and cache.

    bench/inprocess.py --user bench --token TOKEN --out FILE [--floor-dir DIR] [--runs 3]

Run by bench/harness.py with the same environment as the server (DEBUG off, DATABASE_URL,
REDIS_URL), plus `testserver` in ALLOWED_HOSTS. For every view of bench/common.py, cold (the
cache emptied first) and warm (cached): the number of database queries (CaptureQueriesContext),
the rows those queries returned to Python (cursor.rowcount after each execute), the SQL time,
the calls to the Redis cache, the whole time in process (no HTTP), the body size raw and what
gzip and brotli would make of it.
For every chart, cold, where its time goes: the selector (SQL and rows to dicts), the figure
builder, the JSON encoding. With --floor-dir, the warm body of each chart partial is written there
as `<chart>.html`: the static floor that the server then serves through WhiteNoise.
"""

import argparse
import gzip
import json
import os
import pickle
import statistics
import sys
import time
from pathlib import Path

import brotli
import django

# bench.common from this folder's parent; the application from BENCH_APP_ROOT (a clean
# checkout of a commit, see harness.py --commit) when set, so that it wins for `aipdash`.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import FILTER_QUERY, views, wsgi_headers

if os.environ.get("BENCH_APP_ROOT"):
    sys.path.insert(0, os.environ["BENCH_APP_ROOT"])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aipdash.settings")
django.setup()

from django.contrib.auth.models import User  # noqa: E402 (after setup)
from django.core.cache import cache  # noqa: E402
from django.core.serializers.json import DjangoJSONEncoder  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils.html import _json_script_escapes  # noqa: E402

from aipdash.charts import card  # noqa: E402
from aipdash.charts.build import build  # noqa: E402
from aipdash.dashboard import blocks as dashboard  # noqa: E402
from aipdash.dashboard import selectors  # noqa: E402
from aipdash.dashboard.filters import DashboardFilters  # noqa: E402


class CacheOps:
    """Calls to the Redis cache backend per request (each a network round trip)."""

    NAMES = ("get", "set", "add", "get_many", "set_many", "delete", "incr", "touch")

    def __init__(self):
        self.count = 0
        from django.core.cache.backends.redis import RedisCache

        for name in self.NAMES:
            self._wrap(RedisCache, name)

    def _wrap(self, cls, name):
        original = getattr(cls, name)

        def counted(backend, *args, **kwargs):
            self.count += 1
            return original(backend, *args, **kwargs)

        setattr(cls, name, counted)


CACHE_OPS = CacheOps()


class RowCounter:
    """connection.execute_wrapper: rows each query handed to Python (psycopg sets rowcount for
    a SELECT once executed; Django fetches every row of a non-iterator query)."""

    def __init__(self):
        self.per_query = []
        self.largest_sql = ""

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        rowcount = getattr(context["cursor"], "rowcount", -1)
        rows = rowcount if sql.lstrip().upper().startswith("SELECT") and rowcount > 0 else 0
        if rows > max(self.per_query, default=0):
            self.largest_sql = " ".join(sql.split())[:300]
        self.per_query.append(rows)
        return result


def body_of(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def one_request(client, view, *, cold):
    if cold:
        cache.clear()
    counter = RowCounter()
    cache_ops_before = CACHE_OPS.count
    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(counter):
        started = time.perf_counter()
        response = client.get(view["path"], **wsgi_headers(view["headers"]))
        body = body_of(response)
        elapsed = (time.perf_counter() - started) * 1000
    return {
        "status": response.status_code,
        "ms": elapsed,
        "queries": len(queries.captured_queries),
        "sql_ms": sum(float(q["time"]) for q in queries.captured_queries) * 1000,
        "rows": sum(counter.per_query),
        "max_rows_one_query": max(counter.per_query, default=0),
        "largest_query": counter.largest_sql,
        "cache_ops": CACHE_OPS.count - cache_ops_before,
        "body": body,
    }


def measure_view(client, view, runs):
    result = {}
    for state in ("cold", "warm"):
        samples = []
        for _ in range(runs):
            samples.append(one_request(client, view, cold=state == "cold"))
        last = samples[-1]
        if last["status"] != 200:
            raise SystemExit(f"{view['path']}: HTTP {last['status']} in process")
        result[state] = {
            "ms_median": statistics.median(s["ms"] for s in samples),
            "sql_ms_median": statistics.median(s["sql_ms"] for s in samples),
            "queries": last["queries"],
            "rows": last["rows"],
            "max_rows_one_query": last["max_rows_one_query"],
            "largest_query": last["largest_query"],
            "cache_ops": last["cache_ops"],
        }
    body = last["body"]
    result["bytes"] = {
        "raw": len(body),
        "gzip": len(gzip.compress(body, compresslevel=6)),
        "brotli": len(brotli.compress(body, quality=4)),
    }
    return result, body


def chart_breakdown(name, filters, runs):
    """Cold cost of one chart's payload, step by step (what dashboard._build does)."""
    steps = {"select": [], "build": [], "json": [], "cells": [], "pickle": []}
    rows = figure_bytes = pickled = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        data = selectors.CHARTS[name](filters)
        t1 = time.perf_counter()
        figure = build(data)
        t2 = time.perf_counter()
        text = json.dumps(figure, cls=DjangoJSONEncoder, separators=(",", ":"))
        text = text.translate(_json_script_escapes)
        t3 = time.perf_counter()
        cells = tuple(
            tuple(card.cell(c, row.get(c.key)) for c in data.columns) for row in data.rows
        )
        block = card.ChartCard(
            data=data,
            figure_json=text,
            drawable=bool(figure["data"]),
            header=tuple(card.header(c) for c in data.columns),
            cells=cells,
            rows_total=len(data.rows),
            filename="",
        )
        t4 = time.perf_counter()
        pickled = len(pickle.dumps(block, pickle.HIGHEST_PROTOCOL))
        t5 = time.perf_counter()
        steps["select"].append((t1 - t0) * 1000)
        steps["build"].append((t2 - t1) * 1000)
        steps["json"].append((t3 - t2) * 1000)
        steps["cells"].append((t4 - t3) * 1000)
        steps["pickle"].append((t5 - t4) * 1000)
        rows, figure_bytes = len(data.rows), len(text.encode())
    out = {f"{step}_ms": statistics.median(values) for step, values in steps.items()}
    out.update(rows=rows, figure_json_bytes=figure_bytes, pickled_bytes=pickled)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--user", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--floor-dir")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    client = Client()
    client.force_login(User.objects.get(username=args.user))
    chart_names = list(dashboard.CHART_NAMES)
    measured = {}
    floor = {}
    for view in views(chart_names, args.token):
        started = time.perf_counter()
        try:
            measured[view["key"]], body = measure_view(client, view, args.runs)
        except MemoryError as error:  # under bench/run's --memory-limit-mb
            print(f"  in process {view['key']}: {error!r}", file=sys.stderr)
            measured[view["key"]] = {"error": repr(error)}
            continue
        cold = measured[view["key"]]["cold"]["ms_median"]
        print(
            f"  in process {view['key']:32} cold {cold:8.1f} ms"
            f"  {time.perf_counter() - started:6.1f} s",
            file=sys.stderr,
        )
        if args.floor_dir and "chart" in view:
            path = Path(args.floor_dir) / f"{view['chart']}.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
            floor[view["chart"]] = {"file": path.name, "bytes": len(body)}

    filters_all = DashboardFilters()
    filters_stage = DashboardFilters.from_query(
        QueryDict(FILTER_QUERY), partner_slugs=dashboard.partner_slugs()
    )
    breakdown = {}
    for label, filters in (("all", filters_all), ("filtered", filters_stage)):
        breakdown[label] = {name: chart_breakdown(name, filters, args.runs) for name in chart_names}
        for extra, compute in (
            ("headline", lambda f=filters: selectors.headline(f)),
            ("filter_options", dashboard._filter_options),
        ):
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                compute()
                times.append((time.perf_counter() - t0) * 1000)
            breakdown[label][extra] = {"select_ms": statistics.median(times)}

    Path(args.out).write_text(
        json.dumps(
            {
                "chart_names": chart_names,
                "views": measured,
                "breakdown": breakdown,
                "floor": floor,
                "runs": args.runs,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
