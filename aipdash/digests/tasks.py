"""The digests' work on the worker: the alerts' task, enqueued when a portfolio write commits,
and the scheduler registered as a chore of every worker (every minute)."""

from django.tasks import task

from aipdash.digests import alerts, schedule
from aipdash.jobs.periodic import register

SCHEDULE_EVERY = 60.0  # seconds


@task()
def scan_alerts() -> None:
    """Mail the alerts of the writes committed since the last scan (alerts.scan)."""
    alerts.scan()


def register_chore() -> None:
    register("digests", SCHEDULE_EVERY, schedule.run)
