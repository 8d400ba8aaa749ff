"""The past version (the cache token of past days' views, aipdash/core/cache/versions.py) is
read anew by each request, like the data version: a thread that kept the token of an earlier
request would serve past views cached before another process wrote history into the past."""

import pytest
from django.core.cache import cache

from aipdash.core.cache import versions

pytestmark = pytest.mark.django_db


def test_each_request_reads_the_past_version_anew():
    versions._request_started()
    first = versions.past_version()
    assert versions.past_version() == first  # read once per request
    versions._request_finished()

    cache.set(versions.PAST.key, "replaced-by-another-process", timeout=None)
    versions._request_started()
    try:
        assert versions.past_version() == "replaced-by-another-process"
    finally:
        versions._request_finished()
