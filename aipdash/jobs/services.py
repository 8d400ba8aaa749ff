"""Starting jobs, and the two chores the workers do between them: reaping the jobs whose
worker died, and pruning finished jobs after JOB_RESULT_DAYS.

A job whose lease has not been beaten for JOB_LEASE_SECONDS lost its worker (killed, crashed,
its machine gone). If it left its commit mark (models.JobCommit: its writes committed), it is
done with that result. Otherwise nothing of it was kept, and it is queued again when its kind
allows and it has attempts left (JOB_MAX_ATTEMPTS), or failed with its kind's message. Every
change is a conditional UPDATE on the lost lease, so two reapers never both act on one job.
"""

import datetime as dt
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from aipdash.jobs.kinds import JobKind, kind_of
from aipdash.jobs.models import Job, JobCommit, JobFile
from aipdash.jobs.nav import remember
from aipdash.jobs.router import jobs_database
from aipdash.jobs.runner import run_job

logger = logging.getLogger("aipdash.jobs")

FileSpec = tuple[str, str, bytes, str]  # role, name, content, content type


def start_job(
    *,
    owner: AbstractBaseUser,
    kind: JobKind,
    params: dict[str, Any],
    files: Iterable[FileSpec] = (),
) -> Job:
    """A new job of `kind` for `owner`, queued with its files, in one transaction."""
    with transaction.atomic(using=jobs_database()):
        job = Job.objects.create(owner_id=owner.pk, kind=kind.name, params=params)
        for role, name, content, content_type in files:
            JobFile.objects.create(
                job=job,
                role=role,
                name=name,
                content_type=content_type,
                size=len(content),
                content=content,
            )
        enqueue(job)
    remember(owner.pk)
    return job


def enqueue(job: Job) -> None:
    """Put a task for the job on the queue (in the caller's transaction, same database)."""
    result = run_job.enqueue(str(job.id))
    Job.objects.filter(pk=job.pk).update(task_id=result.id)
    job.task_id = uuid.UUID(str(result.id))


def reap_lost_jobs(now: dt.datetime | None = None) -> int:
    """Act on every running job whose lease lapsed (see the module's docstring); how many."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.JOB_LEASE_SECONDS)
    lost = list(Job.objects.filter(state=Job.State.RUNNING, beat_at__lt=cutoff))
    reaped = 0
    for job in lost:
        reaped += _reap(job, now)
    return reaped


def _reap(job: Job, now: dt.datetime) -> bool:
    kind = kind_of(job.kind)
    lost_task = job.task_id  # the dead attempt's (a retry enqueues a new one)
    commit = JobCommit.objects.filter(job_id=job.id).first()
    with transaction.atomic(using=jobs_database()):
        lapsed = Job.objects.filter(pk=job.pk, state=Job.State.RUNNING, lease=job.lease)
        if commit is not None:
            changed = lapsed.update(
                state=Job.State.DONE,
                result=commit.result,
                message="Done (its worker stopped after the work was saved).",
                done=job.total or job.done,
                lease="",
                finished_at=now,
            )
        elif kind is not None and kind.retry_when_lost and job.attempts < settings.JOB_MAX_ATTEMPTS:
            changed = lapsed.update(
                state=Job.State.QUEUED,
                lease="",
                beat_at=None,
                message="Its worker stopped; queued to run again.",
            )
            if changed:
                enqueue(job)
        else:
            message = kind.lost_message if kind is not None else "Its worker stopped."
            if job.attempts > 1:
                message += f" ({job.attempts} attempts.)"
            changed = lapsed.update(
                state=Job.State.FAILED, message=message[:500], lease="", finished_at=now
            )
        if changed and lost_task is not None:
            # The queue's task stays "running" forever otherwise (django-tasks-db does not
            # notice a dead worker).
            DBTaskResult.objects.filter(id=lost_task, status="RUNNING").update(
                status="FAILED",
                finished_at=now,
                exception_class_path="aipdash.jobs.services.WorkerLost",
                traceback="The worker stopped beating the job's lease.",
            )
    if changed:
        logger.warning("job %s (%s): its worker was lost; reaped", job.id, job.kind)
    if commit is not None and changed:
        JobCommit.objects.filter(job_id=job.id).delete()
    return bool(changed)


def prune_jobs(now: dt.datetime | None = None) -> int:
    """Delete the jobs (and their files, and their queue tasks) finished more than
    JOB_RESULT_DAYS ago; how many jobs."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.JOB_RESULT_DAYS)
    old = Job.objects.filter(state__in=Job.FINISHED, finished_at__lt=cutoff)
    with transaction.atomic(using=jobs_database()):
        JobFile.objects.filter(job__in=old).delete()
        count, _ = old.delete()
        DBTaskResult.objects.filter(
            status__in=["SUCCESSFUL", "FAILED"], finished_at__lt=cutoff
        ).delete()
    JobCommit.objects.filter(committed_at__lt=cutoff).delete()
    if count:
        logger.info("pruned %s job(s) finished before %s", count, cutoff.isoformat())
    return count
