"""Running one attempt of a job: the task the worker takes from the queue (`run_job`).

The attempt claims the job with a conditional UPDATE (queued → running, with a new lease
token), so a job runs once however many tasks name it; starts the beat, a thread that writes
the job's progress and `beat_at` once every JOB_BEAT_SECONDS from a connection of its own
(the job's own transaction may be open for minutes); runs the kind's function; and finishes
the job (done with its result, or failed with its error in words) with another conditional
UPDATE on its lease, so an attempt that lost its lease to the reaper (services.py) writes
nothing. The job's outcome is the Job row: the queue's task ends successful either way.
"""

import logging
import secrets
import threading
import uuid
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from aipdash.jobs.context import JobContext, JobFailed, LeaseLost
from aipdash.jobs.kinds import kind_of
from aipdash.jobs.models import Job, JobCommit

logger = logging.getLogger("aipdash.jobs")

UNEXPECTED = (
    "The job stopped on an unexpected error ({error}). Nothing it was writing was kept; start "
    "it again, and tell an administrator if it happens again (the worker's log has the details)."
)


@task()
def run_job(job_id: str) -> None:
    """The queue's task: one attempt of the job `job_id`."""
    execute(uuid.UUID(job_id))


class Beat(threading.Thread):
    """Writes an attempt's progress and lease beat until stopped (see the module docstring)."""

    def __init__(self, context: JobContext, interval: float) -> None:
        super().__init__(name=f"job-beat-{context.id}", daemon=True)
        self.context = context
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                self.beat()
        finally:
            connections.close_all()  # this thread's connections

    def beat(self) -> None:
        done, total, message = self.context.snapshot()
        try:
            beaten = running(self.context).update(
                beat_at=timezone.now(), done=done, total=total, message=message[:500]
            )
        except DatabaseError as error:  # a busy database: the next beat tries again
            logger.warning("job %s: beat not written (%s)", self.context.id, error)
            return
        if not beaten:
            self.context.lost = True
            self.stopped.set()

    def stop(self) -> None:
        self.stopped.set()
        if self.is_alive():
            self.join()


def running(context: JobContext) -> Any:
    """The job's row while this attempt holds its lease."""
    return Job.objects.filter(pk=context.id, state=Job.State.RUNNING, lease=context.lease)


def claim(job_id: uuid.UUID) -> JobContext | None:
    """Take a queued job for this attempt; None when it is not queued (taken, or finished)."""
    lease = secrets.token_hex(16)
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING,
        lease=lease,
        attempts=F("attempts") + 1,
        beat_at=now,
        started_at=now,
        done=0,
        total=None,
        message="",
    )
    if not claimed:
        return None
    return JobContext(Job.objects.get(pk=job_id), lease)


def execute(job_id: uuid.UUID) -> None:
    context = claim(job_id)
    if context is None:
        logger.info("job %s: not queued any more; nothing to do", job_id)
        return
    kind = kind_of(context.job.kind)
    if kind is None:
        finish(context, Job.State.FAILED, message=f"No job of the kind “{context.job.kind}”.")
        return
    beat = Beat(context, settings.JOB_BEAT_SECONDS) if settings.JOB_BEAT_SECONDS > 0 else None
    if beat is not None:
        beat.start()
    logger.info("job %s (%s): attempt %s started", job_id, kind.name, context.job.attempts)
    try:
        result = kind.run(context)
    except LeaseLost:
        logger.warning("job %s: its lease was taken over; this attempt stops", job_id)
        return
    except JobFailed as error:
        stop(beat)
        finish(context, Job.State.FAILED, message=str(error))
        return
    except Exception as error:
        stop(beat)
        logger.exception("job %s (%s) failed", job_id, kind.name)
        finish(context, Job.State.FAILED, message=UNEXPECTED.format(error=type(error).__name__))
        return
    finally:
        stop(beat)
    finish(context, Job.State.DONE, result=result, message=context.summary)


def stop(beat: Beat | None) -> None:
    if beat is not None:
        beat.stop()


def finish(context: JobContext, state: str, *, result: Any = None, message: str = "") -> bool:
    """The attempt's outcome, written only while it still holds the lease."""
    done, total, _step = context.snapshot()
    if state == Job.State.DONE and total is not None:
        done = total
    finished = running(context).update(
        state=state,
        result=result,
        message=message[:500],
        done=done,
        total=total,
        lease="",
        finished_at=timezone.now(),
    )
    if finished:
        JobCommit.objects.filter(job_id=context.id).delete()  # its result is the job's now
        logger.info("job %s: %s", context.id, state)
    else:
        logger.warning("job %s: finished after losing its lease; outcome dropped", context.id)
    return bool(finished)
