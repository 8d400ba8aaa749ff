"""`manage.py migrate_jobs`: migrate the jobs' own database when they have one (next to an
SQLite file: aipdash/jobs/router.py); say so and do nothing otherwise (PostgreSQL: `migrate`
did it). `make run` calls it after `migrate`."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from aipdash.jobs.router import JOBS_ALIAS, jobs_database


class Command(BaseCommand):
    help = "Migrate the jobs' database when it is not the portfolio's (SQLite)."

    def handle(self, *args: Any, **options: Any) -> None:
        if jobs_database() != JOBS_ALIAS:
            self.stdout.write("The jobs are in the portfolio's database: nothing to migrate.")
            return
        call_command("migrate", database=JOBS_ALIAS, interactive=False, verbosity=0)
        self.stdout.write("The jobs' database is migrated.")
