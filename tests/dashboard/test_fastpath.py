"""The chart fast path (aipdash/dashboard/fastpath.py): a session the full stack has let through to
a
chart partial gets its next ones without sessions, users and permissions being loaded again,
and loses that the moment who may see what changes."""

import psycopg
import pytest
from django.contrib.auth.models import Group
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from projects.models import Project
from tests.dashboard.test_selectors import portfolio  # noqa: F401 (fixture)

URL = "/charts/capacity_pipeline/?stage=construction"
# Headers that differ between any two responses, whichever path answers.
PER_REQUEST = {"X-Request-ID", "Set-Cookie", "Content-Length"}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """A write whose transaction commits (its on_commit hooks run): the data version changes
    only then (the auth version changes inside the writing transaction, by trigger)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _queries(client, url=URL, **kwargs):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **kwargs)
    return response, [query["sql"] for query in ctx.captured_queries]


def test_the_second_partial_skips_sessions_users_and_permissions(viewer_client, portfolio):  # noqa: F811
    first, first_queries = _queries(viewer_client)
    second, second_queries = _queries(viewer_client)
    assert first.status_code == second.status_code == 200
    assert len(first_queries) > 1  # the full stack: the user and their permissions at least
    # The auth version, by key; the pass, the data version and the block come from the cache.
    assert len(second_queries) == 1
    assert "aipdash_authversion" in second_queries[0]
    assert second.content == first.content
    headers = {k: v for k, v in first.headers.items() if k not in PER_REQUEST}
    assert {k: v for k, v in second.headers.items() if k not in PER_REQUEST} == headers
    assert "Cookie" in second["Vary"]
    assert second["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in second.headers


def test_a_revoked_role_takes_effect_on_the_next_request(
    viewer_client,
    viewer,
    portfolio,  # noqa: F811
    committed,
):
    assert viewer_client.get(URL).status_code == 200
    with committed():
        viewer.groups.remove(Group.objects.get(name="viewer"))
    assert viewer_client.get(URL).status_code == 403


def test_a_deactivated_user_is_out_at_once(viewer_client, viewer, portfolio, committed):  # noqa: F811
    assert viewer_client.get(URL).status_code == 200
    viewer.is_active = False
    with committed():
        viewer.save()
    response = viewer_client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_changed_password_ends_other_sessions(viewer_client, viewer, portfolio, committed):  # noqa: F811
    assert viewer_client.get(URL).status_code == 200
    viewer.set_password("a-new-password-5678")
    with committed():
        viewer.save()
    assert viewer_client.get(URL).status_code == 302


def test_after_logging_out_the_old_cookie_opens_nothing(viewer_client, portfolio, committed):  # noqa: F811
    assert viewer_client.get(URL).status_code == 200
    cookie = viewer_client.cookies["sessionid"].value
    with committed():
        viewer_client.post("/accounts/logout/")
    viewer_client.cookies["sessionid"] = cookie  # someone kept the old cookie
    response = viewer_client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_login_voids_every_pass(viewer_client, editor, portfolio):  # noqa: F811
    """Signing in replaces the session's key: the key it replaces must open nothing either
    (Django saves the user's last_login, and the auth_user trigger replaces the version)."""
    assert viewer_client.get(URL).status_code == 200
    assert _served_by_fastpath(viewer_client.get(URL))
    Client().force_login(editor)
    response = viewer_client.get(URL)
    assert response.status_code == 200
    assert not _served_by_fastpath(response)  # the full stack checked again


def test_a_signed_in_user_without_a_role_never_gets_a_pass(client, django_user_model, portfolio):  # noqa: F811
    client.force_login(django_user_model.objects.create_user("norole", password="x-pass-1234"))
    assert [client.get(URL).status_code for _ in range(3)] == [403, 403, 403]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/charts/capacity_pipeline/?stage=nowhere", 400),
        ("/charts/no_such_chart/", 404),
        ("/charts/capacity_pipeline/?stage=construction&stage=construction", 400),
    ],
)
def test_wrong_requests_get_the_full_stacks_answer(viewer_client, portfolio, url, status):  # noqa: F811
    assert viewer_client.get(URL).status_code == 200  # the session holds a pass
    response = viewer_client.get(url)
    assert response.status_code == status
    if status == 400:
        assert b"Stage" in response.content  # the page names the field


