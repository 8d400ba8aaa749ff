"""The UX issue in Chromium: print to PDF, request feedback, axe and phone screenshots of the
pages this issue adds or changes (the project timeline, the since-last-visit panel, shares,
share issued, embed).

PDF text: Debian's poppler-utils `pdftotext` (and `pdftoppm` for page images, saved under
test-screenshots/ to be looked at); without them the test reads the print-media DOM instead.
"""

import contextlib
import re
import shutil
import subprocess

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from aipdash.audit.models import LastSeen
from projects.models import Project
from tests.browser.helpers import (
    ALL_DRAWN,
    PHONE,
    TOO_WIDE,
    WATCH_CSP,
    assert_no_violations,
    axe_violations,
    brightness,
    committee_link,
    csp_violations,
    describe,
    reading_pages,
    sign_in,
    visit,
)
from tests.conftest import SCREENSHOTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PDFTOTEXT = shutil.which("pdftotext")
PDFTOPPM = shutil.which("pdftoppm")


def words(text):
    return " ".join(text.split())


# Print ------------------------------------------------------------------------------------------

CARDS = """() => [...document.querySelectorAll('.chart-card')].map((card) => ({
  title: card.querySelector('.chart-card__title').innerText,
  sources: [...card.querySelectorAll('.chart-card__sources .source__link')].map((a) => a.innerText),
  foot: card.querySelector('.chart-card__sources').innerText,
}))"""

PRINT_LAYOUT = """() => {
  const visible = (sel) => [...document.querySelectorAll(sel)]
    .some((el) => getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0);
  const cards = [...document.querySelectorAll('.chart-card')];
  const grid = document.querySelector('.charts-grid').getBoundingClientRect().width;
  const tick = document.querySelector('.plotly-chart .ytick text, .plotly-chart .xtick text');
  return {
    hidden: {
      nav: !visible('.site-nav'), header: !visible('.site-header'),
      filters: !visible('#dashboard-filters'), buttons: !visible('.filters__actions .button'),
      modebar: !visible('.modebar'), export: !visible('.chart-card__export'),
    },
    header: visible('.print-header'),
    avoid: cards.every((c) => ['avoid', 'avoid-page'].includes(getComputedStyle(c).breakInside)),
    fullWidth: cards.every((c) => Math.abs(c.getBoundingClientRect().width - grid) < 2),
    background: getComputedStyle(document.body).backgroundColor,
    tick: tick ? getComputedStyle(tick).fill : '',
    charts: [...document.querySelectorAll('.plotly-chart svg.main-svg:first-child')]
      .map((svg) => svg.getBoundingClientRect().width),
  };
}"""


def pdf_pages(path):
    """The text of each page of the PDF, whitespace normalised."""
    count = int(re.search(r"Pages:\s+(\d+)", _run(["pdfinfo", str(path)])).group(1))
    return [
        words(_run([PDFTOTEXT, "-f", str(n), "-l", str(n), str(path), "-"]))
        for n in range(1, count + 1)
    ]


def _run(args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_printed_dashboard_has_filters_dates_every_chart_and_its_sources(
    page, demo, viewer, scheme, tmp_path
):
    page.add_init_script(WATCH_CSP)
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, demo, viewer)
    page.goto(f"{demo}/?partner=gip&partner=mgx&stage=construction")
    page.wait_for_function(ALL_DRAWN)
    cards = page.evaluate(CARDS)
    assert len(cards) == 9
    as_of = page.locator(".print-header__dates").inner_text()

    page.emulate_media(media="print", color_scheme=scheme)
    page.wait_for_timeout(500)  # print.js redraws the charts light, at the paper's width
    layout = page.evaluate(PRINT_LAYOUT)
    assert all(layout["hidden"].values()), layout["hidden"]
    assert layout["header"] and layout["avoid"] and layout["fullWidth"], layout
    assert brightness(layout["background"]) > 250, layout  # white paper, dark theme or not
    assert brightness(layout["tick"]) < 140, layout  # dark tick labels on it
    assert all(0 < width <= 670 for width in layout["charts"]), layout["charts"]

    pdf = tmp_path / "dashboard.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert csp_violations(page) == []

    if PDFTOTEXT:
        pages = pdf_pages(pdf)
        text = " ".join(pages)
    else:  # no poppler-utils: the print-media DOM and the PDF's size
        text = words(page.locator("body").inner_text())
        pages = [text]
        assert pdf.stat().st_size > 50_000
    assert "Filters: Partner: GIP, MGX; Stage: Construction" in text
    assert re.search(r"Data as of \d{1,2} \w{3} 20\d\d", text), text[:400]
    assert words(as_of).split(" · printed")[0] in text
    assert "Includes illustrative demo data" in text
    for nav in ("Log out", "Shared links", "Share this view", "Download CSV", "Clear all"):
        assert nav not in text, nav
    for card in cards:
        assert words(card["title"]) in text, card["title"]
        for source in card["sources"]:
            assert words(source) in text, source
        # One block: the card's title and its sources' line on the same page.
        foot = words(card["foot"])[:40]
        assert any(words(card["title"]) in p and foot in p for p in pages), card["title"]

    if PDFTOPPM:
        SCREENSHOTS.mkdir(exist_ok=True)
        subprocess.run(
            [PDFTOPPM, "-r", "60", "-png", str(pdf), str(SCREENSHOTS / f"ux-print-{scheme}")],
            check=True,
        )

    # Back on screen: the charts follow their cards again, in the reader's theme.
    page.emulate_media(media="screen", color_scheme=scheme)
    page.wait_for_timeout(400)
    widths = page.evaluate(
        "() => [...document.querySelectorAll('.plotly-chart')].map((c) =>"
        " [c.querySelector('svg.main-svg').getBoundingClientRect().width,"
        " c.getBoundingClientRect().width])"
    )
    assert all(abs(svg - box) < 2 for svg, box in widths), widths


# Feedback ---------------------------------------------------------------------------------------


def is_partial(request):
    return request.headers.get("hx-request") == "true"


def tick_stage(page, value):
    """Tick a stage box (the filter group opens for it and closes again: it would cover the
    message below it)."""
    group = page.locator("details.filter:has(summary:has-text('Stage'))")
    group.locator("summary").click()
    page.locator(f"input[name=stage][value={value}]").check()
    group.evaluate("(d) => { d.open = false; }")


def test_a_failed_update_says_so_in_place_and_can_be_retried(page, demo, viewer, screenshot):
    page.add_init_script(WATCH_CSP)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, demo, viewer)
    error = page.locator("#dashboard-error")
    progress = page.locator("#dashboard-progress")

    # A server error: the message names it, the progress indicator goes, the old charts stay.
    def fail(route):
        if is_partial(route.request):
            route.fulfill(status=500, body="<h1>Server Error (500)</h1>", content_type="text/html")
        else:
            route.continue_()

    page.route(re.compile(r".*/\?.*"), fail)
    tick_stage(page, "construction")
    error.wait_for(state="visible")
    assert words(error.inner_text()).startswith(
        "Couldn't update the charts: 500 Internal Server Error. Try again"
    )
    assert error.get_attribute("role") == "alert"
    page.wait_for_function("() => !document.querySelector('#dashboard-progress.htmx-request')")
    assert not progress.is_visible()
    assert page.locator("#dashboard-charts[aria-busy]").count() == 0
    assert page.locator("#dashboard-charts .plotly-chart").count() == 9
    screenshot("ux-feedback-500")

    # "Try again" once the server is back: the charts update, the message goes.
    page.unroute(re.compile(r".*/\?.*"))
    page.evaluate("document.querySelector('#dashboard-charts').__old = true")
    page.locator("#dashboard-error a", has_text="Try again").click()
    page.wait_for_url(f"{demo}/?stage=construction")
    page.wait_for_function(
        "() => { const r = document.querySelector('#dashboard-charts');"
        " return r && !r.__old && r.querySelector('.plotly-chart g.trace'); }"
    )
    assert error.is_hidden()

    # The network fails: said so too.
    page.route(
        re.compile(r".*/\?.*"),
        lambda route: route.abort() if is_partial(route.request) else route.continue_(),
    )
    tick_stage(page, "development")
    error.wait_for(state="visible")
    assert "the server could not be reached" in error.inner_text()
    assert not progress.is_visible()
    page.unroute(re.compile(r".*/\?.*"))

    # No answer in time (htmx.config.timeout, shortened here): a timeout message.
    held = []
    page.route(
        re.compile(r".*/\?.*"),
        lambda route: held.append(route) if is_partial(route.request) else route.continue_(),
    )
    page.evaluate("htmx.config.timeout = 800")
    tick_stage(page, "announced")
    page.wait_for_function(
        "() => document.querySelector('#dashboard-error').innerText.includes('took too long')"
    )
    assert not progress.is_visible()
    assert csp_violations(page) == []
    page.unroute(re.compile(r".*/\?.*"))
    for route in held:
        with contextlib.suppress(Exception):  # the page gave up on it already
            route.abort()


