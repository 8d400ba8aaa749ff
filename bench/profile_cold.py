"""Where a cold dashboard view's time goes, in process: SQL and Python per chart.

    DATABASE_URL=... REDIS_URL=... SECRET_KEY=... bench/profile_cold.py [--query stage=construction]
        [--runs 5] [--cprofile FILE] [--sql]

Runs the view `/?<query>` as htmx (every chart and the headline, what a filter change
computes) with the cache emptied before each run, and attributes the time to what computed it:
each chart's selector (its SQL, and the Python around it), its card (figure, JSON, table
cells), the headline, the filter options; the rest (templates, pickling and the cache, the
middleware) is "other". Medians over --runs. --cprofile writes the profile of one more run;
--sql prints each query of the last run with its time.
"""

import argparse
import cProfile
import os
import statistics
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# BENCH_APP_ROOT: measure another checkout of the application (a commit, for before and after).
if os.environ.get("BENCH_APP_ROOT"):
    sys.path.insert(0, os.environ["BENCH_APP_ROOT"])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aipdash.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
django.setup()

from django.contrib.auth.models import User  # noqa: E402 (after setup)
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from aipdash.charts import card as card_module  # noqa: E402
from aipdash.core.cache import payloads  # noqa: E402
from aipdash.dashboard import blocks, selectors  # noqa: E402


class Attribution:
    """A stack of labels; SQL time goes to the innermost label, wall time to each label's
    own span (its children's spans taken off)."""

    def __init__(self):
        self.stack = ["other"]
        self.sql = defaultdict(float)
        self.wall = defaultdict(float)
        self.queries = []

    @contextmanager
    def label(self, name):
        self.stack.append(name)
        started = time.perf_counter()
        child_before = self._children
        self._children = 0.0
        try:
            yield
        finally:
            elapsed = time.perf_counter() - started
            self.wall[name] += elapsed - self._children
            self._children = child_before + elapsed
            self.stack.pop()

    _children = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.sql[self.stack[-1]] += elapsed
            self.queries.append((self.stack[-1], elapsed, " ".join(sql.split())))


ATTRIBUTION = None


def wrap(owner, name, label):
    original = getattr(owner, name)

    def wrapped(*args, **kwargs):
        if ATTRIBUTION is None:
            return original(*args, **kwargs)
        with ATTRIBUTION.label(label(*args, **kwargs) if callable(label) else label):
            return original(*args, **kwargs)

    setattr(owner, name, wrapped)


# The charts' selectors (blocks.chart_data calls them through selectors.CHARTS).
for chart_name, function in list(selectors.CHARTS.items()):

    def make(function=function, chart_name=chart_name):
        def timed(filters):
            if ATTRIBUTION is None:
                return function(filters)
            with ATTRIBUTION.label(f"{chart_name}: select"):
                return function(filters)

        return timed

    selectors.CHARTS[chart_name] = make()
wrap(blocks.selectors, "headline", "headline")
wrap(blocks, "_filter_options", "filter options")
wrap(blocks, "card", lambda data, **kw: f"{data.chart}: card")
wrap(card_module, "build", lambda data: f"{data.chart}: card")
wrap(blocks, "render_to_string", "chart block template")


class LabelledCache:
    """The payload cache with its reads and writes labelled (pickling and Redis round trips)."""

    def __init__(self, cache):
        self._cache = cache

    def get(self, *args, **kwargs):
        if ATTRIBUTION is None:
            return self._cache.get(*args, **kwargs)
        with ATTRIBUTION.label("cache get (Redis, unpickle)"):
            return self._cache.get(*args, **kwargs)

    def set(self, *args, **kwargs):
        if ATTRIBUTION is None:
            return self._cache.set(*args, **kwargs)
        with ATTRIBUTION.label("cache set (pickle, Redis)"):
            return self._cache.set(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._cache, name)


payloads.cache = LabelledCache(payloads.cache)


def one_run(client, path, headers):
    global ATTRIBUTION
    cache.clear()
    ATTRIBUTION = Attribution()
    with connection.execute_wrapper(ATTRIBUTION):
        started = time.perf_counter()
        response = client.get(path, **headers)
        total = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{path}: HTTP {response.status_code}")
    result, ATTRIBUTION = ATTRIBUTION, None
    return total, result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--query", default="stage=construction")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cprofile")
    parser.add_argument("--sql", action="store_true")
    parser.add_argument("--page", action="store_true", help="the full page, not the htmx partial")
    args = parser.parse_args()

    client = Client()
    client.force_login(User.objects.filter(is_superuser=True).order_by("pk").first())
    path = f"/?{args.query}" if args.query else "/"
    headers = {} if args.page else {"HTTP_HX_REQUEST": "true"}
    client.get(path, **headers)  # imports, connections, templates loaded
    totals, runs = [], []
    for _ in range(args.runs):
        total, result = one_run(client, path, headers)
        totals.append(total * 1000)
        runs.append(result)
    for total, result in zip(totals, runs, strict=True):
        # What no label took: templates, the cache (pickling, Redis), middleware, the view.
        result.wall["other"] = total / 1000 - sum(result.wall.values())
    labels = sorted({k for r in runs for k in (*r.wall, *r.sql)})
    print(f"{path} (htmx: {not args.page}), {args.runs} cold runs, load {os.getloadavg()[0]:.2f}")
    print(f"whole request: median {statistics.median(totals):.1f} ms, min {min(totals):.1f}")
    print(f"{'part':36}{'wall ms':>9}{'SQL ms':>9}{'Python':>9}{'queries':>9}")
    rows = []
    for label in labels:
        wall = statistics.median(r.wall.get(label, 0) for r in runs) * 1000
        sql = statistics.median(r.sql.get(label, 0) for r in runs) * 1000
        n = len([q for q in runs[-1].queries if q[0] == label])
        rows.append((wall, label, sql, n))
    for wall, label, sql, n in sorted(rows, reverse=True):
        print(f"{label:36}{wall:9.1f}{sql:9.1f}{wall - sql:9.1f}{n:9}")
    sql_total = statistics.median(sum(r.sql.values()) for r in runs) * 1000
    print(f"{'SQL, all':36}{'':9}{sql_total:9.1f}")
    if args.sql:
        for label, elapsed, sql in runs[-1].queries:
            print(f"{elapsed * 1000:8.1f} ms  {label:28} {sql[:400]}")
    if args.cprofile:
        cache.clear()
        profile = cProfile.Profile()
        profile.enable()
        client.get(path, **headers)
        profile.disable()
        profile.dump_stats(args.cprofile)
        print(f"profile written to {args.cprofile}")


if __name__ == "__main__":
    main()
