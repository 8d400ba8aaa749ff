"""In Chromium: a signed-in reader presses "Board pack (PDF)" on the dashboard, watches the job's
progress bar move while a worker makes the pack, downloads the PDF when it is done, and the PDF
reads as the view (pdftotext); a shared view's reader, signed out, gets the link's pack and a
large workbook through the link. No CSP violation on the way."""

import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command

from tests.boardpack.conftest import pdf_text
from tests.browser.helpers import committee_link, csp_violations, sign_in, watch
from tests.conftest import SCREENSHOTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("job_worker", "chromium_ready"),
]


def test_start_a_pack_watch_it_move_and_download_it(
    page, live_server, viewer, tmp_path, screenshot
):
    cache.clear()
    call_command("load_demo", verbosity=0)
    watch(page)
    sign_in(page, live_server.url, viewer)
    page.goto(f"{live_server.url}/?stage=operational")
    screenshot("boardpack-button")
    page.click("button:has-text('Board pack (PDF)')")
    page.wait_for_url(f"{live_server.url}/jobs/*/")
    assert page.inner_text("h1") == "Board pack (PDF)"

    seen = []  # (state, value, max) of the progress bar, as the page shows it
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = page.get_attribute(".job-progress", "data-job-state", timeout=10_000)
        bar = page.locator(".job-progress__bar")
        value = bar.get_attribute("value") if bar.count() else None
        top = bar.get_attribute("max") if bar.count() else None
        if not seen or seen[-1] != (state, value, top):
            seen.append((state, value, top))
        if state == "done" and page.locator("text=Download").count():
            break
        if state == "failed":
            pytest.fail(page.inner_text(".job-progress"))
        time.sleep(0.1)
    states = [s for s, _v, _m in seen]
    assert "running" in states and states[-1] == "done", seen
    moving = {int(v) for s, v, m in seen if s == "running" and v is not None}
    # The page showed the bar part-way while the worker ran. How many steps it catches depends
    # on the machine's speed (it asks each second; a fast pack passes steps 1-3 in 2 s), so one
    # part-way bar is what can be asserted; make_pack's steps are counted in test_pdf.
    assert moving and max(moving) < 5, seen
    assert "Your board pack is ready" in page.inner_text(".job-progress")
    screenshot("boardpack-job-done")

    with page.expect_download() as download:
        page.click("a:has-text('Download')")
    path = download.value.path()
    assert download.value.suggested_filename.startswith("aip-board-pack-filtered-")
    text = " ".join(pdf_text(Path(path).read_bytes(), tmp_path).split())
    assert "Portfolio dashboard" in text and "Stage: Operational" in text
    assert "Commitments by partner" in text and "Page 1 of" in text
    assert csp_violations(page) == []
    assert page.problems == []


def test_a_shared_views_reader_gets_its_pack_and_a_large_file_through_the_link(
    browser, live_server, viewer, tmp_path, settings
):
    cache.clear()
    call_command("load_demo", verbosity=0)
    issued = committee_link(viewer)  # GIP and MGX
    settings.EXPORT_JOB_ROWS = 1
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = watch(context.new_page())
    base = f"{live_server.url}/s/{issued.token}/"
    page.goto(base)
    page.click("button:has-text('Board pack (PDF)')")
    page.wait_for_url(f"{base}jobs/*/")
    page.wait_for_selector("a:has-text('Download')", timeout=120_000)
    assert page.locator("nav.site-nav").count() == 0  # a reader without an account
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "boardpack-shared-job.png", full_page=True)
    with page.expect_download() as download:
        page.click("a:has-text('Download')")
    text = " ".join(pdf_text(Path(download.value.path()).read_bytes(), tmp_path).split())
    assert "For the investment committee" in text and "Partner: GIP, MGX" in text
    assert "BlackRock" not in text and "Microsoft" not in text.replace("Microsoft-backed", "")

    page.goto(base)
    page.click("text=Download all charts (Excel)")
    page.wait_for_url(f"{base}exports/xlsx/")
    assert "Make the file" in page.inner_text("main")
    page.screenshot(path=SCREENSHOTS / "boardpack-export-offer.png", full_page=True)
    page.click("button:has-text('Make the file')")
    page.wait_for_selector("a:has-text('Download')", timeout=120_000)
    with page.expect_download() as download:
        page.click("a:has-text('Download')")
    assert download.value.suggested_filename.startswith("aip-shared-view-")
    assert csp_violations(page) == []
    assert page.problems == []
    context.close()
