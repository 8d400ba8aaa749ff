"""Real worker processes (`manage.py run_worker`) on a scratch database: PostgreSQL when
DATABASE_URL names one, an SQLite file otherwise.

- Two workers share the queue: each job is taken by exactly one, also when two tasks name it;
  every line they write, to their stop, is JSON in the request log's shape (aipdash/core/logs.py).
- A worker killed (SIGKILL) mid-import: the portfolio is unchanged (the import's transaction
  died with it) and the job is not "running" forever: another worker's reaper runs it again
  (it imports every row once) or, with no attempt left, fails it with a message.
"""

import csv
import io
import json
import signal
import time

import pytest

from tests.io.conftest import HEADER, project_row
from tests.logs.test_json_lines import assert_shape

from .scratch import Scratch

pytestmark = pytest.mark.workers

# Short leases, so that a dead worker is noticed in seconds.
FAST = {"JOB_LEASE_SECONDS": "3", "JOB_BEAT_SECONDS": "0.5"}

START = """
import json
from django.contrib.auth.models import User
from aipdash.jobs.models import Job
from aipdash.jobs.services import enqueue
from aipdash.operations.imports.jobs import start_confirm, start_preview
from projects.models import Project
user, _ = User.objects.get_or_create(username="importer", defaults={{"is_staff": True}})
ids = []
for path, rows, confirm in {files!r}:
    params = {{"file_name": path.rsplit("/", 1)[-1], "format": "0", "resource": "0"}}
    job = start_preview(user=user, model=Project, params=params, upload=open(path, "rb").read())
    if confirm:  # the file waits in the preview's job (not run); its confirmation is the job
        Job.objects.filter(pk=job.pk).update(state="done")
        job = start_confirm(
            user=user, model=Project, params={{**params, "file_job": str(job.id)}},
            matched=[None] * rows,
        )
    for _ in range({tasks} - 1):  # more tasks naming the same job
        enqueue(job)
    ids.append(str(job.id))
print(json.dumps(ids))
"""


def project_file(path, rows, prefix):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for i in range(rows):
        writer.writerow(project_row(slug=f"{prefix}-{i}", name=f"{prefix.title()} {i}"))
    path.write_text(buffer.getvalue())
    return str(path)


@pytest.fixture
def scratch(tmp_path, request):
    db = Scratch(tmp_path, f"workers_{request.node.name[:20].lower()}")
    db.create()
    yield db
    db.drop()


def start_jobs(scratch, files, tasks=1):
    code = START.format(files=files, tasks=tasks)
    return scratch.shell(code)


def jobs_table(scratch, ids):
    """id → (state, attempts) of the jobs `ids` (SQLite keeps a UUID without its dashes)."""
    rows = scratch.query("SELECT id, state, attempts FROM jobs_job", jobs=True)
    wanted = {i.replace("-", "") for i in ids}
    return {str(row[0]): row[1:] for row in rows if str(row[0]).replace("-", "") in wanted}


def test_two_workers_take_each_job_once(scratch, tmp_path):
    files = [(project_file(tmp_path / f"f{i}.csv", 30, f"f{i}"), 30, False) for i in range(6)]
    ids = start_jobs(scratch, files, tasks=2)  # two tasks name each job
    scratch.start_worker("a", **FAST)
    scratch.start_worker("b", **FAST)
    scratch.wait_for(
        "SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM jobs_job WHERE state IN ('queued', 'running'))"
    )
    jobs = jobs_table(scratch, ids)
    assert {job[0] for job in jobs.values()} == {"done"}, jobs
    assert {job[1] for job in jobs.values()} == {1}, jobs  # one attempt each
    # Every task ran on one worker only; both workers ran some.
    tasks = scratch.query(
        "SELECT worker_ids, status FROM django_tasks_database_dbtaskresult", jobs=True
    )
    assert len(tasks) == 12
    assert {status for _w, status in tasks} == {"SUCCESSFUL"}
    runs = [worker for worker_ids, _s in tasks for worker in _ids(worker_ids)]
    assert len(runs) == 12
    assert set(runs) <= {"a", "b"}
    assert "attempt 1 started" in scratch.log("a") + scratch.log("b")

    scratch.stop_workers()  # their shutdown's lines too
    for name in ("a", "b"):
        text = scratch.log(name)  # the worker's stdout and stderr
        lines = [json.loads(line) for line in text.splitlines()]  # every line, or it fails
        assert lines and len(lines) == text.count("\n")
        for line in lines:
            assert_shape(line)
        assert {line["logger"] for line in lines} >= {"django_tasks_db"}, lines


def _ids(value):
    return value if isinstance(value, list) else json.loads(value)


def _kill_mid_import(scratch, tmp_path, rows):
    path = project_file(tmp_path / "big.csv", rows, "big")
    [job_id] = start_jobs(scratch, [(path, rows, True)])
    worker = scratch.start_worker("first", **FAST)
    # Mid-import: its progress is seen while its transaction is open (the beat's connection).
    tenth = rows // 10
    scratch.wait_for(f"SELECT done FROM jobs_job WHERE state = 'running' AND done >= {tenth}")  # noqa: S608
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    assert scratch.query("SELECT COUNT(*) FROM projects_project") == [(0,)]
    [(state,)] = scratch.query(
        "SELECT state FROM jobs_job WHERE kind = 'import.confirm'", jobs=True
    )
    assert state == "running"  # until a reaper notices
    return job_id


def test_a_worker_killed_mid_import_is_run_again_by_another(scratch, tmp_path):
    rows = 1500
    _kill_mid_import(scratch, tmp_path, rows)
    scratch.start_worker("second", **FAST)
    [(state, attempts, message)] = scratch.wait_for(
        "SELECT state, attempts, message FROM jobs_job WHERE kind = 'import.confirm' "
        "AND state IN ('done', 'failed')",
        timeout=300,
    )
    assert (state, attempts) == ("done", 2), message
    assert message.startswith(f"Import finished: {rows} new")
    # Every row once: the killed attempt left nothing, the second wrote all.
    assert scratch.query("SELECT COUNT(*), COUNT(DISTINCT slug) FROM projects_project") == [
        (rows, rows)
    ]
    assert "its worker was lost; reaped" in scratch.log("second")
    # The killed attempt's queue task is not left "running".
    statuses = scratch.query("SELECT status FROM django_tasks_database_dbtaskresult", jobs=True)
    assert ("RUNNING",) not in statuses


def test_a_worker_killed_with_no_attempt_left_fails_the_job_in_words(scratch, tmp_path):
    _kill_mid_import(scratch, tmp_path, 1500)
    started = time.monotonic()
    scratch.start_worker("second", JOB_MAX_ATTEMPTS="1", **FAST)
    [(state, message)] = scratch.wait_for(
        "SELECT state, message FROM jobs_job WHERE kind = 'import.confirm' "
        "AND state IN ('done', 'failed')"
    )
    assert time.monotonic() - started < 30
    assert state == "failed"
    assert "stopped before it finished" in message and "Nothing was imported" in message
    assert scratch.query("SELECT COUNT(*) FROM projects_project") == [(0,)]
