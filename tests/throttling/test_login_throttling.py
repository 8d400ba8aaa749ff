"""Login throttling (django-axes, settings "Login throttling"): five failures for one
(username, address) pause sign-in for that pair, with a page that says for how long."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import RequestFactory, override_settings
from django.urls import reverse

from aipdash.core.throttling import client_ip, cooloff_text

pytestmark = pytest.mark.django_db

WRONG = {"username": "viewer", "password": "not-the-password"}
RIGHT = {"username": "viewer", "password": "viewer-pass-1234"}


def attempt(client, credentials, ip="198.51.100.7", url=None):
    return client.post(url or reverse("login"), credentials, REMOTE_ADDR=ip)


def fail(client, times, **kwargs):
    return [attempt(client, WRONG, **kwargs).status_code for _ in range(times)]


def test_the_settings_are_five_failures_and_fifteen_minutes(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert dt.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_four_failures_show_the_form_the_fifth_locks_with_a_clear_page(client, viewer):
    assert fail(client, 4) == [200] * 4
    response = attempt(client, WRONG)
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    html = response.text
    assert "Too many failed sign-ins" in html
    assert "After 5 wrong passwords for <strong>viewer</strong>" in html
    assert "paused for <strong>15 minutes</strong>" in html
    assert "Ask an administrator" in html
    assert 'class="site-header' in html  # the site's own page, not a bare message
    assert AccessAttempt.objects.get(username="viewer").failures_since_start == 5


def test_a_locked_pair_cannot_sign_in_even_with_the_right_password(client, viewer):
    fail(client, 5)
    response = attempt(client, RIGHT)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("portfolio")).status_code == 302  # still signed out


def test_nobody_can_lock_a_colleague_out_from_another_address(client, viewer):
    fail(client, 5, ip="203.0.113.66")
    response = attempt(client, RIGHT, ip="198.51.100.7")
    assert response.status_code == 302
    assert response.url == reverse("dashboard")


def test_another_user_at_the_same_address_is_not_locked(client, viewer, editor):
    fail(client, 5)
    response = attempt(client, {"username": "editor", "password": "editor-pass-1234"})
    assert response.status_code == 302


def test_a_successful_sign_in_clears_the_count(client, viewer):
    fail(client, 4)
    assert attempt(client, RIGHT).status_code == 302
    client.post(reverse("logout"))
    assert fail(client, 4) == [200] * 4  # four more are allowed again


def test_the_pause_ends_after_the_cooloff(client, viewer):
    fail(client, 5)
    AccessAttempt.objects.update(
        attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=15, seconds=1)
    )
    assert attempt(client, RIGHT).status_code == 302


def test_axes_reset_lifts_the_pause_at_once(client, viewer):
    fail(client, 5)
    assert attempt(client, RIGHT).status_code == 429
    call_command("axes_reset", verbosity=0)
    assert AccessAttempt.objects.count() == 0
    assert attempt(client, RIGHT).status_code == 302


def test_the_admin_login_is_throttled_too(client, editor):
    url = reverse("admin:login")
    wrong = {"username": "editor", "password": "wrong", "next": "/admin/"}
    statuses = [attempt(client, wrong, url=url).status_code for _ in range(5)]
    assert statuses == [200] * 4 + [429]
    right = {"username": "editor", "password": "editor-pass-1234", "next": "/admin/"}
    assert attempt(client, right, url=url).status_code == 429


@override_settings(AXES_FAILURE_LIMIT=2, AXES_COOLOFF_TIME=dt.timedelta(hours=1))
def test_limit_and_cooloff_come_from_settings(client, viewer):
    assert fail(client, 2) == [200, 429]
    response = attempt(client, WRONG)
    assert "paused for <strong>1 hour</strong>" in response.text
    assert response["Retry-After"] == "3600"


def test_cooloff_text():
    assert cooloff_text(15) == "15 minutes"
    assert cooloff_text(1) == "1 minute"
    assert cooloff_text(60) == "1 hour"
    assert cooloff_text(150) == "2 hours 30 minutes"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy trusted: the header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # a forged left entry is ignored
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (1, "", "10.0.0.2"),  # not through the proxy: the peer
    ],
)
def test_client_address_behind_trusted_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_a_username_that_normalizing_lengthens_is_refused_not_a_500(client, viewer, url):
    # 150 characters (the field's limit) that NFKC turns into 2,700: Django checks the length
    # first; the throttle then could not store the attempt (PostgreSQL: varchar(255)).
    response = attempt(client, {"username": "\ufdfa" * 150, "password": "x"}, url=url)
    assert response.status_code == 200
    assert "at most 150 characters" in response.text
    assert not AccessAttempt.objects.exists()