def test_a_write_still_shows_on_the_next_partial(viewer_client, portfolio, committed):  # noqa: F811
    url = "/charts/capacity_pipeline/"
    before = viewer_client.get(url).content
    assert viewer_client.get(url).content == before  # the fast path, warm
    project = Project.objects.get(slug="sao")
    project.capacity_mw += 1000
    with committed():
        project.save()
    after = viewer_client.get(url).content
    assert after != before
    assert "1.2 GW" in after.decode()  # São Paulo: 200 MW + 1,000 MW


# Who may see what, changed past the model's signals: the database itself tells the fast path.


def _served_by_fastpath(response) -> bool:
    return getattr(response.wsgi_request, "fastpath_user_id", None) is not None


def _sql(statement, *params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _group_id(name="viewer"):
    return Group.objects.get(name=name).pk


def _view_project_id():
    from django.contrib.auth.models import Permission

    return Permission.objects.get(codename="view_project", content_type__app_label="projects").pk


SQL_WRITES = {
    # A user deactivated, through the ORM's queryset and in SQL.
    "queryset update is_active": (
        lambda user: type(user).objects.filter(pk=user.pk).update(is_active=False),
        302,
    ),
    "SQL update auth_user": (
        lambda user: _sql("UPDATE auth_user SET is_active = %s WHERE id = %s", False, user.pk),
        302,
    ),
    "SQL password change": (
        lambda user: _sql("UPDATE auth_user SET password = %s WHERE id = %s", "x", user.pk),
        302,
    ),
    # Removed from the group.
    "queryset delete membership": (
        lambda user: user.groups.through.objects.filter(user_id=user.pk).delete(),
        403,
    ),
    "SQL delete auth_user_groups": (
        lambda user: _sql("DELETE FROM auth_user_groups WHERE user_id = %s", user.pk),
        403,
    ),
    # The group deleted, its memberships with it (as the ORM does).
    "queryset delete group": (lambda user: Group.objects.filter(name="viewer").delete(), 403),
    # The group's permission taken away, or the permission itself renamed.
    "SQL delete auth_group_permissions": (
        lambda user: _sql(
            "DELETE FROM auth_group_permissions WHERE group_id = %s AND permission_id = %s",
            _group_id(),
            _view_project_id(),
        ),
        403,
    ),
    "SQL update auth_permission": (
        lambda user: _sql(
            "UPDATE auth_permission SET codename = %s WHERE id = %s", "gone", _view_project_id()
        ),
        403,
    ),
}


@pytest.mark.parametrize("write", SQL_WRITES, ids=list(SQL_WRITES))
def test_a_write_past_the_models_signals_takes_effect_on_the_next_request(
    viewer_client,
    viewer,
    portfolio,  # noqa: F811
    write,
):
    change, status = SQL_WRITES[write]
    assert viewer_client.get(URL).status_code == 200
    assert _served_by_fastpath(viewer_client.get(URL))  # the session holds a pass
    change(viewer)
    response = viewer_client.get(URL)
    assert response.status_code == status
    assert not _served_by_fastpath(response)


def test_a_group_deleted_in_sql_takes_effect_at_once(viewer_client, portfolio):  # noqa: F811
    """The group's row alone (foreign keys are checked at commit, so its memberships can wait)."""
    group = Group.objects.get(name="viewer")
    assert viewer_client.get(URL).status_code == 200
    assert _served_by_fastpath(viewer_client.get(URL))
    _sql("DELETE FROM auth_group WHERE id = %s", group.pk)
    assert viewer_client.get(URL).status_code == 403
    # Back, so that the memberships' foreign keys hold when the test's transaction ends.
    _sql("INSERT INTO auth_group (id, name) VALUES (%s, %s)", group.pk, group.name)


def test_a_direct_permission_taken_away_in_sql_takes_effect_at_once(
    client,
    django_user_model,
    groups,  # the permissions, which a transactional test run before may have flushed
    portfolio,  # noqa: F811
):
    """A user with `view_project` of their own (auth_user_user_permissions), no group."""
    user = django_user_model.objects.create_user("direct", password="x-pass-1234")
    user.user_permissions.add(_view_project_id())
    client.force_login(user)
    assert client.get(URL).status_code == 200
    assert _served_by_fastpath(client.get(URL))
    _sql("DELETE FROM auth_user_user_permissions WHERE user_id = %s", user.pk)
    assert client.get(URL).status_code == 403


def test_a_host_django_would_refuse_is_refused_on_the_fast_path_too(viewer_client, portfolio):  # noqa: F811
    assert viewer_client.get(URL).status_code == 200
    assert _served_by_fastpath(viewer_client.get(URL))
    response = viewer_client.get(URL, HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert not _served_by_fastpath(response)
    forwarded = viewer_client.get(URL, HTTP_X_FORWARDED_HOST="evil.example")
    assert forwarded.status_code == 200  # not trusted (USE_X_FORWARDED_HOST off): ignored


def test_migrate_puts_back_the_triggers_a_rebuilt_table_lost(viewer):
    """SQLite rebuilds a table to alter it, without its triggers: `migrate` puts them back."""
    from django.core.management import call_command

    from aipdash.core.cache import authversion

    authversion.uninstall()
    before = authversion.current()
    type(viewer).objects.filter(pk=viewer.pk).update(is_active=False)
    assert authversion.current() == before  # no trigger: unseen
    call_command("migrate", verbosity=0)
    type(viewer).objects.filter(pk=viewer.pk).update(is_active=True)
    assert authversion.current() not in (before, None)


# One round trip to the database per warm partial (issue 16): the auth version's query is the
# connection's health check too.


def test_the_auth_version_query_is_the_health_check(viewer_client, portfolio, monkeypatch):  # noqa: F811
    assert viewer_client.get(URL).status_code == 200  # the pass
    checks = []
    database = connections["default"]
    real = database.is_usable
    monkeypatch.setattr(database, "is_usable", lambda: checks.append(1) or real())
    database.health_check_done = False  # as a new request leaves it (close_old_connections)
    response = viewer_client.get(URL)
    assert response.status_code == 200 and _served_by_fastpath(response)
    assert checks == []  # no `SELECT 1` before the auth version's query
    assert database.health_check_done  # nor after it, on this request


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no server to lose")
@pytest.mark.django_db(transaction=True)
def test_a_dead_connection_falls_through_to_the_full_stack_which_reconnects(
    viewer_client,
    portfolio,  # noqa: F811
):
    assert viewer_client.get(URL).status_code == 200  # the pass
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    with psycopg.connect(**connection.get_connection_params()) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    response = viewer_client.get(URL)
    assert response.status_code == 200
    assert not _served_by_fastpath(response)  # the fast path's query failed: the full stack
    with connection.cursor() as cursor:  # and the connection is a new one
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
    assert _served_by_fastpath(viewer_client.get(URL))


def test_a_kept_body_is_per_query_and_per_chart(viewer_client, portfolio):  # noqa: F811
    urls = [
        "/charts/capacity_pipeline/",
        "/charts/capacity_pipeline/?stage=construction",
        "/charts/energy_mix/?stage=construction",
    ]
    full = {url: viewer_client.get(url).content for url in urls}  # the full stack's answers
    for _ in range(2):  # the fast path, the second round from the bodies it kept
        for url in urls:
            response = viewer_client.get(url)
            assert _served_by_fastpath(response)
            assert response.content == full[url]
    assert len(set(full.values())) == len(urls)