def test_the_indicator_shows_while_the_charts_load(page, demo, viewer):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, demo, viewer)
    held = []
    page.route(
        re.compile(r".*/\?.*"),
        lambda route: held.append(route) if is_partial(route.request) else route.continue_(),
    )
    tick_stage(page, "construction")
    page.wait_for_function("() => document.querySelector('#dashboard-progress.htmx-request')")
    progress = page.locator("#dashboard-progress")
    assert progress.is_visible() and progress.inner_text() == "Updating…"
    assert progress.get_attribute("aria-live") == "polite"
    assert page.locator("#dashboard-charts").get_attribute("aria-busy") == "true"
    for route in held:
        route.continue_()
    page.unroute(re.compile(r".*/\?.*"))
    page.wait_for_url(f"{page.url.split('?')[0]}?stage=construction")
    page.wait_for_function("() => !document.querySelector('#dashboard-progress.htmx-request')")
    assert not progress.is_visible()
    assert page.locator("#dashboard-charts[aria-busy]").count() == 0


def test_an_ended_session_asks_to_sign_in_again(page, demo, viewer):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, demo, viewer)
    page.context.clear_cookies()
    tick_stage(page, "construction")
    error = page.locator("#dashboard-error")
    error.wait_for(state="visible")
    assert "your session has ended" in error.inner_text()
    link = error.locator("a", has_text="Sign in again")
    assert link.get_attribute("href") == "/accounts/login/?next=%2F"
    assert page.locator("#id_username").count() == 0  # the login form was not swapped in
    assert page.locator("#dashboard-charts .plotly-chart").count() == 9


# Axe and phone screenshots -----------------------------------------------------------------------


def make_changes(viewer, editor):
    """A previous visit, then a stage move and a new project: the panel has something to say."""
    LastSeen.objects.update_or_create(user=viewer, defaults={"seen_at": timezone.now()})
    project = Project.objects.filter(stage="development").order_by("slug").first()
    project.stage = "construction"
    project._history_user = editor
    project.save()
    return project


def ux_pages(viewer, project):
    """The pages a person reads, the list of shares and the embedded link besides."""
    token = committee_link(viewer).token
    pages = reading_pages(project, token)
    return [
        *pages[:4],
        ("shares", "/shares/", False),
        *pages[4:],
        ("embed", f"/s/{token}/?embed=1", True),
    ]


def issue_a_link(page, base):
    """The share form, submitted: the page that shows the new link once."""
    page.goto(f"{base}/shares/new/?partner=gip")
    page.fill("#id_label", "Board pack")
    page.locator("button", has_text="Create the link").click()
    page.wait_for_selector("#share-url")


def test_axe_and_a_phone_screenshot_of_every_page(page, demo, viewer, editor, screenshot):
    page.add_init_script(WATCH_CSP)
    page.set_viewport_size({"width": 1280, "height": 900})
    found = {}
    moved = make_changes(viewer, editor).slug
    stale = "aligned-dallas-02"

    sign_in(page, demo, viewer)
    panel = page.locator("#changes-panel")
    assert "0 added, 1 changed, 0 deleted, 1 stage move" in panel.inner_text()
    panel.locator("summary").click()
    assert "Development → Construction" in panel.inner_text()
    found["dashboard, panel open"] = axe_violations(page)
    screenshot("ux-dashboard-panel")

    for name, _ in visit(page, demo, ux_pages(viewer, moved)):
        found[name] = axe_violations(page)
        if name == "project":  # announced, the stage move, two phases or more
            assert page.locator("#project-timeline li").count() >= 4
            assert "Development → Construction" in page.locator("#project-timeline").inner_text()
            screenshot("ux-project-timeline")
    issue_a_link(page, demo)
    found["share-issued"] = axe_violations(page)

    assert_no_violations(found)
    assert csp_violations(page) == []

    # On a phone: nothing scrolls sideways; a screenshot of each page to look at.
    page.set_viewport_size(PHONE)
    for name, path, charts in [*ux_pages(viewer, moved), ("login", "/accounts/login/", False)]:
        if name == "login":
            page.context.clear_cookies()
        page.goto(f"{demo}{path}")
        if charts:
            page.wait_for_function(ALL_DRAWN)
            page.wait_for_timeout(300)
        if name == "dashboard":
            page.locator("#changes-panel summary").click()
        wide = page.evaluate(TOO_WIDE)
        assert wide["scroll"] <= PHONE["width"], (name, wide)
        screenshot(f"ux-{name}-390")
    sign_in(page, demo, User.objects.get(username="viewer"))
    issue_a_link(page, demo)
    assert page.evaluate(TOO_WIDE)["scroll"] <= PHONE["width"]
    screenshot("ux-share-issued-390")

    # Dark mode: the panel and the timeline read in the dark theme too.
    page.emulate_media(color_scheme="dark")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{demo}/projects/{stale}/")
    page.wait_for_function(ALL_DRAWN)
    assert page.locator(".page-head .badge--stale").inner_text().startswith("Stale")
    found_dark = axe_violations(page)
    screenshot("ux-project-dark")
    assert not found_dark, describe(found_dark)
