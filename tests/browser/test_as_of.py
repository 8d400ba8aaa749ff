"""The dashboard on a past day, in Chromium (issue 18): pick a date, the banner and every chart
redrawn for that day; compare with an earlier one (tiles with their change, charts with the
lighter earlier trace, the changes list); Back returns to each previous view, controls and
banner following the address; no CSP violation."""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from tests.browser.helpers import REGION_DRAWN, WATCH_CSP, csp_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def dashboard(page, live_server, viewer):
    cache.clear()
    call_command("load_demo", verbosity=0)
    problems = []
    page.add_init_script(WATCH_CSP)
    page.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server.url, viewer)
    page.problems, page.base = problems, live_server.url
    return page


def pick(page, field, day):
    """Type a day in a date field (a change event: htmx redraws the charts region)."""
    page.evaluate("document.querySelector('#dashboard-charts').__old = true")
    page.fill(field, day)
    page.wait_for_function(REGION_DRAWN)


def test_pick_a_day_compare_and_go_back(dashboard, screenshot):
    page = dashboard
    assert page.locator("#past-banner").count() == 0
    projects_today = page.locator("#tile-counts dd").first.inner_text()

    pick(page, "#as-of", "2025-01-31")
    page.wait_for_url(f"{page.base}/?as_of=2025-01-31")
    banner = page.locator("#past-banner").inner_text()
    assert "The portfolio as it stood on 31 Jan 2025" in banner
    assert "later changes are not shown" in banner
    assert page.locator("#dashboard-charts .plotly-chart").count() >= 6
    assert page.locator("#tile-counts dd").first.inner_text() != projects_today  # smaller
    screenshot("dashboard-as-of")

    pick(page, "#compare", "2024-12-31")
    page.wait_for_url(f"{page.base}/?as_of=2025-01-31&compare=2024-12-31")
    assert "since 31 Dec 2024" in page.locator("#tile-counts").inner_text()
    assert (
        "What changed between 31 Dec 2024 and 31 Jan 2025"
        in page.locator("#compare-changes").inner_text()
    )
    legends = page.locator("#dashboard-charts .legendtext").evaluate_all(
        "texts => texts.map((t) => t.textContent)"
    )
    assert "On 31 Dec 2024" in legends  # the earlier state, drawn as a lighter trace
    screenshot("dashboard-compare")

    mark = "document.querySelector('#dashboard-charts').__old = true"
    page.evaluate(mark)
    page.go_back()
    page.wait_for_url(f"{page.base}/?as_of=2025-01-31")
    page.wait_for_function(REGION_DRAWN)
    assert page.input_value("#compare") == ""
    assert page.input_value("#as-of") == "2025-01-31"
    assert page.locator("#compare-changes").count() == 0

    page.evaluate(mark)
    page.go_back()
    page.wait_for_url(f"{page.base}/")
    page.wait_for_function(REGION_DRAWN)
    assert page.input_value("#as-of") == ""
    assert page.locator("#past-banner").count() == 0
    assert page.locator("#tile-counts dd").first.inner_text() == projects_today

    assert csp_violations(page) == []
    assert page.problems == []


def test_a_day_before_the_first_record_is_refused_by_name(dashboard):
    response = dashboard.goto(f"{dashboard.base}/?as_of=2001-01-01")
    assert response.status == 400
    assert "As of" in dashboard.locator(".filter-errors").inner_text()
