"""Compare scenarios in Chromium on the demo data: from the dashboard under a scenario,
"Compare with…" opens the recorded portfolio beside it; picking another scenario as A compares
the two; both sides' charts draw, the table lists the differences, and nothing breaks the CSP.
Screenshots: test-screenshots/scenario-compare*.png."""

import pytest

from tests.browser.helpers import ALL_DRAWN, PHONE, TOO_WIDE, csp_violations
from tests.browser.test_dashboard import dashboard  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_compare_with_from_the_dashboard_then_two_scenarios(dashboard, screenshot):  # noqa: F811
    page = dashboard
    page.goto(f"{page.base}/?stage=construction&stage=development&scenario=everything-a-year-late")
    page.wait_for_function(ALL_DRAWN)
    page.click("text=Compare with…")
    page.wait_for_url(
        f"{page.base}/scenarios/compare/?stage=construction&stage=development"
        "&b=everything-a-year-late"
    )
    page.wait_for_function(ALL_DRAWN)
    sides = page.locator(".compare-side")
    assert sides.count() == 2
    assert "Recorded portfolio" in sides.nth(0).inner_text()
    assert "Everything a year late" in sides.nth(1).inner_text()
    # Each side draws its power balance and capital bridge.
    assert page.locator(".compare-side .plotly-chart").count() == 4
    assert page.locator("#b-chart-power-balance g.trace").count() == 4  # recorded and late
    rows = page.locator(".compare-table tbody tr")
    assert rows.count() >= 12
    assert "Stage: Construction, Development" in page.locator(".compare-picker").inner_text()
    screenshot("scenario-compare")
    assert csp_violations(page) == [] and page.problems == []

    page.select_option("select#compare-a", "less-debt-1-5-to-1")
    page.click(".compare-picker button[type=submit]")
    page.wait_for_url("**a=less-debt-1-5-to-1**")
    page.wait_for_function(ALL_DRAWN)
    table = page.locator(".compare-table").inner_text()
    assert "1.50 : 1" in table and "Leverage" in table
    screenshot("scenario-compare-two")
    assert csp_violations(page) == [] and page.problems == []

    page.set_viewport_size(PHONE)  # a phone: the sides one above the other
    page.reload()
    page.wait_for_function(ALL_DRAWN)
    too_wide = page.evaluate(TOO_WIDE)
    assert too_wide["scroll"] <= PHONE["width"], too_wide
    screenshot("scenario-compare-phone")
    page.emulate_media(media="print")
    screenshot("scenario-compare-print")
    assert csp_violations(page) == [] and page.problems == []
