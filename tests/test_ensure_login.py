"""ensure_login: the first-run login, printed again on later runs until the password changes."""

import stat
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


def ensure_login():
    out = StringIO()
    call_command("ensure_login", "--url", "http://127.0.0.1:8000/", stdout=out)
    return out.getvalue()


def printed_password(output):
    return next(
        line.split("Password:", 1)[1].strip() for line in output.splitlines() if "Password:" in line
    )


def test_the_first_run_creates_the_login_and_prints_it(var_dir):
    output = ensure_login()

    password = printed_password(output)
    user = User.objects.get(username="admin")
    assert user.is_superuser and user.is_staff
    assert user.check_password(password)
    assert "  Open:     http://127.0.0.1:8000/" in output
    assert "  User:     admin" in output
    assert "  Admin:    http://127.0.0.1:8000/admin/" in output
    password_file = var_dir / "admin.password"
    assert password_file.read_text() == password + "\n"
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600


def test_a_second_run_prints_the_same_login_and_changes_nothing():
    first = printed_password(ensure_login())
    hashed = User.objects.get(username="admin").password

    assert printed_password(ensure_login()) == first
    assert User.objects.count() == 1
    assert User.objects.get(username="admin").password == hashed


def test_after_a_password_change_it_is_not_printed(var_dir):
    first = printed_password(ensure_login())
    user = User.objects.get(username="admin")
    user.set_password("a-password-of-my-own")
    user.save()

    output = ensure_login()

    assert first not in output
    assert printed_password(output) == (
        "(changed since the first run, so not shown; set a new one with: "
        "manage.py changepassword admin)"
    )
    assert User.objects.get(username="admin").check_password("a-password-of-my-own")


def test_a_user_made_otherwise_keeps_its_password(var_dir):
    User.objects.create_superuser("admin", password="chosen-by-hand")

    output = ensure_login()

    assert "chosen-by-hand" not in output
    assert "set a new one with: manage.py changepassword admin" in output
    assert not (var_dir / "admin.password").exists()
