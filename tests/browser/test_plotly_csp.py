"""plotly.js, htmx and static/js/charts.js under the strict CSP, in Debian's Chromium.

A self-contained probe page (tests/browser/csp_urls.py) loads the assets exactly as the
dashboard must: plotly-custom.min.js (plotly.js with only the project's trace types, built by
scripts/build-plotly), plotly.css and the world topology from static/vendor/plotly/, htmx from
django-htmx, and the marker elements that keep plotly.js and htmx from injecting <style>. It
checks that a bar chart, a map and an empty figure draw with no console error, no CSP violation
and no request leaving the live server; that the bundle registers exactly the traces its
manifest lists; that plotly.css styles the modebar; that a filter change, Back and Forward, a
400 and a click drill-down all work. When plotly.js is upgraded and the bundle injects CSS behind
a new guard id, these tests fail with a style-src violation: see static/vendor/README.md.
"""

import json
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.browser.csp_urls"),
]

DESKTOP = {"width": 1280, "height": 900}
VENDOR = Path(settings.BASE_DIR) / "static" / "vendor" / "plotly"
MANIFEST = json.loads((VENDOR / "plotly-custom.json").read_text(encoding="utf-8"))

# Every CSP violation, reported to Python through an exposed function: the list survives
# navigations (Back with the htmx cache off reloads the page).
WATCH_CSP = """
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__reportCsp(`${event.violatedDirective} ${event.blockedURI} ${where}`);
});
"""

# For each chart div: is there a plotly SVG, and how many marks of each kind does it hold.
CHART_STATE = """
() => Array.from(document.querySelectorAll(".plotly-chart")).map((div) => ({
  id: div.id,
  svg: div.querySelectorAll("svg.main-svg").length,
  bars: div.querySelectorAll(".bars path").length,
  geoPoints: div.querySelectorAll(".scattergeo path.point").length,
  countries: div.querySelectorAll(".geo .countries path, .geo .land path").length,
  annotation: Array.from(div.querySelectorAll(".annotation-text")).map((t) => t.textContent),
}))
"""

ALL_DRAWN = """
(bars) => {
  const state = (id) => document.getElementById(id);
  const b = state("chart-bars"), m = state("chart-map"), e = state("chart-empty");
  return !!(b && m && e)
    && b.querySelector("svg.main-svg") && b.querySelectorAll(".bars path").length === bars
    && m.querySelectorAll(".scattergeo path.point").length === 2
    && m.querySelectorAll(".geo .countries path").length > 0
    && e.querySelector(".annotation-text");
}
"""

FORM_STATE = """
() => ({
  stage: Array.from(document.querySelector("#stage").selectedOptions).map((o) => o.value),
  illustrative: document.querySelector("#illustrative").checked,
  year: document.querySelector("#year").value,
})
"""


@pytest.fixture
def watched(page, live_server):
    """The page at desktop width, with console errors, CSP violations and requests recorded."""
    page.set_viewport_size(DESKTOP)
    page.problems = []
    page.csp = []
    page.requests = []
    page.expose_function("__reportCsp", lambda text: page.csp.append(text))
    page.add_init_script(WATCH_CSP)
    page.on(
        "console",
        lambda msg: msg.type in ("error", "warning") and page.problems.append(msg.text),
    )
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("request", lambda request: page.requests.append(request.url))
    page.base = live_server.url
    return page


def wait_query(page, path, query):
    """Wait until the address bar shows `path` with `query` (empty parameters ignored: the form
    sends its empty text input as `year=`)."""

    def matches(url):
        parts = urlsplit(url)
        return parts.path == path and [(k, v) for k, v in parse_qsl(parts.query) if v] == query

    page.wait_for_url(matches)


def wait_drawn(page, bars):
    page.wait_for_function(ALL_DRAWN, arg=bars, timeout=15_000)


