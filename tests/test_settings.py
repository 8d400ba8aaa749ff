"""Settings come from the environment and fail fast in production."""

import os
import secrets
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    # Only what a production host would have: none of the test suite's own settings.
    test_only = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL_REDIRECT"}
    base = {k: v for k, v in os.environ.items() if k not in test_only}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production_env():
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "aip.example.com",
        "SECURE_SSL_REDIRECT": "true",
        "EMAIL_URL": "smtp+tls://aipdash:change-me@smtp.example.com:587",
    }


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", **production_env())
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_check_deploy_refuses_production_without_a_mail_server():
    """The console backend (EMAIL_URL's default, for `make run`) sends no mail: Django 6.1's
    deployment check refuses it, so the release unit stops before such a deploy."""
    env = {k: v for k, v in production_env().items() if k != "EMAIL_URL"}
    result = manage("check", "--deploy", **env)
    assert result.returncode != 0
    assert "mail.E001" in result.stderr + result.stdout


def test_secret_key_is_required_when_debug_is_off():
    result = manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_healthz_reports_database_and_cache_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["cache"]["ok"]
    assert response["Cache-Control"].startswith("max-age=0")


def test_every_response_carries_the_strict_csp(client):
    response = client.get("/healthz")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-eval" not in policy and "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_healthz_is_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/password_reset/", "/accounts/password_change/"])
def test_no_password_reset_pages_without_email(client, path):
    assert client.get(path).status_code in (302, 404)
