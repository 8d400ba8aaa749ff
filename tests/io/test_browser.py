"""The import pages and the Excel link in Chromium, under the strict CSP."""

import csv
import io

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from projects.models import Project
from projects.resources import ProjectResource
from tests.browser.helpers import csp_violations
from tests.factories import InvestmentFactory, ProjectFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # The preview and the confirmation are jobs: a worker runs them beside the live server.
    pytest.mark.usefixtures("job_worker"),
]


JOB_TIMEOUT = 30_000  # ms: a job's outcome shows once the worker ran it and the page reloaded


def _csv(rows):
    header = ProjectResource().get_export_headers()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for values in rows:
        base = {
            "kind": "data_centre",
            "stage": "development",
            "country": "US",
            "region": "Ohio",
            "capacity_mw": "120.0",
            "announced_on": "2025-02-01",
            "expected_online": "2027-06-30",
            "source_title": "Company release",
            "source_url": "https://example.com/release",
            "as_of": "2025-02-01",
            "illustrative": "false",
        }
        base.update(values)
        writer.writerow([base.get(column, "") for column in header])
    return buffer.getvalue().encode()


def _choose_file(page, rows):
    """Puts a projects.csv of `rows` (see `_csv`) in the import form's file field."""
    page.set_input_files(
        "#id_import_file",
        files=[{"name": "projects.csv", "mimeType": "text/csv", "buffer": _csv(rows)}],
    )


def _no_problems(page):
    page.wait_for_load_state("load")
    assert csp_violations(page) == []
    assert page.problems == []


def test_a_mixed_file_is_previewed_row_by_row(editor_page, live_server, screenshot):
    page = editor_page
    InvestmentFactory(slug="aligned")
    ProjectFactory(slug="lakeside", name="Lakeside Campus", capacity_mw=200)
    ProjectFactory(
        slug="hillside",
        name="Hillside Campus",
        region="Ohio",
        capacity_mw=120,
        stage="development",
        announced_on="2025-02-01",
        expected_online="2027-06-30",
        latitude=None,
        longitude=None,
        source_title="Company release",
        source_url="https://example.com/release",
        as_of="2025-02-01",
        illustrative=False,
    )
    page.goto(f"{live_server.url}/admin/projects/project/")
    _no_problems(page)
    page.get_by_role("link", name="Import").click()
    expect(page.locator("h1")).to_contain_text("Import")
    _no_problems(page)
    screenshot("admin-import-form")

    rows = [
        {"slug": "riverside", "name": "Riverside Campus"},
        {
            "slug": "lakeside",
            "name": "Lakeside Campus",
            "capacity_mw": "250.0",
            "investment": "aligned",
            "stage": "construction",
        },
        {"slug": "hillside", "name": "Hillside Campus"},
        {"slug": "negative", "name": "Negative Campus", "capacity_mw": "-5"},
        {"slug": "unsourced", "name": "Unsourced", "source_title": "", "source_url": ""},
        {"slug": "orphan", "name": "Orphan Campus", "investment": "nowhere"},
    ]
    _choose_file(page, rows)
    page.get_by_role("button", name="Preview").click()
    summary = page.locator(".import-summary")
    expect(summary).to_contain_text("6 rows", timeout=JOB_TIMEOUT)
    expect(summary).to_contain_text("1 to create")
    expect(summary).to_contain_text("1 to update")
    expect(summary).to_contain_text("1 unchanged")
    expect(summary).to_contain_text("3 refused")
    expect(summary).to_contain_text("Nothing will be imported")
    expect(page.locator("tr.import-invalid")).to_have_count(3)
    expect(page.locator("tr.import-invalid").nth(0)).to_contain_text(
        "capacity_mw: Capacity cannot be negative."
    )
    changed = page.locator("tr.import-update td.import-cell-changed", has_text="250.0")
    expect(changed.locator("del")).to_have_text("200.0")
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)
    _no_problems(page)
    screenshot("admin-import-preview-refused")
    assert not Project.objects.filter(slug="riverside").exists()

    # The file's row to create and row to update only: confirmed, written.
    _choose_file(page, rows[:2])
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".import-summary")).to_contain_text("0 refused", timeout=JOB_TIMEOUT)
    _no_problems(page)
    screenshot("admin-import-preview-valid")
    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator(".messagelist")).to_contain_text("1 new, 1 updated", timeout=JOB_TIMEOUT)
    _no_problems(page)
    assert Project.objects.get(slug="lakeside").capacity_mw == 250
    assert Project.objects.filter(slug="riverside").exists()


