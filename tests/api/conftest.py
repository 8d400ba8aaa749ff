import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from api import tokens
from tests.dashboard.test_selectors import portfolio  # noqa: F401 (fixture)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.fixture
def viewer_token(viewer):
    """A personal API token of the viewer: its secret."""
    return tokens.create(owner=viewer, label="script").secret


@pytest.fixture
def bearer(client):
    """GET with a bearer token: bearer(secret).get(url, params)."""

    class Bearer:
        def __init__(self, secret):
            self.headers = {"Authorization": f"Bearer {secret}"}

        def get(self, url, data=None):
            return client.get(url, data, headers=self.headers)

    return Bearer


@pytest.fixture
def no_role_user(db, groups):
    return User.objects.create_user("nobody", password="nobody-pass-1234")
