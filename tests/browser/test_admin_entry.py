"""An editor enters a project with a phase and a participation in the admin, in Chromium."""

import re

import pytest
from playwright.sync_api import expect

from projects.models import Project
from tests.browser.helpers import csp_violations
from tests.factories import PartnerFactory, ProjectFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_editor_enters_a_project_in_the_admin(editor_page, live_server, screenshot):
    page = editor_page
    PartnerFactory(name="Global Infrastructure Partners", short_name="GIP")
    page.goto(f"{live_server.url}/admin/projects/project/add/")
    page.locator("#id_name").press_sequentially("Lakeside Campus")
    expect(page.locator("#id_slug")).to_have_value("lakeside-campus")  # prepopulated
    page.select_option("#id_kind", "data_centre")
    page.select_option("#id_stage", "construction")
    page.select_option("#id_country", "US")
    page.fill("#id_region", "Ohio")
    page.fill("#id_capacity_mw", "300")
    page.fill("#id_announced_on", "2025-02-01")
    page.fill("#id_expected_online", "2027-06-30")
    page.fill("#id_source_title", "Company release")
    page.fill("#id_source_url", "https://example.com/release")
    page.fill("#id_as_of", "2025-02-01")

    page.locator("#phases-group").get_by_text("Add another").click()
    page.fill("#id_phases-0-capacity_mw", "300")
    page.fill("#id_phases-0-expected_online", "2027-06-30")

    page.locator("#participations-group").get_by_text("Add another").click()
    # Autocomplete (select2): type and pick the partner.
    page.locator("#participations-0 .select2-selection").click()
    page.locator(".select2-search__field").fill("Global")
    page.locator(".select2-results__option", has_text="Global Infrastructure Partners").click()
    page.select_option("#id_participations-0-role", "equity_investor")
    page.fill("#id_participations-0-stake_percent", "60")

    screenshot("admin-project-add")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    project = Project.objects.get(slug="lakeside-campus")
    assert project.phases.get().capacity_mw == 300
    assert project.participations.get().partner.short_name == "GIP"
    assert page.problems == []

    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    expect(page.locator("body")).to_contain_text("Lakeside Campus")
    expect(page.locator("body")).to_contain_text(re.compile(r"300 MW"))


def test_a_broken_rule_shows_on_its_field(editor_page, live_server, screenshot):
    page = editor_page
    page.goto(f"{live_server.url}/admin/projects/project/add/")
    page.fill("#id_name", "Bad Campus")
    page.select_option("#id_kind", "data_centre")
    page.select_option("#id_stage", "operational")
    page.select_option("#id_country", "US")
    page.fill("#id_capacity_mw", "-3")
    page.fill("#id_announced_on", "2025-02-01")
    page.fill("#id_as_of", "2025-02-01")
    page.check("#id_illustrative")
    page.click("input[name=_save]")
    expect(page.locator(".field-capacity_mw .errorlist")).to_contain_text(
        "Capacity cannot be negative."
    )
    expect(page.locator(".field-expected_online .errorlist")).to_contain_text(
        "An operational project needs its online date."
    )
    screenshot("admin-project-errors")
    assert not Project.objects.exists()


def test_the_history_page_keeps_the_csp(editor_page, live_server, screenshot):
    page = editor_page
    project = ProjectFactory(name="Audited Campus")
    for mw in (250, 300):
        project.capacity_mw = mw
        project.save()

    page.goto(f"{live_server.url}/admin/projects/project/{project.pk}/history/")
    expect(page.locator("#change-history")).to_be_visible()
    expect(page.locator("#change-history tbody tr")).to_have_count(3)
    expect(page.locator(".paginator")).to_contain_text("3 entries")
    page.wait_for_load_state("load")
    screenshot("admin-project-history")

    assert csp_violations(page) == []
    assert page.problems == []
