"""Limits on the API: requests per user (personal tokens and the session together) and per share
link, counted in the cache (Redis when REDIS_URL is set, as on PostgreSQL runs); over the limit
a 429 with Retry-After and the API's JSON error body, documented in the schema. A share link's
token used on the API counts toward the link's views, as opening the link does."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from rest_framework.request import Request

from aipdash.dashboard.filters import DashboardFilters
from aipdash.sharing import services
from aipdash.sharing.models import ShareLink
from api import tokens
from api.throttling import PerUser

pytestmark = pytest.mark.django_db

CHART = "/api/charts/capacity_pipeline/"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def three_an_hour(settings):
    settings.API_THROTTLE_RATE = "3/hour"
    settings.API_SHARE_LINK_THROTTLE_RATE = "2/hour"


@pytest.fixture
def link(viewer, portfolio):
    return services.create(
        user=viewer,
        label="Board",
        filters=DashboardFilters(country=("US",)),
        open_filters=[],
        days=30,
    )


def statuses(caller, path, times):
    return [caller.get(path).status_code for _ in range(times)]


def assert_throttled(response, rate_seconds):
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= rate_seconds
    body = response.json()
    assert set(body) == {"detail"}  # the API's error shape
    assert f"{response['Retry-After']} seconds" in body["detail"]
    assert response["Content-Type"] == "application/json"


def test_the_defaults_and_that_they_are_counted_in_the_shared_cache(settings):
    assert settings.API_THROTTLE_RATE == "600/hour"
    assert settings.API_SHARE_LINK_THROTTLE_RATE == "600/hour"
    assert settings.CACHES["default"]["BACKEND"] in (
        "aipdash.core.cache.failsoft.FailSoftRedisCache",
        "django.core.cache.backends.locmem.LocMemCache",
    )


def test_a_user_is_limited_across_their_tokens_and_their_session(
    three_an_hour, client, bearer, viewer, portfolio
):
    first = tokens.create(owner=viewer, label="one").secret
    second = tokens.create(owner=viewer, label="two").secret
    assert statuses(bearer(first), CHART, 2) == [200, 200]
    assert bearer(second).get("/api/partners/").status_code == 200
    # A third token, or the session, does not make a new allowance.
    assert_throttled(bearer(second).get(CHART), 3600)
    assert_throttled(bearer(tokens.create(owner=viewer, label="three").secret).get(CHART), 3600)
    client.force_login(viewer)
    assert_throttled(client.get("/api/partners/"), 3600)


def test_each_user_has_an_allowance_of_their_own(three_an_hour, bearer, viewer, editor, portfolio):
    assert statuses(bearer(tokens.create(owner=viewer, label="v").secret), CHART, 4)[-1] == 429
    assert statuses(bearer(tokens.create(owner=editor, label="e").secret), CHART, 3) == [200] * 3


def test_a_share_link_is_limited_on_its_own(three_an_hour, bearer, link, viewer, viewer_token):
    assert statuses(bearer(link.token), CHART, 2) == [200, 200]
    assert_throttled(bearer(link.token).get(CHART), 3600)
    # Its maker's own allowance is untouched.
    assert bearer(viewer_token).get(CHART).status_code == 200


def test_the_count_lives_in_the_cache(three_an_hour, bearer, viewer_token, portfolio):
    assert statuses(bearer(viewer_token), CHART, 4)[-1] == 429
    cache.clear()  # e.g. Redis flushed: the count starts again
    assert bearer(viewer_token).get(CHART).status_code == 200


def test_every_api_answer_to_a_share_link_counts_as_a_view_of_it(bearer, link):
    assert ShareLink.objects.get(pk=link.link.pk).view_count == 0
    assert bearer(link.token).get(CHART).status_code == 200
    assert bearer(link.token).get("/api/charts/").status_code == 200
    # Refused answers (a record, a filter outside its scope) open nothing: not a view.
    assert bearer(link.token).get("/api/partners/").status_code == 403
    assert bearer(link.token).get(CHART, {"country": "FR"}).status_code == 400
    counted = ShareLink.objects.get(pk=link.link.pk)
    assert counted.view_count == 2
    assert counted.last_viewed_at is not None


def test_a_throttled_share_link_answer_is_not_a_view(three_an_hour, bearer, link):
    assert statuses(bearer(link.token), CHART, 3) == [200, 200, 429]
    assert ShareLink.objects.get(pk=link.link.pk).view_count == 2


def test_the_schema_documents_the_429_on_every_operation(viewer_client, portfolio):
    schema = viewer_client.get("/api/schema/", headers={"Accept": "application/json"}).json()
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) >= 12
    for operation in operations:
        throttled = operation["responses"]["429"]
        assert throttled["headers"]["Retry-After"]["schema"] == {"type": "integer"}
        body = throttled["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/Detail"}
    assert "Detail" in schema["components"]["schemas"]


@pytest.mark.parametrize("rate", ["lots", "600/fortnight", "0/hour"])
def test_a_rate_that_is_not_one_stops_the_start_with_a_message(rate):
    started = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**os.environ, "API_THROTTLE_RATE": rate},
        capture_output=True,
        text=True,
        check=False,
    )
    assert started.returncode != 0
    assert f"API_THROTTLE_RATE is “{rate}”" in started.stderr


def test_a_throttle_asked_twice_counts_twice(three_an_hour, viewer):
    """DRF's allow_request() keeps the cache key in the throttle's `key` attribute, so the
    throttle's own helper must not be called `key`: it was, and a throttle asked a second time
    failed with "'str' object is not callable" (found by mypy). DRF makes a throttle per
    request today; one kept across requests must count as well."""
    request = Request(RequestFactory().get(CHART))
    request.user, request.auth = viewer, None  # signed in by session
    throttle = PerUser()
    assert [throttle.allow_request(request, None) for _ in range(4)] == [True, True, True, False]
