"""The large exports as jobs: a CSV or a workbook of more rows than EXPORT_JOB_ROWS leads to its
page, then a job that makes the very file the direct download makes; small ones download at
once; through a shared link the job's file holds the link's scope and is reached through it."""

import io

import openpyxl
import pytest
from django.core.cache import cache

from aipdash.boardpack.exports import KIND_NAME
from aipdash.dashboard.filters import DashboardFilters
from aipdash.jobs.models import Job, JobFile
from aipdash.sharing import services
from tests.boardpack.conftest import run_jobs
from tests.factories import CommitmentFactory, PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commitments(db):
    for slug in ("gip", "mgx", "kia"):
        CommitmentFactory(partner=PartnerFactory(slug=slug, short_name=slug.upper()))
    cache.clear()


def values(content: bytes) -> dict[str, list[tuple]]:
    """Every sheet's cells, but the time the workbook was made (on the filters sheet)."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {
        sheet.title: [
            row for row in sheet.iter_rows(values_only=True) if "Generated" not in str(row[0])
        ]
        for sheet in book.worksheets
    }


def made_by_job(client, url, *, page_has):
    """GET the export (a redirect to its page), the page, POST: the job run; its file."""
    response = client.get(url)
    assert response.status_code == 302, response.status_code
    offer = client.get(response["Location"])
    assert offer.status_code == 200 and page_has in offer.content.decode()
    started = client.post(response["Location"])
    assert started.status_code == 302
    run_jobs()
    job = Job.objects.get(kind=KIND_NAME)
    assert job.state == Job.State.DONE, job.message
    return job, started["Location"]


def test_a_large_workbook_is_made_by_a_job_and_equals_the_direct_one(
    editor_client, editor, commitments, settings
):
    direct = b"".join(editor_client.get("/export.xlsx?partner=gip&partner=mgx").streaming_content)
    settings.EXPORT_JOB_ROWS = 1
    job, page = made_by_job(
        editor_client, "/export.xlsx?partner=gip&partner=mgx", page_has="Make the file"
    )
    assert job.owner_id == editor.pk and page == f"/jobs/{job.id}/"
    assert "Download aip-dashboard-filtered-" in editor_client.get(page).content.decode()
    file = editor_client.get(f"/jobs/{job.id}/result/")
    assert (
        file["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert values(file.content) == values(direct)


def test_a_large_csv_is_made_by_a_job_and_equals_the_direct_one(
    editor_client, commitments, settings
):
    url = "/charts/commitments_by_partner.csv?partner=gip&partner=kia"
    direct = b"".join(editor_client.get(url).streaming_content)
    assert direct.count(b"\n") >= 3
    settings.EXPORT_JOB_ROWS = 1
    job, _page = made_by_job(editor_client, url, page_has="Commitments by partner")
    file = JobFile.objects.get(job=job, role=JobFile.RESULT)
    assert file.content_type == "text/csv" and bytes(file.content) == direct


def test_small_files_download_at_once(editor_client, commitments):
    assert editor_client.get("/export.xlsx").status_code == 200
    assert editor_client.get("/charts/commitments_by_partner.csv").status_code == 200
    assert not Job.objects.exists()


def test_an_export_page_refuses_wrong_filters_and_charts(editor_client, commitments):
    assert editor_client.get("/exports/xlsx/?stage=nowhere").status_code == 400
    assert editor_client.post("/exports/csv/nothing/").status_code == 404
    assert not Job.objects.exists()


def test_a_shared_views_large_export_holds_its_scope_and_is_reached_through_it(
    client, viewer, commitments, settings
):
    issued = services.create(
        user=viewer,
        label="Two partners",
        filters=DashboardFilters(partner=("gip", "mgx")),
        open_filters=[],
        days=30,
    )
    base = f"/s/{issued.token}/"
    direct = b"".join(client.get(base + "charts/commitments_by_partner.csv").streaming_content)
    assert b"KIA" not in direct
    settings.EXPORT_JOB_ROWS = 1
    job, page = made_by_job(
        client, base + "charts/commitments_by_partner.csv", page_has="Two partners"
    )
    assert job.owner_id == viewer.pk and job.params["link"] == issued.link.pk
    assert page == f"{base}jobs/{job.id}/"
    assert "Download" in client.get(page).content.decode()
    file = client.get(f"{base}jobs/{job.id}/file")
    assert file.status_code == 200 and file.content == direct
    assert client.post(base + "exports/xlsx/?partner=kia").status_code == 400  # not its scope
