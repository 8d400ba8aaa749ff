"""One attempt of a job (runner.py) and the workers' chores (services.py), in this process:
claimed once, done with its result or failed in words; a lapsed lease reaped (run again, done
from its commit mark, or failed); finished jobs pruned after JOB_RESULT_DAYS."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from aipdash.jobs.models import Job, JobCommit, JobFile
from aipdash.jobs.runner import execute
from aipdash.jobs.services import enqueue, prune_jobs, reap_lost_jobs, start_job
from tests.io.conftest import run_jobs

from .conftest import BREAK, COUNT, ONCE, REFUSE

pytestmark = pytest.mark.django_db


def test_a_job_runs_to_done_with_its_result_and_file(editor):
    job = start_job(owner=editor, kind=COUNT, params={})
    assert (job.state, DBTaskResult.objects.get().status) == ("queued", "READY")
    run_jobs()
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.attempts) == ("done", 3, 3, 1)
    assert job.result == {"counted": 3}
    assert job.message == "Counted to three."
    assert job.lease == "" and job.finished_at is not None
    assert bytes(JobFile.objects.get(job=job, role="result").content) == b"1 2 3"


def test_a_job_is_claimed_once_however_many_tasks_name_it(editor):
    job = start_job(owner=editor, kind=COUNT, params={})
    enqueue(job)
    enqueue(job)
    run_jobs()
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("done", 1)
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 3


def test_a_refusal_fails_the_job_with_its_words(editor):
    job = start_job(owner=editor, kind=REFUSE, params={})
    run_jobs()
    job.refresh_from_db()
    assert (job.state, job.message) == ("failed", "This file has no header row: add one.")


def test_an_unexpected_error_fails_the_job_in_words_not_a_traceback(editor):
    job = start_job(owner=editor, kind=BREAK, params={})
    run_jobs()
    job.refresh_from_db()
    assert job.state == "failed"
    assert job.message.startswith("The job stopped on an unexpected error (KeyError).")
    assert "Traceback" not in job.message


def test_a_job_of_an_unknown_kind_fails(make_job):
    job = make_job(kind="nothing.like.this")
    execute(job.id)
    job.refresh_from_db()
    assert (job.state, job.message) == ("failed", "No job of the kind “nothing.like.this”.")


def _lapsed(job, seconds=60):
    Job.objects.filter(pk=job.pk).update(beat_at=timezone.now() - dt.timedelta(seconds=seconds))


def test_a_lost_job_is_queued_again_then_runs(make_job, settings):
    settings.JOB_MAX_ATTEMPTS = 2
    job = make_job(Job.State.RUNNING)
    _lapsed(job, settings.JOB_LEASE_SECONDS + 1)
    assert reap_lost_jobs() == 1
    job.refresh_from_db()
    assert (job.state, job.lease) == ("queued", "")
    assert "queued to run again" in job.message
    run_jobs()
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("done", 2)


def test_a_beating_job_is_left_alone(make_job, settings):
    job = make_job(Job.State.RUNNING)
    _lapsed(job, settings.JOB_LEASE_SECONDS - 5)
    assert reap_lost_jobs() == 0
    job.refresh_from_db()
    assert job.state == "running"


def test_a_lost_job_without_attempts_left_fails_with_its_kinds_message(make_job, settings):
    settings.JOB_MAX_ATTEMPTS = 1
    job = make_job(Job.State.RUNNING)
    _lapsed(job)
    reap_lost_jobs()
    job.refresh_from_db()
    assert job.state == "failed"
    assert "stopped before it finished" in job.message


def test_a_lost_job_that_must_not_run_twice_fails(make_job):
    job = make_job(Job.State.RUNNING, kind=ONCE.name)
    _lapsed(job)
    reap_lost_jobs()
    job.refresh_from_db()
    assert (job.state, job.message) == ("failed", "Its worker stopped; nothing was written.")


def test_a_lost_job_whose_writes_committed_is_done_with_their_result(make_job):
    """The worker died after the commit and before marking the job: the mark says it is done."""
    job = make_job(Job.State.RUNNING, kind=ONCE.name)
    JobCommit.objects.create(job_id=job.id, result={"written": "yes"})
    _lapsed(job)
    reap_lost_jobs()
    job.refresh_from_db()
    assert (job.state, job.result) == ("done", {"written": "yes"})
    assert not JobCommit.objects.exists()


def test_an_attempt_that_lost_its_lease_writes_nothing(make_job):
    """Reaped and queued again while it still ran: its late outcome is dropped."""
    job = make_job(Job.State.QUEUED)
    Job.objects.filter(pk=job.pk).update(state="running", lease="someone-else")
    execute(job.id)  # not queued: nothing to do
    job.refresh_from_db()
    assert (job.state, job.lease) == ("running", "someone-else")


def test_finished_jobs_are_pruned_after_the_days_kept(make_job, settings):
    settings.JOB_RESULT_DAYS = 7
    old = timezone.now() - dt.timedelta(days=8)
    gone = make_job(Job.State.DONE, finished_at=old)
    JobFile.objects.create(job=gone, role="result", name="x", content=b"x", size=1)
    kept = make_job(Job.State.DONE)
    running = make_job(Job.State.RUNNING, created_at=old)
    assert prune_jobs() == 1
    assert set(Job.objects.values_list("id", flat=True)) == {kept.id, running.id}
    assert not JobFile.objects.exists()
