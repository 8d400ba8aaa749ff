"""Starting a board pack: from the dashboard (a job of the user's, its page under /jobs/) and
from a shared view (a job of the link's maker, its page and PDF only through the link); the
button on both pages and not in the embed; wrong filters, dead links and floods refused in
words, nothing started."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from aipdash.boardpack.jobs import KIND_NAME
from aipdash.boardpack.pack import PackView, ViewUnavailable, resolve
from aipdash.dashboard.filters import DashboardFilters
from aipdash.jobs.models import Job, JobFile
from aipdash.sharing import services
from tests.factories import PartnerFactory, ScenarioFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gip(db):
    return PartnerFactory(slug="gip", short_name="GIP", name="Global Infrastructure Partners")


@pytest.fixture
def issued(viewer, gip):
    return services.create(
        user=viewer,
        label="For the committee",
        filters=DashboardFilters(partner=("gip",)),
        open_filters=["stage"],
        days=30,
    )


def test_the_dashboards_button_starts_a_pack_of_the_view(editor_client, editor, gip):
    page = editor_client.get("/?partner=gip").content.decode()
    assert 'action="/boardpack/?partner=gip"' in page and "Board pack (PDF)" in page
    response = editor_client.post("/boardpack/?partner=gip&stage=operational")
    job = Job.objects.get(kind=KIND_NAME)
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.id])
    assert job.owner_id == editor.pk and job.state == Job.State.QUEUED
    assert job.params == {
        "query": "partner=gip&stage=operational",
        "made_by": editor.get_full_name() or editor.username,
    }
    page = editor_client.get(response["Location"]).content.decode()
    assert "Board pack (PDF)" in page and 'hx-trigger="every 1s"' in page

    # Asked again while it waits: the same job, not another.
    again = editor_client.post("/boardpack/?partner=gip&stage=operational")
    assert again["Location"] == response["Location"]
    assert Job.objects.filter(kind=KIND_NAME).count() == 1


def test_wrong_filters_start_nothing_and_say_which(editor_client):
    response = editor_client.post("/boardpack/?stage=nowhere")
    assert response.status_code == 400
    assert "Stage" in response.content.decode()
    assert editor_client.get("/boardpack/").status_code == 405
    assert not Job.objects.exists()


def test_signed_out_nobody_starts_a_pack(client):
    response = client.post("/boardpack/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Job.objects.exists()


def test_the_print_view_is_the_packs_page(editor_client, gip):
    page = editor_client.get("/boardpack/print/?partner=gip").content.decode()
    assert "Portfolio dashboard" in page and "Partner: GIP" in page
    assert "plotly-chart pack-chart__figure" in page or "No data for these filters." in page
    assert editor_client.get("/boardpack/print/?partner=nobody").status_code == 400


def test_a_shared_views_button_starts_a_pack_reached_through_the_link(
    client, issued, viewer, editor_client
):
    base = f"/s/{issued.token}/"
    page = client.get(base + "?stage=operational").content.decode()
    assert f'action="{base}boardpack/?stage=operational"' in page
    assert "boardpack/" not in client.get(base + "?embed=1").content.decode()

    response = client.post(base + "boardpack/?stage=operational")
    job = Job.objects.get(kind=KIND_NAME)
    assert response.status_code == 302
    assert response["Location"] == f"{base}jobs/{job.id}/"
    assert response["Cache-Control"] == "private, no-store"
    assert job.owner_id == viewer.pk  # the link's maker: the viewer has no account
    assert job.params["link"] == issued.link.pk and job.params["query"] == "stage=operational"
    assert issued.token not in str(job.params)

    page = client.get(response["Location"])
    assert page.status_code == 200 and 'hx-trigger="every 1s"' in page.content.decode()
    assert client.get(f"{base}jobs/{job.id}/file").status_code == 404  # not made yet

    Job.objects.filter(pk=job.pk).update(state=Job.State.DONE)
    JobFile.objects.create(
        job=job,
        role=JobFile.RESULT,
        name="pack.pdf",
        content=b"%PDF-1.7",
        size=8,
        content_type="application/pdf",
    )
    assert "Download pack.pdf" in client.get(response["Location"]).content.decode()
    pdf = client.get(f"{base}jobs/{job.id}/file")
    assert pdf.status_code == 200 and pdf.content == b"%PDF-1.7"

    # Another link, or no link, opens nothing of it.
    other = services.create(
        user=viewer, label="Other", filters=DashboardFilters(), open_filters=[], days=30
    )
    assert client.get(f"/s/{other.token}/jobs/{job.id}/file").status_code == 404
    assert client.get(f"/s/{other.token}/jobs/{job.id}/").status_code == 404
    services.revoke(issued.link)
    assert client.get(f"{base}jobs/{job.id}/file").status_code == 410
    assert client.get(response["Location"]).status_code == 410


def test_a_shared_view_cannot_widen_its_pack(client, issued):
    base = f"/s/{issued.token}/"
    response = client.post(base + "boardpack/?partner=someone")
    assert response.status_code == 400
    assert "Partner" in response.content.decode()
    assert client.post(base + "boardpack/?country=fr").status_code == 400
    assert client.post("/s/" + "x" * 43 + "/boardpack/").status_code == 404
    assert not Job.objects.exists()


def test_a_shared_view_has_few_packs_under_way(client, issued, settings):
    settings.BOARDPACK_PER_LINK = 2
    base = f"/s/{issued.token}/boardpack/"
    assert client.post(base + "?stage=operational").status_code == 302
    assert client.post(base + "?stage=construction").status_code == 302
    response = client.post(base + "?stage=development")
    assert response.status_code == 429
    assert "already making several files" in response.content.decode()
    assert Job.objects.count() == 2


def test_a_shared_views_post_needs_no_csrf_cookie(issued, editor):
    """The shared pages send no referrer, so Chromium's form POST carries "Origin: null"; the
    token in the address is the whole authorisation, so these POSTs are not CSRF-checked."""
    client = Client(enforce_csrf_checks=True)
    base = f"/s/{issued.token}/"
    assert client.post(base + "boardpack/", HTTP_ORIGIN="null").status_code == 302
    assert client.post(base + "exports/xlsx/", HTTP_ORIGIN="null").status_code == 302
    # The signed-in side keeps its check.
    client.force_login(editor)
    assert client.post("/boardpack/", HTTP_ORIGIN="null").status_code == 403
    assert Job.objects.count() == 2


def test_a_pack_of_a_scenario_is_its_readers_and_never_another_users_private_one(
    editor_client, editor, gip
):
    """The pack, its print view and a large export resolve the view's scenario for the user
    who asked, as their dashboard does: their own private scenario is named in the pack,
    someone else's is refused by name like an unknown one, and no job starts."""
    ScenarioFactory(slug="mine", name="My slip", owner=editor, visibility="private")
    someone = User.objects.create_user("someone")
    ScenarioFactory(slug="theirs", name="Their plan", owner=someone, visibility="private")

    page = editor_client.get("/boardpack/print/?scenario=mine").content.decode()
    assert "My slip" in page
    refused = editor_client.get("/boardpack/print/?scenario=theirs")
    assert refused.status_code == 400 and "Their plan" not in refused.content.decode()
    assert editor_client.post("/boardpack/?scenario=theirs").status_code == 400
    assert not Job.objects.exists()

    response = editor_client.post("/boardpack/?scenario=mine")
    job = Job.objects.get(kind=KIND_NAME)
    assert response.status_code == 302 and job.params["query"] == "scenario=mine"
    # What the worker resolves: the owner's view; anyone else's (or nobody's) refuses it.
    assert resolve(PackView(query="scenario=mine", reader_id=editor.pk)).filters.applied
    for reader in (someone.pk, None):
        with pytest.raises(ViewUnavailable, match="scenario"):
            resolve(PackView(query="scenario=mine", reader_id=reader))
