import pytest
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture
def demo(live_server, viewer, editor):
    """The demo data behind a live server; the viewer and editor exist."""
    cache.clear()
    call_command("load_demo", verbosity=0)
    return live_server.url
