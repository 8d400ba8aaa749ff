"""The Redis cache fails soft (aipdash/core/cache/failsoft.py) and the chart cache never serves a
payload it can't prove current across an outage (aipdash/core/cache/versions.py)."""

import logging
import pickle
import time

import pytest
from django.core.cache import cache

from aipdash.core.cache import failsoft, payloads, versions

from .conftest import free_port

pytestmark = pytest.mark.django_db


def use_redis(settings, url):
    settings.CACHES = {
        "default": {
            "BACKEND": "aipdash.core.cache.failsoft.FailSoftRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "aipdash",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 1},
        }
    }


def stored_version(server):
    raw = server.client().get("aipdash:1:" + versions.VERSION_KEY)
    return None if raw is None else pickle.loads(raw)  # noqa: S301 (our own test Redis)


@pytest.fixture(autouse=True)
def _fresh_datacache_state(monkeypatch):
    """The module's per-process state, as in a newly started process."""
    monkeypatch.setattr(versions._State, "trusted_epoch", failsoft.outage_epoch())
    monkeypatch.setattr(versions._State, "pending_bump", False)
    monkeypatch.setattr(versions._State, "retrying", False)


@pytest.fixture
def dead_redis(settings):
    """A Redis URL where nothing listens: every connection is refused."""
    use_redis(settings, f"redis://127.0.0.1:{free_port()}/0")


def test_settings_use_the_fail_soft_cache_with_short_timeouts(settings):
    # The settings module's own choice when REDIS_URL is set (read from the source: the test
    # run may have no REDIS_URL).
    source = (settings.BASE_DIR / "aipdash" / "settings.py").read_text()
    assert '"BACKEND": "aipdash.core.cache.failsoft.FailSoftRedisCache"' in source
    assert '"socket_connect_timeout": 0.25' in source


def test_unreachable_redis_is_an_empty_cache(dead_redis):
    assert cache.get("k") is None
    assert cache.last_call_failed
    assert cache.get("k", "fallback") == "fallback"
    assert cache.set("k", "v") is None
    assert cache.add("k", "v") is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.delete("k") is False
    assert cache.get_or_set("k", "computed") == "computed"


def test_an_outage_is_logged_once_then_at_most_every_interval(dead_redis, caplog, monkeypatch):
    caplog.set_level(logging.WARNING, logger="aipdash.cache")
    monkeypatch.setattr(failsoft, "RETRY_AFTER", 0.0)  # every call really tries Redis
    for _ in range(200):
        cache.get("k")
    warnings = [r for r in caplog.records if r.name == "aipdash.cache"]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()
    assert "ConnectionError" in warnings[0].getMessage()
    monkeypatch.setattr(failsoft, "LOG_INTERVAL", 0.0)
    cache.get("k")
    later = [r.getMessage() for r in caplog.records if r.name == "aipdash.cache"]
    assert len(later) == 2
    assert "still unreachable" in later[1]
    assert "200 more cache calls served uncached" in later[1]


def test_after_a_failure_redis_is_left_alone_for_a_moment(dead_redis, monkeypatch):
    tried = []
    original = failsoft.RedisCache.get

    def counting_get(self, *args, **kwargs):
        tried.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(failsoft.RedisCache, "get", counting_get)
    started = time.perf_counter()
    for _ in range(50):
        assert cache.get("k") is None
    assert len(tried) == 1  # the other 49 did not wait on the network
    assert time.perf_counter() - started < 0.5


def test_charts_are_computed_and_not_stored_while_redis_is_down(dead_redis):
    computed = []
    for _ in range(3):
        value = payloads.cached("chart:x", "stage=construction", lambda: computed.append(1) or 7)
        assert value == 7
    assert len(computed) == 3
    assert versions.data_version() is None


def test_a_stale_payload_never_comes_back_after_an_outage(settings, private_redis, monkeypatch):
    """Redis with persistence: the version that was current before it stopped is still there
    when it returns, but a write made meanwhile could not replace it."""
    monkeypatch.setattr(versions, "RETRY_BUMP_AFTER", 60)  # no background retry here
    use_redis(settings, private_redis.url)
    assert payloads.cached("chart:x", "f", lambda: "before the write") == "before the write"
    assert payloads.cached("chart:x", "f", lambda: "not computed") == "before the write"
    version_before = versions.data_version()

    private_redis.stop()
    versions._bump()  # a write while Redis is down: its version change fails
    assert versions._State.pending_bump
    assert payloads.cached("chart:x", "f", lambda: "after the write") == "after the write"

    private_redis.start()
    # The old version (and its payload) survived the restart...
    assert stored_version(private_redis) == version_before
    # ...yet the first request after the return reads new figures, and they are cached again.
    time.sleep(failsoft.RETRY_AFTER)
    assert payloads.cached("chart:x", "f", lambda: "after the write") == "after the write"
    assert versions.data_version() != version_before
    assert payloads.cached("chart:x", "f", lambda: "not computed") == "after the write"
    assert not versions._State.pending_bump


def test_a_failed_version_change_lands_by_itself_when_redis_returns(settings, private_redis):
    """The writing process changes the version in the background as soon as Redis answers,
    so that other processes, which saw no failure, stop serving the old payloads."""
    use_redis(settings, private_redis.url)
    version_before = versions.data_version()
    private_redis.stop()
    versions._bump()
    private_redis.start()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and stored_version(private_redis) == version_before:
        time.sleep(0.1)
    assert stored_version(private_redis) not in (None, version_before)
    assert not versions._State.pending_bump


def test_the_cache_is_used_again_once_redis_is_back(settings, private_redis, caplog):
    caplog.set_level(logging.WARNING, logger="aipdash.cache")
    use_redis(settings, private_redis.url)
    cache.set("k", "v")
    private_redis.stop()
    assert cache.get("k") is None
    private_redis.start()
    time.sleep(failsoft.RETRY_AFTER)
    assert cache.get("k") == "v"
    assert not cache.last_call_failed
    messages = [r.getMessage() for r in caplog.records if r.name == "aipdash.cache"]
    assert "reachable again" in messages[-1]


def test_healthz_is_degraded_not_down_without_redis(dead_redis, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"]["ok"] and not body["cache"]["ok"]