def assert_clean(page, *, expected=()):
    """No CSP violation, no console error but the expected ones, nothing from elsewhere."""
    assert page.csp == []
    problems = [p for p in page.problems if not any(e in p for e in expected)]
    assert problems == []
    outside = [
        url
        for url in page.requests
        if not url.startswith(page.base + "/") and not url.startswith(("data:", "blob:"))
    ]
    assert outside == []


def test_charts_draw_under_the_strict_csp_with_nothing_from_outside(watched, screenshot):
    page = watched
    response = page.goto(f"{page.base}/probe/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "style-src 'self'" in csp
    assert "unsafe" not in csp

    wait_drawn(page, bars=4)
    state = {chart["id"]: chart for chart in page.evaluate(CHART_STATE)}
    assert state["chart-bars"]["bars"] == 4
    assert state["chart-map"]["geoPoints"] == 2
    assert state["chart-map"]["countries"] > 0
    assert state["chart-empty"]["annotation"] == ["No data for these filters"]
    assert all(chart["svg"] for chart in state.values())

    # The map's topology and plotly.js (the custom bundle) came from our static folder.
    assert f"{page.base}/static/vendor/plotly/topojson/world_110m.json" in page.requests
    assert f"{page.base}/static/vendor/plotly/plotly-custom.min.js" in page.requests
    assert not any("plotly.min.js" in url for url in page.requests)
    assert not any("cdn.plot.ly" in url for url in page.requests)
    # The bundle registers exactly the traces its manifest lists (tests/test_plotly_bundle.py
    # checks every figure against the manifest).
    registered = page.evaluate("Object.keys(Plotly.PlotSchema.get().traces).sort()")
    assert registered == MANIFEST["traces"]
    assert page.evaluate("Plotly.version") == MANIFEST["plotly.js"]

    # plotly.js injected no <style> (the markers stand in for them); plotly.css is applied:
    # the modebar is positioned and hidden until the pointer is over the chart.
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    modebar = page.locator("#chart-bars .modebar")
    assert modebar.evaluate("el => getComputedStyle(el).position") == "absolute"
    group = page.locator("#chart-bars .modebar-group").first
    assert group.evaluate("el => getComputedStyle(el).opacity") == "0"
    page.locator("#chart-bars").hover()
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('#chart-bars .modebar-group')).opacity"
        " === '1'"
    )
    # charts.js's config: no Plotly logo, no lasso/select, a PNG named after the chart.
    assert page.locator("#chart-bars .modebar-btn[data-val='lasso2d']").count() == 0
    assert page.locator("#chart-bars a.modebar-btn[href='https://plotly.com/']").count() == 0
    assert page.evaluate(
        "document.getElementById('chart-bars')._context.toImageButtonOptions.filename"
    ) == ("probe-bars")
    # The indicator is styled by app.css (htmx's own <style> is switched off).
    assert page.locator("#progress").evaluate("el => getComputedStyle(el).opacity") == "0"

    page.mouse.move(0, 0)
    page.wait_for_timeout(400)  # the modebar fades out (0.3 s) before the screenshot
    screenshot("csp-probe")
    assert_clean(page)


