"""A shared link in a logged-out Chromium: the view draws, an allowed filter narrows it,
widening is refused, and the embed shows inside a page of an allowed origin only."""

import http.server
import threading

import pytest
from django.core.cache import cache
from django.core.management import call_command

from aipdash.dashboard.filters import DashboardFilters
from aipdash.sharing import services
from tests.browser.helpers import REGION_DRAWN, WATCH_CSP, csp_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def link(viewer):
    cache.clear()
    call_command("load_demo", verbosity=0)
    return services.create(
        user=viewer,
        label="For the investment committee",
        filters=DashboardFilters(partner=("gip", "mgx"), kind=("data_centre",)),
        open_filters=["partner"],
        days=30,
    )


@pytest.fixture
def anonymous(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(WATCH_CSP)
    page.problems, page.requests = [], []
    page.on("console", lambda m: m.type in ("error", "warning") and page.problems.append(m.text))
    page.on("request", lambda r: page.requests.append(r.url))
    yield page
    context.close()


def test_a_logged_out_viewer_sees_narrows_but_cannot_widen(
    anonymous, live_server, link, screenshot
):
    page = anonymous
    address = f"{live_server.url}/s/{link.token}/"
    page.goto(address)
    page.wait_for_function(REGION_DRAWN)
    assert "For the investment committee" in page.inner_text("h1")
    assert page.locator("nav.site-nav").count() == 0
    assert page.locator("summary:has-text('Stage')").count() == 0  # not open to the viewer
    screenshot("shared-view", of=page)

    page.evaluate("document.querySelector('#dashboard-charts').__old = true")
    page.click("summary:has-text('Partner')")
    assert page.locator("input[name=partner]").count() == 2  # only the shared partners
    page.check("input[name=partner][value=gip]")
    page.wait_for_url(f"{address}?partner=gip")
    page.wait_for_function(REGION_DRAWN)
    bars = page.locator("#chart-commitments-by-partner").inner_text()
    assert "MGX" not in bars

    # Back redraws the shared view in place (no page load), its controls following the address.
    page.evaluate("window.__samePage = true")
    page.evaluate("document.querySelector('#dashboard-charts').__old = true")
    page.go_back()
    page.wait_for_url(address)
    page.wait_for_function(REGION_DRAWN)
    assert not page.is_checked("input[name=partner][value=gip]")
    assert "MGX" in page.locator("#chart-commitments-by-partner").inner_text()
    assert page.evaluate("window.__samePage") is True

    response = page.goto(f"{address}?partner=microsoft")
    assert response.status == 400
    assert "Unknown partner" in page.inner_text(".filter-errors")
    response = page.goto(f"{address}?stage=operational")
    assert response.status == 400
    page.problems[:] = [p for p in page.problems if "400" not in p]

    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url

    assert csp_violations(page) == []
    assert page.problems == []
    assert all(u.startswith(live_server.url) for u in page.requests)


class _Host(http.server.BaseHTTPRequestHandler):
    frame = ""

    def do_GET(self):
        body = (
            "<!doctype html><title>Intranet</title>"
            f'<iframe id="f" src="{self.frame}" width="1000" height="700"></iframe>'
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def intranet():
    """Two host pages on other origins (other ports): one allowed to frame, one not."""
    servers = []
    for _ in range(2):
        server = http.server.HTTPServer(("127.0.0.1", 0), _Host)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    yield [f"http://127.0.0.1:{s.server_address[1]}" for s in servers]
    for server in servers:
        server.shutdown()


def test_the_embed_shows_only_inside_an_allowed_origin(
    anonymous, live_server, link, intranet, settings, screenshot
):
    allowed, other = intranet
    settings.SHARE_EMBED_ORIGINS = [allowed]
    _Host.frame = f"{live_server.url}/s/{link.token}/?embed=1"
    page = anonymous

    page.goto(allowed)
    frame = page.frame_locator("#f")
    frame.locator("#dashboard-charts .plotly-chart").first.wait_for()
    page.wait_for_timeout(500)
    embedded = next(f for f in page.frames if "/s/" in f.url)
    embedded.wait_for_function(REGION_DRAWN)
    assert embedded.locator("#dashboard-filters").count() == 0
    screenshot("shared-embed", of=page)

    page.problems.clear()
    page.goto(other)
    page.wait_for_timeout(1500)
    framed = [f for f in page.frames if f is not page.main_frame]
    assert framed
    assert all(f.locator("#dashboard-charts").count() == 0 for f in framed)
    assert any("frame-ancestors" in p for p in page.problems)