def test_a_confirmation_after_someone_changed_a_record_is_refused(
    editor_page, live_server, screenshot
):
    """Previewed, then changed by Bob in the admin, then confirmed: refused with Bob's change
    named, the file previewed again; confirming that second preview imports the file."""
    page = editor_page
    bob = User.objects.create_user("bob", is_staff=True)
    ProjectFactory(slug="lakeside", name="Lakeside Campus", capacity_mw=200, stage="development")
    page.goto(f"{live_server.url}/admin/projects/project/import/")
    _choose_file(page, [{"slug": "lakeside", "name": "Lakeside Campus II"}])
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".import-summary")).to_contain_text("1 to update", timeout=JOB_TIMEOUT)

    lakeside = Project.objects.get(slug="lakeside")
    lakeside.capacity_mw = 350
    lakeside.description = "Second hall added"
    lakeside._history_user = bob
    lakeside.save()

    page.get_by_role("button", name="Confirm import").click()
    refusal = page.locator(".import-refused")
    expect(refusal).to_contain_text("Nothing was imported", timeout=JOB_TIMEOUT)
    expect(refusal).to_contain_text("Project “Lakeside Campus” (line 2 of your file)")
    expect(refusal).to_contain_text("was changed by bob on")
    expect(refusal).to_contain_text("Capacity (MW): 200.0 → 350.0 (your file has 120.0)")
    expect(refusal).to_contain_text("What to do")
    row = page.locator("tr.import-update", has_text="changed since your preview")
    expect(row.locator("td.import-cell-changed", has_text="120.0").locator("del")).to_have_text(
        "350.0"
    )
    _no_problems(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot("admin-import-refused-changed-since-preview")
    assert Project.objects.get(slug="lakeside").name == "Lakeside Campus"

    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator(".messagelist")).to_contain_text("1 updated", timeout=JOB_TIMEOUT)
    assert Project.objects.get(slug="lakeside").name == "Lakeside Campus II"


def test_a_long_file_shows_its_progress_then_imports(editor_page, live_server, screenshot):
    """1,200 rows: the preview's progress bar moves while its job runs (the page polls it
    under the strict CSP), the preview shows, the confirmation's job imports them all, and the
    job is listed in My jobs with its result to download."""
    page = editor_page
    rows = [{"slug": f"long-{i}", "name": f"Long Campus {i}"} for i in range(1200)]
    page.goto(f"{live_server.url}/admin/projects/project/import/")
    _choose_file(page, rows)
    page.get_by_role("button", name="Preview").click()
    bar = page.locator("progress.job-progress__bar")
    expect(bar).to_be_visible()
    expect(page.locator(".job-progress")).to_contain_text("Checking")
    seen = set()
    for _ in range(200):  # watch the bar move until the preview replaces it
        if page.locator(".import-summary").count():
            break
        if bar.count() and bar.first.get_attribute("value"):
            seen.add(int(bar.first.get_attribute("value")))
            if len(seen) == 2:
                screenshot("admin-import-progress")
        page.wait_for_timeout(100)
    assert len({value for value in seen if 0 < value < 1200}) >= 2, seen  # it moved
    summary = page.locator(".import-summary")
    expect(summary).to_contain_text("1200 rows", timeout=60_000)
    expect(summary).to_contain_text("1200 to create")
    expect(page.locator(".import-shown")).to_contain_text("Download this preview (CSV)")
    _no_problems(page)

    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator(".messagelist")).to_contain_text("1200 new", timeout=120_000)
    _no_problems(page)
    assert Project.objects.filter(slug__startswith="long-").count() == 1200

    page.goto(f"{live_server.url}/jobs/")
    expect(page.locator("tr.job-row")).to_have_count(2)
    expect(page.locator("tr.job-row").first).to_contain_text("Import")
    page.get_by_role("link", name="Import preview").click()
    expect(page.locator(".job-progress")).to_contain_text("Done")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download projects-preview.csv").click()
    assert download.value.suggested_filename == "projects-preview.csv"
    _no_problems(page)
    screenshot("job-page-done")


def test_the_dashboard_links_its_workbook(editor_page, live_server, screenshot):
    page = editor_page
    ProjectFactory()
    page.goto(f"{live_server.url}/?stage=construction")
    link = page.get_by_role("link", name="Download all charts (Excel)")
    expect(link).to_have_attribute("href", "/export.xlsx?stage=construction")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path="test-screenshots/dashboard-excel-link.png")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith("aip-dashboard-filtered-")
    _no_problems(page)
