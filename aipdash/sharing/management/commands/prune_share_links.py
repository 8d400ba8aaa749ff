"""Delete shared links that expired or were revoked some time ago (run it daily, e.g. cron)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from aipdash.sharing import services as sharing


class Command(BaseCommand):
    help = "Delete shared links expired or revoked more than --days days ago (default 30)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        deleted = sharing.prune(older_than_days=days)
        self.stdout.write(
            f"Deleted {deleted} shared link(s) expired or revoked over {days} days ago."
        )
