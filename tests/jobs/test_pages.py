"""The jobs' pages: the progress poll (one small query, no session read), a job's page and its
result for its owner only (404 for anyone else), and "My jobs"."""

import uuid
from contextlib import ExitStack

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from aipdash.jobs.models import Job, JobFile
from aipdash.jobs.router import jobs_database
from aipdash.jobs.views import poll_url

pytestmark = pytest.mark.django_db


def test_the_poll_of_a_running_job_costs_one_query(
    editor_client, make_job, django_assert_max_num_queries
):
    """One query in all, whatever database the job tables are in: no session, no user."""
    job = make_job(Job.State.RUNNING, done=40, total=200, message="Checking row 40 of 200")
    url = poll_url(job, reload=True)
    editor_client.get(url)  # anything a first request warms
    with ExitStack() as stack:
        for alias in settings.DATABASES:
            if alias != jobs_database():
                stack.enter_context(django_assert_max_num_queries(0, using=alias))
        stack.enter_context(django_assert_max_num_queries(1, using=jobs_database()))
        response = editor_client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'hx-trigger="every 1s"' in text and f'hx-get="{url}"' in text
    assert '<progress class="job-progress__bar" max="200" value="40"' in text
    assert "Checking row 40 of 200" in text and "(20%)" in text
    assert "HX-Refresh" not in response


def test_a_finished_job_stops_the_poll_and_reloads_the_page(editor_client, make_job):
    job = make_job(Job.State.FAILED, message="This file has no header row: add one.")
    response = editor_client.get(poll_url(job, reload=True))
    assert response["HX-Refresh"] == "true"
    text = response.content.decode()
    assert "hx-trigger" not in text
    assert "This file has no header row: add one." in text
    assert "HX-Refresh" not in editor_client.get(poll_url(job))  # no reload asked


def test_a_forged_poll_address_is_404(client, make_job):
    job = make_job()
    url = poll_url(job)
    assert client.get(url.replace("/progress/", "/progress/x")).status_code == 404
    Job.objects.filter(pk=job.pk).update(owner_id=job.owner_id + 1000)  # another's now
    assert client.get(url).status_code == 404


@pytest.fixture
def other_client(viewer):
    """Someone else than the jobs' owner (the editor), signed in on a client of their own."""
    other = Client()
    other.force_login(viewer)
    return other


def test_a_job_page_is_its_owners_only(editor_client, other_client, make_job):
    job = make_job(Job.State.RUNNING, total=10, done=3)
    page = reverse("jobs:detail", args=[job.id])
    response = editor_client.get(page)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Counting" in text and "3 of 10" in text
    assert 'hx-trigger="every 1s"' in text and "django_htmx/htmx-2.min.js" in text
    assert other_client.get(page).status_code == 404
    assert editor_client.get(reverse("jobs:detail", args=[uuid.uuid4()])).status_code == 404


def test_the_result_downloads_for_its_owner_only(editor_client, other_client, make_job):
    job = make_job(Job.State.DONE)
    JobFile.objects.create(
        job=job,
        role="result",
        name="three.txt",
        content=b"1 2 3",
        size=5,
        content_type="text/plain",
    )
    page = editor_client.get(reverse("jobs:detail", args=[job.id])).content.decode()
    url = reverse("jobs:result", args=[job.id])
    assert f'href="{url}"' in page and "Download three.txt" in page
    response = editor_client.get(url)
    assert response.status_code == 200
    assert response.content == b"1 2 3"
    assert response["Content-Disposition"] == 'attachment; filename="three.txt"'
    assert other_client.get(url).status_code == 404


def test_a_running_jobs_result_is_not_offered(editor_client, make_job):
    job = make_job(Job.State.RUNNING)
    JobFile.objects.create(job=job, role="result", name="half.txt", content=b"1", size=1)
    assert editor_client.get(reverse("jobs:result", args=[job.id])).status_code == 404


def test_my_jobs_lists_mine_newest_first(editor_client, make_job, viewer):
    make_job(Job.State.DONE)
    make_job(Job.State.FAILED, message="No header row.")
    make_job(owner=viewer)
    response = editor_client.get(reverse("jobs:list"))
    jobs = response.context["jobs"]
    assert [job.state for job in jobs] == ["failed", "done"]
    assert "No header row." in response.content.decode()
