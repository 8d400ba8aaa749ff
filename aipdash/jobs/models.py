"""A job's record (Job), its files (JobFile), and the mark an all-or-nothing job leaves in the
same transaction as its writes (JobCommit).

The job tables may live in a database of their own (router.py), so a job's owner is a foreign
key without a database constraint, and deleting a user leaves their jobs to be pruned with the
rest (no cascade across databases).
"""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class Job(models.Model):
    """Work a user started, run by a worker (runner.py); its page shows this row."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    FINISHED = (State.DONE, State.FAILED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    kind = models.CharField(max_length=64)  # a name in kinds.KINDS
    params = models.JSONField(default=dict)  # what the kind needs to run, JSON
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)  # progress: steps done of `total`
    total = models.PositiveIntegerField(null=True, blank=True)  # None: not known yet
    message = models.CharField(max_length=500, blank=True)  # the step, the outcome or the error
    result = models.JSONField(null=True, blank=True)  # a small value; large ones are JobFiles
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.UUIDField(null=True, blank=True)  # the queue's task of the last attempt
    lease = models.CharField(max_length=32, blank=True)  # the running attempt's token
    beat_at = models.DateTimeField(null=True, blank=True)  # the running attempt's last beat
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="job_owner_created_idx"),
            models.Index(fields=["state", "beat_at"], name="job_state_beat_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.id} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in self.FINISHED

    @property
    def percent(self) -> int | None:
        if not self.total:
            return 100 if self.state == self.State.DONE else None
        return min(100, round(100 * self.done / self.total))


class JobFile(models.Model):
    """A file of a job: what it reads (role "input"), what it keeps for its page ("data") or
    what its owner downloads ("result"). Kept in the database, so that the web processes and
    the workers need no shared disk; pruned with its job."""

    INPUT, DATA, RESULT = "input", "data", "result"

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="files")
    role = models.CharField(max_length=16)
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, default="application/octet-stream")
    size = models.PositiveBigIntegerField(default=0)
    content = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "role"], name="jobfile_one_per_role"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.role} of {self.job_id})"


class JobCommit(models.Model):
    """The mark an all-or-nothing job writes inside the transaction of its writes: its result.

    Always in the portfolio's database (router.py), so that it commits with the writes or not
    at all. A worker that dies after the commit and before the job is marked done leaves the
    mark, and the reaper then finishes the job with it instead of running it again."""

    job_id = models.UUIDField(primary_key=True)
    result = models.JSONField(null=True)
    committed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"commit of job {self.job_id}"

    def as_result(self) -> Any:
        return self.result
