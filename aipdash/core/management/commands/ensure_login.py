"""Make sure a first run has a login, and print where and how to log in.

The first call creates a superuser with a random password and keeps the password in a file
under var/ (git-ignored, readable by its owner only) so that later runs can print it again.
Later calls change nothing. Once the password was changed (in the admin or with
`changepassword`), the kept one is stale: it is not printed, and the output says how to set a
new one.
"""

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Create the first-run login if missing and print URL, user name and password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args: Any, username: str, url: str, **options: Any) -> None:
        User = get_user_model()
        password_file = settings.VAR_DIR / f"{username}.password"
        user = User.objects.filter(username=username).first()
        set_new_one = f"set a new one with: manage.py changepassword {username}"
        if user is None:
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser(username, email="", password=password)
            settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
            password_file.touch(mode=0o600)
            password_file.chmod(0o600)  # also when the file was there before
            password_file.write_text(password + "\n")
        elif not password_file.exists():
            password = f"(unchanged; {set_new_one})"
        else:
            password = password_file.read_text().strip()
            if not user.check_password(password):
                password = f"(changed since the first run, so not shown; {set_new_one})"

        self.stdout.write(
            self.style.SUCCESS("\nAIP Dashboard is starting.\n")
            + f"  Open:     {url}\n"
            + f"  User:     {username}\n"
            + f"  Password: {password}\n"
            + f"  Admin:    {url}admin/\n"
        )
