"""What a job's code sees while it runs: its parameters, its owner, its files, and where it
reports its progress (`JobContext`); and the two ways it stops early (`JobFailed`, `LeaseLost`).

Progress is kept in memory and written by the lease's beat (runner.py) once a second, from a
connection of its own, so that it is seen while the job's own transaction is still open and a
job may report every row for free.
"""

import threading
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from aipdash.jobs.models import Job, JobCommit, JobFile


class JobFailed(Exception):
    """The job cannot do its work, for a reason its owner can act on: the job fails with this
    message as its error in words, and is not tried again."""


class LeaseLost(Exception):
    """Another worker took this job over (this one stopped beating for longer than the
    lease): this attempt stops and writes nothing more."""


class JobContext:
    """A running attempt of a job (see the module's docstring)."""

    def __init__(self, job: Job, lease: str) -> None:
        self.job = job
        self.lease = lease
        self.done = 0
        self.total: int | None = None
        self.message = ""
        self.summary = ""  # the outcome in words, for the job's page once done
        self.lost = False  # set by the beat when the lease was taken over
        self.lock = threading.Lock()

    @property
    def id(self) -> uuid.UUID:
        return self.job.id

    @property
    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = self.job.params
        return params

    def owner(self) -> AbstractBaseUser:
        return get_user_model()._default_manager.get(pk=self.job.owner_id)

    def progress(self, done: int, total: int | None = None, message: str | None = None) -> None:
        """Steps done (of `total`, when known); a line saying what is being done. Cheap: the
        beat writes the latest values once a second."""
        if self.lost:
            raise LeaseLost(str(self.job.id))
        with self.lock:
            self.done = done
            if total is not None:
                self.total = total
            if message is not None:
                self.message = message

    def snapshot(self) -> tuple[int, int | None, str]:
        with self.lock:
            return self.done, self.total, self.message

    def read_file(self, role: str, job_id: uuid.UUID | str | None = None) -> JobFile | None:
        """A file of this job (or of another job of the same owner, such as the preview whose
        upload a confirmation imports)."""
        return JobFile.objects.filter(
            job_id=job_id or self.job.id, job__owner_id=self.job.owner_id, role=role
        ).first()

    def save_file(
        self, role: str, name: str, content: bytes, content_type: str = "application/octet-stream"
    ) -> JobFile:
        JobFile.objects.filter(job_id=self.job.id, role=role).delete()
        return JobFile.objects.create(
            job_id=self.job.id,
            role=role,
            name=name,
            content_type=content_type,
            size=len(content),
            content=content,
        )

    def commit(self, result: Any) -> None:
        """Inside the transaction of an all-or-nothing job's writes (portfolio database): the
        mark that the writes committed, with the job's result (models.JobCommit)."""
        JobCommit.objects.create(job_id=self.job.id, result=result)
