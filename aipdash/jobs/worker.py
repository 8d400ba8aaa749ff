"""The worker: django-tasks-db's database worker, with the chores of our jobs beside it.

django-tasks-db's `Worker` takes each task with `SELECT ... FOR UPDATE SKIP LOCKED` and marks
it running in the same transaction (SQLite: an exclusive transaction), so one task goes to one
worker however many run. It does not notice a worker that died mid-task (its task stays
"running"): our jobs carry their own lease (runner.py), and every worker runs `Chores` in a
thread: the reaper every JOB_LEASE_SECONDS / 3 seconds, the pruning of old jobs every hour
(services.py), and the chores features register (periodic.py: the digests' scheduler). All are
idempotent, so any number of workers may run them.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, OperationalError, close_old_connections, connections
from django_tasks_db.management.commands.db_worker import Worker

from aipdash.jobs.periodic import CHORES
from aipdash.jobs.services import prune_jobs, reap_lost_jobs

logger = logging.getLogger("aipdash.jobs")

PRUNE_EVERY = 60 * 60.0  # seconds


class Chores(threading.Thread):
    """Reaps lost jobs and prunes old ones until the worker stops."""

    def __init__(self) -> None:
        super().__init__(name="job-chores", daemon=True)
        self.stopped = threading.Event()
        # At most 10 s, so a chore due every minute runs within 10 s of being due.
        self.interval = min(10.0, max(1.0, settings.JOB_LEASE_SECONDS / 3))
        self.pruned_at = 0.0
        self.ran_at: dict[str, float] = {}

    def run(self) -> None:
        try:
            while True:
                self.once()
                if self.stopped.wait(self.interval):
                    return
        finally:
            connections.close_all()

    def once(self) -> None:
        close_old_connections()
        try:
            reap_lost_jobs()
            if time.monotonic() - self.pruned_at >= PRUNE_EVERY or not self.pruned_at:
                prune_jobs()
                self.pruned_at = time.monotonic()
        except DatabaseError:
            logger.exception("job chores: the database failed; trying again later")
        for chore in list(CHORES.values()):
            if time.monotonic() - self.ran_at.get(chore.name, -chore.every) < chore.every:
                continue
            self.ran_at[chore.name] = time.monotonic()
            try:
                chore.run()
            except Exception:  # one chore's failure must not stop the others or the reaper
                logger.exception("chore %s failed; it runs again when next due", chore.name)
            close_old_connections()


class JobWorker(Worker):
    """django-tasks-db's worker with the chores thread running beside its loop."""

    def run(self) -> None:
        chores = Chores()
        chores.start()
        try:
            while self.running:
                try:
                    super().run()
                    return  # a batch run's end, or stopped
                except OperationalError as error:
                    # django-tasks-db's loop lets a database error end the worker (say an
                    # SQLite file locked past its timeout): wait, and take up the queue again.
                    logger.warning("the queue could not be read (%s); trying again", error)
                    close_old_connections()
                    time.sleep(max(self.interval, 1.0))
        finally:
            chores.stopped.set()
