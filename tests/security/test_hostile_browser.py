"""A hostile partner and project name in a real Chromium page: the charts draw it as text
(legend, axis, hover), no element or link is injected, nothing runs, no CSP violation."""

import pytest
from django.contrib.auth.models import Group, User

from tests import factories
from tests.browser.helpers import WATCH_CSP, csp_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "hostile-pass-1234"
SHORT = '<b>B</b><a href="/evil">L</a><br>&🚀'
NAME = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>Evil & Co'
PROJECT = '<a href="/evil">Campus</a><i>X</i> \u202eRTL'

CHART_TEXT = """() => [...document.querySelectorAll('.plotly-chart text')]
  .map((t) => t.textContent).join('|')"""
INJECTED = """() => ({
  links: document.querySelectorAll('.plotly-chart a').length,
  bold: document.querySelectorAll('.plotly-chart tspan[style*="bold"]').length,
  evil: document.querySelectorAll('a[href*="evil"], img[src="x"]').length,
  xss: window.__xss || 0,
})"""


@pytest.fixture
def site(live_server, groups):
    partner = factories.PartnerFactory(name=NAME, short_name=SHORT, slug="hostile")
    project = factories.ProjectFactory(name=PROJECT, slug="hostile-campus")
    factories.ParticipationFactory(partner=partner, project=project)
    factories.CommitmentFactory(partner=partner, project=project)
    user = User.objects.create_user("reader", password=PASSWORD)
    user.groups.add(Group.objects.get(name="viewer"))
    return live_server.url


def _has_area(mark):
    box = mark.bounding_box()
    return box is not None and box["width"] > 0 and box["height"] > 0


def test_hostile_names_draw_as_text_in_every_chart(site, page, screenshot):
    page.add_init_script(WATCH_CSP)
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username").fill("reader")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site}/")

    for name, path in (
        ("hostile-dashboard", "/?partner=hostile"),
        ("hostile-partner", "/partners/hostile/"),
        ("hostile-project", "/projects/hostile-campus/"),
    ):
        page.goto(site + path)
        page.wait_for_function("() => document.querySelector('.plotly-chart g.trace')")
        page.wait_for_load_state("networkidle")
        # Hover over the marks: the hover text (with the names) is drawn too.
        hovered = []
        marks = page.locator(".plotly-chart g.trace .points path").all()
        # A mark of no area (a bar of zero, as the capital bridge draws for a portfolio without
        # costs) cannot be pointed at, by a person or by Playwright.
        for mark in [m for m in marks if _has_area(m)][:8]:
            mark.scroll_into_view_if_needed()
            mark.hover(force=True)
            page.wait_for_timeout(80)
            hovered.append(page.locator(".hoverlayer").first.text_content() or "")
            hovered += [t or "" for t in page.locator(".hoverlayer").all_text_contents()]
            assert page.evaluate(INJECTED) == {"links": 0, "bold": 0, "evil": 0, "xss": 0}, path
        assert any(hovered), f"{path}: no hover text shown"
        if path != "/partners/hostile/":
            assert any("<b>B</b>" in h for h in hovered), f"{path}: hover {hovered}"
        text = page.evaluate(CHART_TEXT)
        if path != "/partners/hostile/":  # its charts are by instrument and stage, no names
            assert "<b>B</b>" in text, f"{path}: the name is not drawn as typed: {text[:300]}"
        assert page.evaluate(INJECTED) == {"links": 0, "bold": 0, "evil": 0, "xss": 0}, path
        assert csp_violations(page) == [], path
        # The page around the charts shows the names as text too.
        body = page.locator("main").inner_text()
        assert "<b>B</b>" in body or "<img src=x" in body or "<a href" in body, path
        screenshot(name)
