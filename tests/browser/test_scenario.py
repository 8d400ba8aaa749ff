"""A scenario picked in the dashboard's filter bar, in Chromium on the demo data: every chart
redraws under it, the address carries it, the banner and the tile name it, Back returns to the
recorded portfolio, and nothing breaks the CSP."""

import pytest

from tests.browser.helpers import REGION_DRAWN, csp_violations
from tests.browser.test_dashboard import dashboard  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_picking_a_scenario_redraws_every_chart_under_it(dashboard, screenshot):  # noqa: F811
    page = dashboard
    page.evaluate("document.querySelector('#dashboard-charts').__old = true")
    page.select_option("select#scenario", "queued-up-attrition")
    page.wait_for_function(REGION_DRAWN)
    assert page.url == f"{page.base}/?scenario=queued-up-attrition"
    assert "Queued Up attrition" in page.locator(".scenario-banner").inner_text()
    assert "Under “Queued Up attrition”" in page.locator("#tile-pipeline").inner_text()
    # Two traces recorded, two under the scenario (the dated notes' markers are a trace apart).
    traces = page.evaluate(
        "[...document.querySelectorAll('#chart-capacity-online .js-plotly-plot')]"
        ".flatMap((plot) => plot.data).filter((trace) => trace.legendgroup !== 'notes')"
        ".map((trace) => trace.name)"
    )
    assert len(traces) == 4, traces
    screenshot("dashboard-scenario")
    assert csp_violations(page) == [] and page.problems == []

    page.reload()  # the address alone gives the same view
    page.wait_for_function(REGION_DRAWN)
    assert page.input_value("select#scenario") == "queued-up-attrition"

    page.evaluate("document.querySelector('#dashboard-charts').__old = true")
    page.go_back()
    page.wait_for_url(f"{page.base}/")
    page.wait_for_function(REGION_DRAWN)
    assert page.locator(".scenario-banner").count() == 0
    assert page.input_value("select#scenario") == ""
    assert csp_violations(page) == []
