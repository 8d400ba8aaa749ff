"""Two app servers (gunicorn, production settings) on two ports sharing PostgreSQL and Redis:
what one process does, the other shows on the very next request.

Runs when DATABASE_URL points at PostgreSQL and REDIS_URL is set (CI's first pass); skipped
otherwise. The fixture (conftest.py) creates, migrates and fills a database of its own."""

import csv
import io
import re

import pytest
import requests

from .conftest import PASSWORD
from .forms import form_fields

pytestmark = pytest.mark.multiprocess

CHART = "capacity_pipeline"


def csrf(session, base, path):
    response = session.get(base + path, timeout=30)
    assert response.status_code == 200, (path, response.status_code)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)


def login(base, username, password=PASSWORD, session=None):
    session = session or requests.Session()
    token = csrf(session, base, "/accounts/login/")
    response = session.post(
        f"{base}/accounts/login/",
        {"username": username, "password": password, "csrfmiddlewaretoken": token, "next": "/"},
        allow_redirects=False,
        timeout=30,
    )
    return session, response


def total_mw(session, base):
    """The chart's CSV (its cached payload's rows): the sum of the capacity column."""
    response = session.get(f"{base}/charts/{CHART}.csv", timeout=30)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    return sum(float(row["Capacity (MW)"]) for row in rows)


def test_one_login_serves_both_processes(cluster):
    a, b = cluster.servers
    session, response = login(a.url, "mp-editor")
    assert response.status_code == 302, a.tail()
    # The session lives in PostgreSQL: the other server knows it.
    assert session.get(f"{b.url}/shares/", timeout=30).status_code == 200


def test_an_admin_edit_on_a_is_seen_on_b_at_once(cluster):
    a, b = cluster.servers
    session, _ = login(a.url, "mp-editor")
    pk, slug, old_mw = cluster.query(
        "SELECT id, slug, capacity_mw FROM projects_project "
        "WHERE capacity_mw IS NOT NULL ORDER BY id LIMIT 1"
    )[0]

    # B has the chart cached (the same bytes twice), and so has A.
    partial = f"/charts/{CHART}/"
    before = session.get(b.url + partial, timeout=30).text
    assert session.get(b.url + partial, timeout=30).text == before
    assert session.get(a.url + partial, timeout=30).text == before
    mw_before = total_mw(session, b.url)
    # ...from Redis, shared: one payload, under one data version.
    assert len(cluster.payload_keys(CHART)) == 1
    version_before = cluster.cache_value("aipdash:data-version")

    # The admin's change form on A, submitted as a browser would, with a new capacity.
    change = f"/admin/projects/project/{pk}/change/"
    page = session.get(a.url + change, timeout=30)
    assert page.status_code == 200
    fields = form_fields(page.text, "project_form")
    assert [k for k, _ in fields].count("capacity_mw") == 1
    new_mw = old_mw + 777  # a Decimal, with the field's own decimal places
    fields = [(k, str(new_mw) if k == "capacity_mw" else v) for k, v in fields]
    fields.append(("_save", "Save"))
    response = session.post(a.url + change, data=fields, allow_redirects=False, timeout=30)
    assert response.status_code == 302, re.findall(r"errorlist[^>]*>(.*?)</ul>", response.text)
    assert cluster.query("SELECT capacity_mw FROM projects_project WHERE id = %s", pk)[0][0] == (
        new_mw
    )

    # The very next request on B: the new figure, not the cached one.
    after = session.get(b.url + partial, timeout=30).text
    assert after != before
    assert total_mw(session, b.url) == pytest.approx(mw_before + 777)
    assert total_mw(session, a.url) == pytest.approx(mw_before + 777)
    # A's write replaced the shared data version; B computed and stored a new payload.
    assert cluster.cache_value("aipdash:data-version") != version_before
    assert len(cluster.payload_keys(CHART)) == 2
    project = session.get(f"{b.url}/projects/{slug}/", timeout=30)
    assert project.status_code == 200


def test_a_link_revoked_on_a_is_dead_on_b_at_once(cluster):
    a, b = cluster.servers
    session, _ = login(a.url, "mp-editor")
    token = csrf(session, a.url, "/shares/new/?stage=construction")
    issued = session.post(
        f"{a.url}/shares/new/",
        {
            "label": "multi-process",
            "days": "7",
            "view": "stage=construction",
            "csrfmiddlewaretoken": token,
        },
        timeout=30,
    )
    assert issued.status_code == 200
    url = re.search(r'id="share-url"[^>]*value="([^"]+)"', issued.text).group(1)
    path = re.sub(r"^https?://[^/]+", "", url)
    anonymous = requests.Session()
    assert anonymous.get(b.url + path, timeout=30).status_code == 200
    assert anonymous.get(a.url + path, timeout=30).status_code == 200

    pk = cluster.query("SELECT id FROM aipdash_sharelink WHERE label = 'multi-process'")[0][0]
    token = csrf(session, a.url, "/shares/")
    revoked = session.post(
        f"{a.url}/shares/{pk}/revoke/",
        {"csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=30,
    )
    assert revoked.status_code == 302
    gone = anonymous.get(b.url + path, timeout=30)
    assert gone.status_code == 410
    assert "no longer valid" in gone.text
    assert anonymous.get(a.url + path, timeout=30).status_code == 410


def test_failed_logins_are_counted_across_both_servers(cluster):
    a, b = cluster.servers
    statuses = []
    for i in range(5):
        server = (a, b)[i % 2]
        _, response = login(server.url, "mp-viewer", password="wrong-password")
        statuses.append((server.name, response.status_code))
    # Three failures on A and two on B: locked at the fifth, not at five per process.
    assert statuses == [("a", 200), ("b", 200), ("a", 200), ("b", 200), ("a", 429)]
    for server in (a, b):
        _, response = login(server.url, "mp-viewer")  # the right password, still paused
        assert response.status_code == 429
        assert "Too many failed sign-ins" in response.text
    # Only that (username, address) pair is paused: a colleague at the same address is not.
    _, response = login(b.url, "mp-editor")
    assert response.status_code == 302
    # One shared record: five failures, and the two tries while paused (each restarts the pause).
    assert cluster.query("SELECT sum(failures_since_start) FROM axes_accessattempt")[0][0] == 7


def test_who_may_see_what_changed_in_sql_is_seen_by_both_fast_paths_at_once(cluster):
    """Chart partials answered past the session and user middleware (aipdash/dashboard/fastpath.py)
    still see a user deactivated in SQL on the next request, on either server, and refuse a
    host Django refuses."""
    cluster.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User\n"
        f"User.objects.create_superuser('mp-fast', 'mp-fast@example.com', '{PASSWORD}')\n",
    )
    a, b = cluster.servers
    session, response = login(a.url, "mp-fast")
    assert response.status_code == 302
    partial = f"/charts/{CHART}/"
    for server in (a, b, a, b):  # the first earns the pass (in Redis, for both servers)
        response = session.get(server.url + partial, timeout=30, allow_redirects=False)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"
    foreign = session.get(
        b.url + partial, headers={"Host": "evil.example"}, timeout=30, allow_redirects=False
    )
    assert foreign.status_code == 400

    # A queryset's update() in another process: one UPDATE statement, no model signal.
    cluster.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User\n"
        "User.objects.filter(username='mp-fast').update(is_active=False)\n",
    )
    for server in (b, a):
        response = session.get(server.url + partial, timeout=30, allow_redirects=False)
        assert response.status_code == 302
        assert "/accounts/login/" in response.headers["Location"]
