"""Server time of the dashboard's views, in process (Django's test client, no HTTP), on
whatever database DATABASE_URL names (the SQLite file of `make run` by default), with
production settings. Cold: the cache emptied before each request; warm: cached payloads.

    PYTHONPATH=. .venv/bin/python bench/dashboard_times.py

Run on purpose, not in CI. The load harness of issue 5 will supersede it.
"""

import os
import statistics
import time

import django

os.environ.update(
    DJANGO_SETTINGS_MODULE="aipdash.settings",
    DEBUG="false",
    SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-" + "x" * 50),
    ALLOWED_HOSTS="testserver",
    SECURE_SSL_REDIRECT="false",
    STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
)
django.setup()

from django.contrib.auth.models import User  # noqa: E402 (after setup)
from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402

VIEWS = [
    ("full page", "/", {}),
    ("filter change (htmx)", "/?stage=construction", {"HTTP_HX_REQUEST": "true"}),
    ("one chart partial", "/charts/project_map/", {}),
    ("CSV export", "/charts/capacity_online.csv", {}),
]


def measure(client, url, headers, *, cold, runs=15):
    times, size = [], 0
    for _ in range(runs):
        if cold:
            cache.clear()
        started = time.perf_counter()
        response = client.get(url, **headers)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        size = len(body)
    return statistics.median(times), size


def main():
    client = Client()
    client.force_login(User.objects.filter(is_superuser=True).first())
    print(f"{'view':24}{'cold p50':>10}{'warm p50':>10}{'bytes':>10}")
    for name, url, headers in VIEWS:
        cold, size = measure(client, url, headers, cold=True)
        warm, _ = measure(client, url, headers, cold=False)
        print(f"{name:24}{cold:8.1f}ms{warm:8.1f}ms{size:10}")


if __name__ == "__main__":
    main()
