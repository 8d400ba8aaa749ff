"""Fixtures of the import and export tests: files built in memory, uploads through the admin."""

import csv
import io
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections, transaction
from django.urls import reverse
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from aipdash.jobs.router import jobs_database
from aipdash.jobs.worker import JobWorker
from projects.resources import ProjectResource

HEADER = ProjectResource().get_export_headers()  # a project file's columns


def project_row(**values):
    """A valid row of a project file (a new solar project), with `values` in place."""
    row = {
        "slug": "riverside",
        "name": "Riverside Solar",
        "kind": "generation",
        "stage": "development",
        "investment": "",
        "country": "us",
        "region": "Arizona",
        "latitude": "33.4484",
        "longitude": "-112.074",
        "energy_source": "solar",
        "capacity_mw": "400.0",
        "announced_on": "2025-04-01",
        "expected_online": "2028-01-31",
        "capital_cost_usd": "600000000",
        "description": "",
        "source_title": "Developer release",
        "source_url": "https://example.com/riverside",
        "as_of": "2025-04-01",
        "illustrative": "false",
    }
    row.update(values)
    return [row[column] for column in HEADER]


def csv_file(name, header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(), content_type="text/csv")


def run_jobs() -> int:
    """Run the queued jobs (and any task) as a worker does, in this process, until the queue is
    empty; how many ran:
    django-tasks-db's claim (a locked row marked running) and its worker's `run_task`. Not
    its loop, which closes the connection between tasks (and so the test's transaction);
    without the reaper's thread, which tests/jobs tries on its own."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    ran = 0
    while True:
        with transaction.atomic(using=jobs_database()):
            task = DBTaskResult.objects.ready().get_locked()
            if task is not None:
                task.claim(worker.worker_id)
        if task is None:
            return ran
        worker.run_task(task)
        ran += 1


def after_jobs(client, response):
    """A page that started a job (a redirect to its page): the job run, the page it leads to."""
    if response.status_code != 302 or "job=" not in response["Location"]:
        return response
    run_jobs()
    return client.get(response["Location"])


@pytest.fixture
def job_worker(settings):
    """The jobs' worker (worker.py: the queue, the beat, the chores) in a thread of this
    process, for tests with a live server: it runs what the pages start."""
    settings.JOB_BEAT_SECONDS = 0.3
    worker = JobWorker(
        queue_names=["default"],
        interval=0.2,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="browser-test",
        excluded_queue_names=[],
    )

    def run():
        try:
            worker.run()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name="job-worker", daemon=True)
    thread.start()
    yield worker
    worker.running = False
    thread.join(timeout=60)


@pytest.fixture(autouse=True)
def _jobs_in_this_process(settings):
    """The jobs run in the test's own transaction: no beat thread (its own connection would
    not see the test's rows). The worker processes of tests/jobs beat for real."""
    settings.JOB_BEAT_SECONDS = 0


@pytest.fixture
def upload(editor_client):
    """POST a file to a model's import page; its preview job run: the page that shows it."""

    def post(model_name, file, fmt=""):
        url = reverse(f"admin:projects_{model_name}_import")
        response = editor_client.post(url, {"import_file": file, "format": fmt, "resource": "0"})
        return after_jobs(editor_client, response)

    return post


@pytest.fixture
def confirm(editor_client):
    """POST the confirmation form a preview offered; its job run: where its page leads."""

    def post(model_name, preview_response):
        url = reverse(f"admin:projects_{model_name}_process_import")
        response = editor_client.post(url, confirm_data(preview_response))
        return after_jobs(editor_client, response)

    return post


def confirm_data(preview_response):
    """What the confirmation form a preview offered would send: its initial values."""
    form = preview_response.context["confirm_form"]
    return {name: form.initial.get(name, "") for name in form.fields}
