import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache

from aipdash.core.cache import versions
from aipdash.dashboard.filters import DashboardFilters
from aipdash.records.grants import ensure_groups
from aipdash.sharing import services
from tests.browser.helpers import admin_sign_in, watch
from tests.factories import PASSWORDS


def _a_database_and_a_cache_per_worker() -> None:
    """Under pytest-xdist (`make test` runs the suite in two processes), each worker process
    has a PostgreSQL database name and a Redis database of its own: tests clear the cache and
    create and drop scratch databases named after DATABASE_URL's (tests/jobs/scratch.py,
    tests/multiprocess/), which two workers must not share. pytest-django already gives each
    worker its own test database (test_<name>_gw0). Worker gwN uses Redis database
    (REDIS_URL's + 1 + N) mod 16: CI's 15 gives 0 and 1. The environment carries both to the
    servers and workers the tests start; this process's cache is not connected yet (settings
    are read, no cache has been used), so its LOCATION changes with it."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return
    number = int(worker.removeprefix("gw"))
    if database_url := os.environ.get("DATABASE_URL", ""):
        parts = urlsplit(database_url)
        if parts.scheme.startswith("postgres"):
            name = f"{parts.path.lstrip('/')}_{worker}"
            os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + name))
    if redis_url := os.environ.get("REDIS_URL", ""):
        parts = urlsplit(redis_url)
        base = int(parts.path.lstrip("/") or 0)
        mine = urlunsplit(parts._replace(path=f"/{(base + 1 + number) % 16}"))
        os.environ["REDIS_URL"] = settings.REDIS_URL = mine
        settings.CACHES["default"]["LOCATION"] = mine


_a_database_and_a_cache_per_worker()

CHROMIUM = "/usr/bin/chromium"
# Not test-results/: pytest-playwright empties that folder at the start of every session.
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-screenshots"


def pytest_collection_modifyitems(items):
    """Every transactional test (browser tests, live servers) rolls back by serialization.

    Django's flush after a transactional test re-creates content types and permissions (a
    post_migrate signal) unless the test rolls back by serialization; a later test that does
    then loads the serialized ones on top: a duplicate key on django_content_type. In a random
    order (pytest-randomly) any two such files could meet, so all of them roll back the same way.
    """
    for item in items:
        _with_the_jobs_database(item)
        marker = item.get_closest_marker("django_db")
        if marker is not None:
            transaction = marker.kwargs.get("transaction", marker.args[0] if marker.args else False)
            if not transaction or marker.kwargs.get("serialized_rollback"):
                continue
            kwargs = {**marker.kwargs, "transaction": True, "serialized_rollback": True}
        elif {"live_server", "transactional_db"} & set(getattr(item, "fixturenames", ())):
            kwargs = {"transaction": True, "serialized_rollback": True}
        else:
            continue
        item.add_marker(pytest.mark.django_db(**kwargs), append=False)


def _with_the_jobs_database(item):
    """Every database test may reach the job tables, which live in a database of their own
    next to SQLite (aipdash/jobs/router.py): every test gets every database ("__all__": with
    PostgreSQL, that is the one)."""
    marker = item.get_closest_marker("django_db")
    uses_db = {"live_server", "transactional_db", "db"} & set(getattr(item, "fixturenames", ()))
    if marker is None and not uses_db:
        return
    kwargs = dict(marker.kwargs) if marker is not None else {}
    if marker is not None and marker.args:
        kwargs.setdefault("transaction", marker.args[0])
    if "databases" in kwargs:
        return
    item.add_marker(pytest.mark.django_db(**kwargs, databases="__all__"), append=False)


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests render templates without a collectstatic step (no manifest)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _no_request_left_open():
    """A streamed response the test client never reads to its end never sends request_finished,
    so the cache's per-request state (the data version read, the payloads seen) would carry into
    the next test as if it ran inside that request. A server always closes its responses."""
    versions._request_finished()
    yield
    versions._request_finished()


@pytest.fixture(autouse=True)
def _content_types_as_the_database_has_them():
    """ContentType's cache lives as long as the process; a test that migrates
    (tests/audit/test_migrations.py) gives the types new ids, and the rollback after it restores
    the old ones: a type cached meanwhile would point at a row that is gone (the admin's log
    then breaks its foreign key)."""
    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache. Chart data is cached per (filters, data version),
    and a test's writes never commit (no on_commit, so no new version): without this a test
    could read what an earlier test cached for the same filters."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def session_queries(settings) -> int:
    """Queries a signed-in request spends reading its session: none where sessions are read
    from the cache (REDIS_URL set: the cached_db engine), one from the database otherwise."""
    return 0 if settings.SESSION_ENGINE.endswith(".cached_db") else 1


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2's deliberate slowness costs a second per test user; it is not under test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def groups(db):
    """The groups of the data migration (and the permissions they hold); a transactional test
    flushes them, and its serialized rollback restores them only when the next such test starts:
    a plain test after it in the same process (pytest-xdist runs each module whole, so the
    transactional tests are not all last) must make sure."""
    ensure_groups()


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under test-screenshots/ for a person to look at."""

    def take(name, of=None, element=None):
        """`of`: another page (a second browser context) instead of the test's own; `element`:
        a locator, to save that element alone (a chart with its hover label, say)."""
        SCREENSHOTS.mkdir(exist_ok=True)
        if element is not None:
            element.screenshot(path=SCREENSHOTS / f"{name}.png")
        else:
            (of or page).screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    return take


@pytest.fixture
def viewer(db, groups):
    user = User.objects.create_user("viewer", password=PASSWORDS["viewer"])
    user.groups.add(Group.objects.get(name="viewer"))
    return user


@pytest.fixture
def gip_link(viewer, portfolio):
    """A share link to GIP's and MGX's view of US projects; the viewer may narrow the partner.
    `portfolio` is the demo-like portfolio of tests/dashboard/test_selectors.py, which the
    modules that use this link import."""
    return services.create(
        user=viewer,
        label="Investment committee",
        filters=DashboardFilters(partner=("gip", "mgx"), country=("US",)),
        open_filters=["partner"],
        days=30,
    )


@pytest.fixture
def editor(db, groups):
    user = User.objects.create_user("editor", password=PASSWORDS["editor"], is_staff=True)
    user.groups.add(Group.objects.get(name="editor"))
    return user


@pytest.fixture
def editor_page(page, live_server, editor):
    """Chromium, the editor signed in to the admin; CSP violations watched (csp_violations),
    console errors and uncaught exceptions in page.problems."""
    watch(page)
    return admin_sign_in(page, live_server.url, editor.username, PASSWORDS["editor"])


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, without the background traffic this closed network refuses."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }
