"""The pages in a real browser (Debian's Chromium): sign in through the form, open home, a partner
and a project, at desktop width and at 390 px, with no console error and no CSP violation; the
partner and project pages' charts draw, and their links lead into the filtered dashboard.

Screenshots go to test-screenshots/ (git-ignored) so that a person can look at them.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User

from projects.models import Commitment, FundraisingUpdate, Participation, Target
from tests.browser.helpers import PHONE, WATCH_CSP, csp_violations
from tests.factories import (
    CommitmentFactory,
    InvestmentFactory,
    ParticipationFactory,
    PartnerFactory,
    ProjectFactory,
    ProjectPhaseFactory,
    TargetFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "browser-pass-1234"


def sourced(title, url, as_of):
    return {"illustrative": False, "source_title": title, "source_url": url, "as_of": as_of}


def build_portfolio():
    launch = sourced(
        "Microsoft-backed partnership aims to raise $100 billion for AI infrastructure (PYMNTS)",
        "https://example.com/launch",
        dt.date(2024, 9, 17),
    )
    deal_news = sourced(
        "AIP, MGX and GIP to acquire all equity in Aligned Data Centers (Business Wire)",
        "https://example.com/aligned",
        dt.date(2025, 10, 15),
    )
    equity = TargetFactory(
        name="Equity target", scope=Target.Scope.EQUITY, amount_usd=Decimal("30000000000"), **launch
    )
    TargetFactory(
        name="Total investment",
        scope=Target.Scope.TOTAL,
        amount_usd=Decimal("100000000000"),
        **launch,
    )
    FundraisingUpdate.objects.create(
        target=equity,
        amount_raised_usd=Decimal("12500000000"),
        **sourced(
            "BlackRock says AI partnership raises $12.5B toward $30B goal (PYMNTS)",
            "https://example.com/raised",
            dt.date(2026, 1, 15),
        ),
    )
    blackrock = PartnerFactory(
        name="BlackRock",
        short_name="BlackRock",
        slug="blackrock",
        role="founding_member",
        joined_on=dt.date(2024, 9, 17),
        headquarters_country="US",
        colour="#1f3a93",
        **launch,
    )
    gip = PartnerFactory(
        name="Global Infrastructure Partners",
        short_name="GIP",
        slug="gip",
        kind="infrastructure_investor",
        role="founding_member",
        parent=blackrock,
        joined_on=dt.date(2024, 9, 17),
        headquarters_country="US",
        website="https://www.global-infra.com/",
        description="Infrastructure investor; part of BlackRock since 1 October 2024.",
        colour="#2ca02c",
        **launch,
    )
    mgx = PartnerFactory(
        name="MGX",
        short_name="MGX",
        slug="mgx",
        kind="sovereign_investor",
        role="founding_member",
        joined_on=dt.date(2024, 9, 17),
        headquarters_country="AE",
        colour="#d62728",
        **launch,
    )
    PartnerFactory(
        name="Cisco",
        short_name="Cisco",
        slug="cisco",
        kind="technology_company",
        role="technology_partner",
        colour="#17becf",
        **launch,
    )
    aligned = InvestmentFactory(
        name="Aligned Data Centers",
        slug="aligned",
        enterprise_value_usd=Decimal("40000000000"),
        announced_on=dt.date(2025, 10, 15),
        expected_close_by=dt.date(2026, 6, 30),
        stated_sites=50,
        stated_capacity_mw=Decimal(5000),
        **deal_news,
    )
    campuses = [
        ("Dallas campus", "dallas", "US", "Texas", "operational", 650, (32.7767, -96.797)),
        ("Phoenix campus", "phoenix", "US", "Arizona", "construction", 1300, (33.4484, -112.074)),
        ("Northern Virginia campus", "nova", "US", "Virginia", "development", 480, (39.04, -77.49)),
        ("Querétaro campus", "queretaro", "MX", "Querétaro", "announced", 300, (20.59, -100.39)),
    ]
    projects = {}
    for name, slug, country, region, stage, mw, (lat, lon) in campuses:
        projects[slug] = ProjectFactory(
            name=name,
            slug=slug,
            country=country,
            region=region,
            stage=stage,
            capacity_mw=Decimal(mw),
            latitude=Decimal(str(lat)),
            longitude=Decimal(str(lon)),
            announced_on=dt.date(2025, 10, 15),
            expected_online=dt.date(2027, 6, 30),
            capital_cost_usd=Decimal(mw) * Decimal(10_000_000),
            investment=aligned,
        )
    phoenix = projects["phoenix"]
    ProjectPhaseFactory(
        project=phoenix,
        sequence=1,
        name="Building A",
        stage="operational",
        capacity_mw=600,
        expected_online=dt.date(2025, 12, 1),
    )
    ProjectPhaseFactory(
        project=phoenix,
        sequence=2,
        name="Building B",
        stage="construction",
        capacity_mw=700,
        expected_online=dt.date(2027, 6, 30),
    )
    for project in projects.values():
        ParticipationFactory(project=project, partner=gip, stake_percent=Decimal(60))
        ParticipationFactory(project=project, partner=mgx, stake_percent=Decimal(40))
    ParticipationFactory(
        project=phoenix, partner=gip, role=Participation.Role.OPERATOR, stake_percent=None
    )
    CommitmentFactory(
        partner=gip, amount_usd=Decimal("7500000000"), committed_on=dt.date(2025, 3, 1)
    )
    CommitmentFactory(
        partner=mgx, amount_usd=Decimal("5000000000"), committed_on=dt.date(2025, 3, 1)
    )
    CommitmentFactory(
        partner=gip,
        project=phoenix,
        instrument=Commitment.Instrument.DEBT,
        status=Commitment.Status.ANNOUNCED,
        amount_usd=Decimal("2400000000"),
        committed_on=dt.date(2025, 11, 20),
        note="Construction facility",
    )


# Every chart of the page has drawn: an SVG with marks in each.
ALL_DRAWN = """(count) => {
  const charts = [...document.querySelectorAll('.plotly-chart')];
  return charts.length === count && charts.every((c) => c.querySelector('g.trace'));
}"""


def charts_drawn(page, count):
    """Every chart drew; hovering over each one's marks shows its hover text without breaking
    the CSP (plotly.js turns styling tags in hover text into blocked style attributes)."""
    page.wait_for_function(ALL_DRAWN, arg=count)
    assert page.locator(".chart-empty").count() == 0
    for chart in page.locator(".plotly-chart").all():
        chart.scroll_into_view_if_needed()
        shown = 0
        for mark in chart.locator("g.trace path.point, g.trace .points path").all()[:3]:
            mark.hover(force=True)
            page.wait_for_timeout(50)
            shown += chart.locator(".hoverlayer > *").count()
        box = chart.locator(".nsewdrag").first.bounding_box()
        page.mouse.move(box["x"] + box["width"] * 0.7, box["y"] + box["height"] / 2)
        page.wait_for_timeout(50)
        shown += chart.locator(".hoverlayer > *").count()
        assert shown, f"no hover text on {chart.get_attribute('data-figure-id')}"
    page.mouse.move(0, 0)
    page.wait_for_timeout(600)  # the toolbar fades out: screenshots without it
    assert page.locator(".hoverlayer > *").count() == 0
    assert csp_violations(page) == []


@pytest.fixture
def site(live_server, groups):
    build_portfolio()
    analyst = User.objects.create_user(
        "analyst", password=PASSWORD, first_name="Ada", last_name="Analyst"
    )
    analyst.groups.add(Group.objects.get(name="viewer"))  # the site's pages need a role
    return live_server.url


@pytest.fixture
def watched(page):
    """The page, with console errors, failed requests and CSP violations collected."""
    problems = []
    page.add_init_script(WATCH_CSP)
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text}")
            if msg.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on(
        "response",
        lambda r: problems.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None,
    )
    page.on("requestfailed", lambda r: problems.append(f"failed {r.url}"))
    page.problems = problems
    return page


@pytest.fixture
def check(screenshot):
    return lambda page, name: _check(page, name, screenshot)


def _check(page, name, screenshot):
    """No CSP violation, nothing wider than the window, and a screenshot."""
    page.wait_for_load_state("load")
    violations = csp_violations(page)
    assert violations == [], violations
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{name} scrolls sideways: {width}px"
    screenshot(name)


def sign_in(page, site):
    page.goto(f"{site}/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Username").fill("analyst")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site}/")
    # Sign-in lands on the dashboard, whose charts fetch data (the world map's topology):
    # leaving before they finish would abort those requests and count them as failures.
    page.wait_for_load_state("networkidle")


def test_sign_in_and_read_the_pages(site, watched, check):
    page = watched
    page.set_viewport_size(DESKTOP)
    page.goto(f"{site}/accounts/login/")
    check(page, "login-desktop")

    # A wrong password: a clear error, and the form again.
    page.get_by_label("Username").fill("analyst")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text().startswith("Please enter a correct username")
    check(page, "login-error-desktop")

    sign_in(page, site)
    page.goto(f"{site}/portfolio/")
    assert page.get_by_role("heading", name="Portfolio overview").is_visible()
    # The headline figures are the dashboard's; this page lists the records.
    assert page.locator(".page-head__lede").get_by_role("link", name="dashboard").is_visible()
    assert page.locator("#kpi-equity-target").count() == 0
    assert "Aligned Data Centers" in page.locator("section:has(#deals)").inner_text()
    assert "$7.5bn" in page.locator("#partners-table").inner_text()
    assert "1.3 GW" in page.locator("#projects-table").inner_text()
    assert "Figures marked illustrative are demo data" in page.content()
    assert page.get_by_text("Ada Analyst").is_visible()
    assert page.get_by_role("link", name="Admin").count() == 0
    check(page, "home-desktop")

    page.get_by_role("link", name="Global Infrastructure Partners").first.click()
    page.wait_for_url(f"{site}/partners/gip/")
    assert page.get_by_role("heading", name="Global Infrastructure Partners").is_visible()
    assert "$7.5bn" in page.locator("section:has(#commitments)").inner_text()
    assert "BlackRock" in page.locator(".facts").inner_text()
    assert "$2.4bn" in page.content()
    charts_drawn(page, 2)
    # Equity, cumulative, in GIP's colour (its debt is only announced: not counted, as on the
    # dashboard); its four campuses by stage.
    assert page.locator("#chart-partner-commitments g.trace.scatter").count() == 2  # and tail
    assert page.locator("#chart-partner-capacity g.trace.bars").count() == 1
    link = page.get_by_role("link", name="Open the dashboard for GIP")
    assert link.get_attribute("href") == "/?partner=gip"
    check(page, "partner-desktop")

    page.get_by_role("link", name="Phoenix campus").first.click()
    page.wait_for_url(f"{site}/projects/phoenix/")
    assert page.get_by_role("heading", name="Phoenix campus").is_visible()
    assert "1.3 GW" in page.locator("section:has(#figures)").inner_text()
    assert "Building B" in page.content()
    charts_drawn(page, 2)
    # The phases' step line and a marker trace per phase stage; a bar per partner with a stake.
    assert page.locator("#chart-project-phases g.trace.scatter").count() == 3
    assert page.locator("#chart-project-participations g.trace.bars path").count() == 2
    nav = page.get_by_role("navigation", name="On the dashboard")
    assert nav.get_by_role("link", name="Projects in United States of America").is_visible()
    assert nav.get_by_role("link", name="Data-centre campus projects").is_visible()
    assert nav.get_by_role("link", name="GIP on the dashboard").get_attribute("href") == (
        "/?partner=gip"
    )
    check(page, "project-desktop")

    # A partner's bar opens the dashboard filtered to it.
    page.locator("#chart-project-participations g.trace.bars path").first.click(force=True)
    page.wait_for_url(f"{site}/?partner=gip")
    page.wait_for_load_state("networkidle")  # the dashboard's map fetches its topology
    assert page.is_checked("input[name=partner][value=gip]")

    page.set_viewport_size(PHONE)
    for name, path in [
        ("portfolio", "/portfolio/"),
        ("partner", "/partners/gip/"),
        ("project", "/projects/phoenix/"),
    ]:
        page.goto(f"{site}{path}")
        if name != "portfolio":
            charts_drawn(page, 2)
        check(page, f"{name}-390")

    before = len(page.problems)
    page.goto(f"{site}/projects/atlantis/")
    expected_404 = [p for p in page.problems[before:] if "404" in p]
    assert expected_404, "the unknown project did not answer 404"
    page.problems[before:] = [p for p in page.problems[before:] if "404" not in p]
    assert page.get_by_role("heading", name="This page does not exist").is_visible()
    check(page, "not-found-390")

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")
    check(page, "login-390")

    assert page.problems == []
