"""The chart fast path (aipdash/fastpath.py): a session the full stack has let through to a
chart partial gets its next ones without sessions, users and permissions being loaded again,
and loses that the moment who may see what changes."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import Project
from tests.dashboard.test_selectors import portfolio  # noqa: F401 (fixture)

URL = "/charts/capacity_pipeline/?stage=construction"
# Headers that differ between any two responses, whichever path answers.
PER_REQUEST = {"X-Request-ID", "Set-Cookie", "Content-Length"}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """A write whose transaction commits (its on_commit hooks run): auth and data versions
    change only then."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _queries(client, url=URL, **kwargs):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **kwargs)
    return response, len(ctx.captured_queries)


def test_the_second_partial_skips_sessions_users_and_permissions(viewer_client, portfolio):  # noqa: F811
    first, first_queries = _queries(viewer_client)
    second, second_queries = _queries(viewer_client)
    assert first.status_code == second.status_code == 200
    assert first_queries > 0  # the full stack: the user and their permissions at least
    assert second_queries == 0  # the pass, the data version and the block: all from the cache
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
