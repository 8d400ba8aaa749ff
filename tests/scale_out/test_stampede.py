"""One computation per cold view (aipdash/core/cache/payloads.py): 32 simultaneous cold requests
for one chart, threads against a live server, run its aggregation once; the others wait for its
stored result. Counted at the selector the view calls, which still runs for real."""

import threading
import time
import urllib.request

import pytest
from django.db import connection
from django.test import Client

from aipdash.core.cache import failsoft, payloads, versions
from aipdash.dashboard import selectors
from tests.faults.test_cache_failsoft import use_redis

# Explicit, so that tests/conftest.py makes it roll back by serialization like every live server.
pytestmark = pytest.mark.django_db(transaction=True)
REQUESTS = 32
CHART = "commitments_by_partner"
# Long enough that every request arrives while the first is still computing, as at 1M
# commitments (0.4-1 s a view on this machine).
SLOW = 1.0


@pytest.fixture
def counted_chart(monkeypatch):
    if connection.vendor == "sqlite":
        pytest.skip(
            "the live server shares one in-memory SQLite connection among its threads: 32 at "
            "once misuse it (InterfaceError); concurrent requests are PostgreSQL's shape"
        )
    calls = []
    original = selectors.CHARTS[CHART]

    def slow_and_counted(filters):
        calls.append(threading.get_ident())
        time.sleep(SLOW)
        return original(filters)

    monkeypatch.setitem(selectors.CHARTS, CHART, slow_and_counted)
    return calls


def cold_requests(live_server, viewer):
    client = Client()
    client.force_login(viewer)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    url = f"{live_server.url}/charts/{CHART}/?stage=construction"
    barrier = threading.Barrier(REQUESTS)
    answers: list[tuple[int, bytes]] = []

    def one():
        request = urllib.request.Request(url, headers={"Cookie": cookie, "HX-Request": "true"})  # noqa: S310
        barrier.wait()
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (our server)
            answers.append((response.status, response.read()))

    threads = [threading.Thread(target=one) for _ in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    return answers


@pytest.fixture
def redis_cache(private_redis, settings, monkeypatch):
    use_redis(settings, private_redis.url)
    # This process as newly started against this Redis (an earlier test's outage in the same
    # process would otherwise have the first requests replace the data version).
    monkeypatch.setattr(versions.DATA, "trusted_epoch", failsoft.outage_epoch())
    monkeypatch.setattr(versions.DATA, "pending_bump", False)
    # The lock is under test here, not the fail-soft timeouts: on a loaded machine 64 threads
    # in one process can wait over a second for Redis's reply, which production's 1 s timeout
    # counts as Redis down (then each request computes, as it must when Redis is gone).
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 10},
        }
    }


def test_32_cold_requests_compute_the_view_once(redis_cache, live_server, viewer, counted_chart):
    answers = cold_requests(live_server, viewer)
    assert [status for status, _ in answers] == [200] * REQUESTS
    assert len({body for _, body in answers}) == 1  # all got the one computed block
    assert len(counted_chart) == 1


def test_without_the_lock_each_request_computes(
    redis_cache, live_server, viewer, counted_chart, monkeypatch
):
    # The control: a waiter that gives up at once computes itself, as every request did before
    # the lock; so the count above is the lock's doing, not the timing's.
    monkeypatch.setattr(payloads, "LOCK_WAIT", 0.0)
    answers = cold_requests(live_server, viewer)
    assert [status for status, _ in answers] == [200] * REQUESTS
    assert len(counted_chart) > REQUESTS // 2


def test_with_redis_down_every_request_still_answers(
    dead_redis, live_server, viewer, counted_chart
):
    # No cache, no lock: each request computes (uncached), none waits or fails.
    answers = cold_requests(live_server, viewer)
    assert [status for status, _ in answers] == [200] * REQUESTS
    assert len(counted_chart) == REQUESTS
