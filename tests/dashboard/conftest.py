import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache. The selectors cache shared parts per (filters, data
    version), and a test's writes never commit (no on_commit, so no new version): without this
    a test could read what an earlier test cached for the same filters."""
    cache.clear()
    yield
    cache.clear()
