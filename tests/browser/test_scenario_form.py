"""The scenario form in Chromium on the demo data (issue 17's browser test): change a slip and
see every chart redraw with it, nothing saved and no CSP violation; a bad value gets its
message on its field and leaves the charts as they were; Save as…, then Save over one's own;
reload from the address; share it, and open the link logged out in a second context: the
scenario named with its assumptions as they were."""

import re

import pytest

from aipdash.scenarios.models import Scenario
from tests.browser.helpers import REGION_DRAWN, csp_violations
from tests.browser.test_dashboard import dashboard  # noqa: F401 (fixture)
from tests.browser.test_sharing import anonymous  # noqa: F401 (fixture)
from tests.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LATE = "everything-a-year-late"


def move(page, name, value):
    """Type a value into the scenario form; wait until every chart of the new region drew."""
    page.evaluate("document.querySelector('#dashboard-charts').__old = true")
    page.fill(f"#sf-{name}", value)
    page.wait_for_function(REGION_DRAWN)


def traces(page):
    """Each chart's drawn figure (its data island's text), by chart id."""
    return page.evaluate(
        """() => Object.fromEntries(
             [...document.querySelectorAll('#dashboard-charts .plotly-chart')]
               .map((c) => [c.dataset.figureId, c.__drawnFigure]))"""
    )


def test_the_scenario_form_redraws_saves_and_shares(dashboard, anonymous, screenshot):  # noqa: F811
    page = dashboard
    page.goto(f"{page.base}/?scenario={LATE}")
    page.wait_for_function(REGION_DRAWN)
    assert page.locator("#scenario-panel").get_attribute("open") is not None
    assert page.input_value("#sf-slip_development_months") == "12"
    before = traces(page)

    # One value moved: every chart redrawn from a new region, the address carries the value.
    move(page, "slip_development_months", "30")
    assert "slip_development_months=30" in page.url and f"scenario={LATE}" in page.url
    after = traces(page)
    assert set(after) == set(before)
    changed = [key for key in after if after[key] != before[key]]
    assert len(changed) >= 3, changed  # the capacity, power balance and bridge at least
    assert "changed in the form, not saved" in page.inner_text(".scenario-banner")
    assert Scenario.objects.get(slug=LATE).slip_development_months == 12  # nothing saved
    screenshot("scenario-form-moved")
    page.screenshot(path=SCREENSHOTS / "scenario-form-viewport.png")  # the panel beside charts
    assert csp_violations(page) == [] and page.problems == []

    # A bad value: its message on its field, the charts as they were, the address unchanged.
    url = page.url
    page.fill("#sf-slip_development_months", "121")
    error = page.locator("#sf-slip_development_months-error")
    error.wait_for(state="visible")
    assert "0 to 120 months" in error.inner_text()
    assert page.get_attribute("#sf-slip_development_months", "aria-invalid") == "true"
    assert page.url == url and traces(page) == after
    screenshot("scenario-form-bad-value")
    page.locator("#scenario-panel").screenshot(path=SCREENSHOTS / "scenario-form-bad-field.png")
    page.problems[:] = [p for p in page.problems if "400" not in p]
    move(page, "slip_development_months", "30")
    error.wait_for(state="hidden")

    # Save as…: a scenario of the viewer's own; the address names it.
    page.click("a[data-scenario-save-as]")
    page.wait_for_url(re.compile(r"/scenarios/new/\?"))
    assert "development 30 months" in page.inner_text(".scenario-assumptions")
    page.fill("#id_name", "Late and later")
    page.click("button:has-text('Save')")
    page.wait_for_url(re.compile(r"/\?scenario=late-and-later$"))
    page.wait_for_function(REGION_DRAWN)
    mine = Scenario.objects.get(slug="late-and-later")
    assert mine.owner.username == "viewer" and mine.slip_development_months == 30

    # Save over one's own: a new version; reload from the address shows the saved value.
    version = mine.version
    move(page, "slip_announced_months", "6")
    page.click("button:has-text('Save')")
    page.wait_for_url(re.compile(r"/\?scenario=late-and-later$"))
    mine.refresh_from_db()
    assert mine.slip_announced_months == 6 and mine.version != version
    page.reload()
    page.wait_for_function(REGION_DRAWN)
    assert page.input_value("#sf-slip_announced_months") == "6"
    assert "not saved" not in page.inner_text(".scenario-banner")

    # Share it; then the owner changes it again: the link keeps the values it was made with.
    page.click("a:has-text('Share this view')")
    page.fill("#id_label", "Board, what if late")
    page.click("button:has-text('Create the link')")
    link = page.input_value("#share-url")
    move_url = f"{page.base}/?scenario=late-and-later"
    page.goto(move_url)
    page.wait_for_function(REGION_DRAWN)
    move(page, "slip_announced_months", "9")
    page.click("button:has-text('Save')")
    page.wait_for_url(re.compile(r"/\?scenario=late-and-later$"))
    assert csp_violations(page) == [] and page.problems == []

    shared = anonymous
    shared.goto(link)
    shared.wait_for_function(REGION_DRAWN)
    banner = shared.inner_text(".scenario-banner")
    assert "Late and later" in banner and "kept by viewer" in banner
    assert "announced 6 months" in banner and "development 30 months" in banner
    assert "announced 9 months" not in banner
    assert shared.locator("#scenario-panel").count() == 0  # nothing to change on a link
    screenshot("scenario-shared", of=shared)
    assert csp_violations(shared) == [] and shared.problems == []
