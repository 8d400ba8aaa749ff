"""`manage.py prune_jobs`: delete the jobs finished more than JOB_RESULT_DAYS ago, with their
files and queue tasks. Every worker already does this once an hour (worker.py); the command
is for a cron entry where no worker runs for days, and for an administrator in a hurry."""

from typing import Any

from django.core.management.base import BaseCommand

from aipdash.jobs.services import prune_jobs, reap_lost_jobs


class Command(BaseCommand):
    help = "Delete finished jobs older than JOB_RESULT_DAYS; reap jobs whose worker died."

    def handle(self, *args: Any, **options: Any) -> None:
        reaped = reap_lost_jobs()
        pruned = prune_jobs()
        self.stdout.write(f"{pruned} old job(s) pruned, {reaped} lost job(s) reaped.")
