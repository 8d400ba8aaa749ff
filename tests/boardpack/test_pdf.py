"""The board pack's PDF, made by Debian's Chromium: its text is searchable and says what the
issue asks (cover, filters, as-of date, illustrative notice, who and when, each chart with its
sources, page numbers); its pages, seen as pictures, each hold a drawn chart; a shared view's
pack holds nothing its link does not show; the job fails in words without Chromium."""

import re

import pytest
from django.core.cache import cache
from django.core.management import call_command

from aipdash.boardpack.jobs import start_pack
from aipdash.boardpack.pack import PackView, ViewUnavailable
from aipdash.boardpack.render import make_pack
from aipdash.dashboard import blocks
from aipdash.dashboard.filters import DashboardFilters
from aipdash.jobs.context import JobContext
from aipdash.jobs.models import Job, JobFile
from aipdash.sharing import services
from partners.models import Partner
from projects.models import Project
from tests.boardpack.conftest import ink, pdf_pages, pdf_text, run_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    cache.clear()
    call_command("load_demo", verbosity=0)


@pytest.mark.browser
def test_the_dashboard_pack_reads_as_text_and_every_chart_is_drawn(
    demo, editor, tmp_path, chromium_ready, monkeypatch
):
    steps = []  # each step the job reported, in order: what its progress bar shows
    reported = JobContext.progress

    def spy(self, done, total=None, message=None):
        steps.append((done, total, message))
        reported(self, done, total, message)

    monkeypatch.setattr(JobContext, "progress", spy)
    job = start_pack(owner=editor, view=PackView(query=""), made_by="Ana Silva")
    run_jobs()
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.message
    assert job.done == job.total == 5
    assert [(done, total) for done, total, _words in steps] == [(n, 5) for n in range(5)]
    assert all(words for _done, _total, words in steps)  # each step says what is being done
    file = JobFile.objects.get(job=job, role=JobFile.RESULT)
    assert file.content_type == "application/pdf" and file.name.startswith("aip-board-pack-")
    pdf = bytes(file.content)
    assert pdf.startswith(b"%PDF")

    text = pdf_text(pdf, tmp_path)
    flat = " ".join(text.split())
    assert "AI INFRASTRUCTURE PARTNERSHIP · BOARD PACK" in flat
    assert "Filters none (the whole portfolio)" in flat
    assert re.search(r"Data as of \d{1,2} \w+ 20\d\d", flat)
    assert "Includes illustrative data." in flat
    assert "Made by Ana Silva, " in flat
    assert "Equity committed" in flat and "$" in flat  # the headline, with its unit
    charts = [blocks.chart(name, DashboardFilters()).data for name in blocks.CHART_NAMES]
    for data in charts:
        assert data.title in flat
    for source in charts[0].sources:
        assert source.url in flat.replace(" ", "") or source.title in flat
    pages = len(charts) + 1  # the cover, then a page per chart
    for number in range(1, pages + 1):
        assert f"Page {number} of {pages}" in flat
    assert flat.count("AIP Dashboard · board pack · Portfolio dashboard · made") == pages

    pictures = pdf_pages(pdf, tmp_path, "boardpack-dashboard")
    assert len(pictures) == pages
    width, height, _ = pictures[0]
    assert width > height  # A4 landscape
    assert ink(pictures[0]) > 0.01  # the cover's text
    for picture in pictures[1:]:
        # The middle of a chart's page is its figure: drawn, not an empty box.
        assert ink(picture, 0.15, 0.55) > 0.02


@pytest.mark.browser
def test_a_shared_views_pack_holds_nothing_its_link_does_not_show(
    demo, viewer, client, tmp_path, chromium_ready
):
    issued = services.create(
        user=viewer,
        label="For the investment committee",
        filters=DashboardFilters(partner=("mgx",)),
        open_filters=["stage"],
        days=30,
    )
    view = PackView(query="stage=operational", link_id=issued.link.pk)
    pdf = make_pack(view, made_by="A viewer").pdf
    text = " ".join(pdf_text(pdf, tmp_path).split())
    page = client.get(f"/s/{issued.token}/?stage=operational").content.decode()
    assert "For the investment committee" in text and "Stage: Operational" in text

    names = [*Partner.objects.values_list("name", flat=True)]
    names += [*Partner.objects.values_list("short_name", flat=True)]
    names += [*Project.objects.values_list("name", flat=True)]
    in_pack = {name for name in names if name in text}
    assert "MGX" in in_pack
    assert in_pack <= {name for name in names if name in page}
    # Something the whole portfolio shows, and this link does not: the check can fail.
    whole = " ".join(pdf_text(make_pack(PackView(), made_by="x").pdf, tmp_path).split())
    assert {name for name in names if name in whole} - in_pack

    with pytest.raises(ViewUnavailable, match="Partner"):
        make_pack(PackView(query="partner=gip", link_id=issued.link.pk), made_by="x")


def test_a_pack_of_a_revoked_link_fails_in_words(demo, viewer):
    issued = services.create(
        user=viewer, label="Old", filters=DashboardFilters(), open_filters=[], days=30
    )
    job = start_pack(owner=viewer, view=PackView(link_id=issued.link.pk), made_by="x")
    services.revoke(issued.link)
    run_jobs()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "expired or been revoked" in job.message
    assert not JobFile.objects.filter(job=job, role=JobFile.RESULT).exists()


def test_without_chromium_the_job_fails_with_a_message(db, editor, settings):
    settings.BOARDPACK_CHROMIUM = "/nonexistent/chromium"
    job = start_pack(owner=editor, view=PackView(query="stage=operational"), made_by="x")
    run_jobs()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "Chromium browser that prints them is not installed" in job.message
    assert "/nonexistent/chromium" in job.message
