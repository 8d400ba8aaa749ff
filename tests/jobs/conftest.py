"""Job kinds of the tests' own (registered once), and a job of the editor's in each state."""

import pytest
from django.utils import timezone

from aipdash.jobs.context import JobContext, JobFailed
from aipdash.jobs.kinds import JobKind, register
from aipdash.jobs.models import Job, JobCommit, JobFile


def _count_to_three(ctx: JobContext) -> dict[str, int]:
    for step in range(1, 4):
        ctx.progress(step, 3, f"Step {step} of 3")
    ctx.save_file(JobFile.RESULT, "three.txt", b"1 2 3", "text/plain")
    ctx.summary = "Counted to three."
    return {"counted": 3}


def _refuse(ctx: JobContext) -> None:
    raise JobFailed("This file has no header row: add one.")


def _break(ctx: JobContext) -> None:
    raise KeyError("a bug")


def _commit_then_return(ctx: JobContext) -> dict[str, str]:
    ctx.commit({"written": "yes"})
    return {"written": "yes"}


COUNT = register(JobKind(name="test.count", title="Counting", run=_count_to_three))
REFUSE = register(JobKind(name="test.refuse", title="Refusing", run=_refuse))
BREAK = register(JobKind(name="test.break", title="Breaking", run=_break))
ONCE = register(
    JobKind(
        name="test.once",
        title="Once only",
        run=_commit_then_return,
        retry_when_lost=False,
        lost_message="Its worker stopped; nothing was written.",
    )
)


@pytest.fixture(autouse=True)
def _no_beat_thread(settings):
    """Jobs run here in the test's transaction: no beat thread (see tests/io/conftest.py)."""
    settings.JOB_BEAT_SECONDS = 0


@pytest.fixture
def make_job(editor):
    def make(state=Job.State.QUEUED, owner=None, kind=COUNT.name, **fields):
        now = timezone.now()
        extra = {}
        if state == Job.State.RUNNING:
            extra = {"lease": "l" * 32, "beat_at": now, "started_at": now, "attempts": 1}
        elif state in Job.FINISHED:
            extra = {"started_at": now, "finished_at": now, "attempts": 1}
        return Job.objects.create(
            owner=owner or editor, kind=kind, state=state, **{**extra, **fields}
        )

    return make


__all__ = ["BREAK", "COUNT", "ONCE", "REFUSE", "JobCommit"]
