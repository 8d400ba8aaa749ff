"""The navigation's "Jobs" link: shown to a user who has jobs (from the moment one starts, and
after signing in again with the cache empty), not to one who has none."""

import pytest
from django.core.cache import cache
from django.test import Client

from aipdash.jobs.services import start_job
from tests.jobs.conftest import COUNT

pytestmark = pytest.mark.django_db

LINK = 'href="/jobs/"'


def test_the_jobs_link_shows_once_the_user_has_a_job(viewer_client, viewer, editor):
    assert LINK not in viewer_client.get("/portfolio/").content.decode()
    start_job(owner=editor, kind=COUNT, params={})  # someone else's
    assert LINK not in viewer_client.get("/portfolio/").content.decode()
    start_job(owner=viewer, kind=COUNT, params={})
    assert LINK in viewer_client.get("/portfolio/").content.decode()
    page = viewer_client.get("/jobs/").content.decode()
    assert f'{LINK} aria-current="page"' in page

    cache.clear()  # a new sign-in reads it from the database
    client = Client()
    client.force_login(viewer)
    assert LINK in client.get("/portfolio/").content.decode()