@pytest.mark.parametrize("path", ["/probe/", "/probe/cached/"], ids=["no-cache", "htmx-cache"])
def test_filters_back_and_forward_redraw_with_the_form_matching_the_url(watched, path):
    """With htmx's history cache off (the dashboard: Back fetches the charts partial for the
    address and redraws in place) and on (Back restores the snapshot, which must hold no drawn
    SVG), the charts redraw and the form follows the URL."""
    page = watched
    page.goto(f"{page.base}{path}")
    wait_drawn(page, bars=4)

    page.select_option("#stage", ["construction"])
    wait_query(page, path, [("stage", "construction")])
    wait_drawn(page, bars=1)

    page.check("#illustrative")
    wait_query(page, path, [("stage", "construction"), ("illustrative", "1")])
    page.wait_for_function(
        "() => document.querySelector('#chart-bars .bars path') === null"
        " && document.querySelector('#chart-bars svg.main-svg')"
    )

    page.go_back()
    wait_query(page, path, [("stage", "construction")])
    wait_drawn(page, bars=1)
    assert page.evaluate(FORM_STATE) == {
        "stage": ["construction"],
        "illustrative": False,
        "year": "",
    }

    page.go_back()
    wait_query(page, path, [])
    wait_drawn(page, bars=4)
    assert page.evaluate(FORM_STATE) == {"stage": [], "illustrative": False, "year": ""}

    page.go_forward()
    wait_query(page, path, [("stage", "construction")])
    wait_drawn(page, bars=1)
    assert page.evaluate(FORM_STATE) == {
        "stage": ["construction"],
        "illustrative": False,
        "year": "",
    }

    if path == "/probe/cached/":
        # htmx's snapshots hold the figures' JSON but no drawn chart and no style attribute.
        snapshots = page.evaluate("JSON.parse(sessionStorage.getItem('htmx-history-cache'))")
        assert len(snapshots) == 3
        for snapshot in snapshots:
            assert 'id="chart-bars-data"' in snapshot["content"]
            assert "main-svg" not in snapshot["content"]
            assert "style=" not in snapshot["content"]
    assert_clean(page)


def test_a_rejected_filter_says_so_in_place(watched):
    page = watched
    page.goto(f"{page.base}/probe/")
    wait_drawn(page, bars=4)

    page.fill("#year", "20x7")
    page.dispatch_event("#year", "change")
    error = page.locator("#dashboard-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Year: enter a whole number")
    assert error.locator("[id]").count() == 0
    # The charts stay as they were; the URL too (htmx pushes no failed request).
    assert page.locator("#chart-bars .bars path").count() == 4
    assert page.url == f"{page.base}/probe/"

    page.fill("#year", "2027")
    page.dispatch_event("#year", "change")
    wait_query(page, "/probe/", [("year", "2027")])
    expect(error).to_be_hidden()
    # Chromium and htmx each log the failed request; nothing else may appear.
    assert_clean(page, expected=["status of 400 (Bad Request)", "Response Status Error Code 400"])


def test_a_click_on_a_bar_or_a_point_drills_down(watched):
    page = watched
    page.route(
        "**/projects/ashburn/",
        lambda route: route.fulfill(status=200, content_type="text/html", body="Ashburn"),
    )
    page.goto(f"{page.base}/probe/")
    wait_drawn(page, bars=4)

    # The third bar is "construction": its customdata is "?stage=construction".
    box = page.locator("#chart-bars .bars path").nth(2).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(re.compile(r"/probe/\?stage=construction$"))
    wait_drawn(page, bars=1)

    # A map point's customdata is a path of this site.
    point = page.locator("#chart-map .scattergeo path.point").first.bounding_box()
    page.mouse.click(point["x"] + point["width"] / 2, point["y"] + point["height"] / 2)
    page.wait_for_url(re.compile(r"/projects/ashburn/$"))
    assert_clean(page)


def test_the_pages_carry_the_guard_ids_of_the_bundle():
    """plotly.js skips injecting CSS it bundles when an element with that CSS's guard id is in
    the page (a hash that changes with plotly.js versions). The custom bundle has none today
    (the map library's CSS comes with the "map" traces only); should a rebuild bring one, the
    dashboard's <head> and the probe must carry it."""
    script = (VENDOR / MANIFEST["file"]).read_text(encoding="utf-8")
    guards = set(re.findall(r'getElementById\("([0-9a-f]{64})"\)', script))
    root = Path(settings.BASE_DIR)
    for template in (
        Path(__file__).parent / "templates" / "csp_probe.html",
        root / "templates" / "dashboard" / "head.html",
    ):
        text = template.read_text(encoding="utf-8")
        assert '<meta id="plotly.js-style-global" class="no-inline-styles">' in text
        for guard in guards:
            assert f'<meta id="{guard}">' in text, f"{template.name} lacks the guard id {guard}"
