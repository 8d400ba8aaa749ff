"""Accessibility in Chromium, proven by axe-core: zero violations, of any impact, on every page a
person reads (login, dashboard, partner, project, portfolio, share form, shared link) with the demo
data; every chart has a useful text alternative and a captioned data table; the filters work by
keyboard alone with a visible focus.

axe-core and the shared helpers: tests/browser/helpers.py.
"""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from projects.models import Project
from tests.browser.helpers import (
    ALL_DRAWN,
    PHONE,
    REGION_DRAWN,
    TOO_WIDE,
    WATCH_CSP,
    assert_no_violations,
    axe_violations,
    brightness,
    committee_link,
    csp_violations,
    reading_pages,
    sign_in,
    visit,
)

# serialized_rollback: the flush after each test leaves the database as the migrations made it
# (content types and all), as test_admin_entry.py, which runs next, expects.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def demo(live_server, viewer):
    cache.clear()
    call_command("load_demo", verbosity=0)
    return live_server.url


def pages_to_check(viewer):
    """(name, path, has charts) for every page of the brief, the shared link made now."""
    project = (
        Project.objects.filter(phases__isnull=False, participations__isnull=False)
        .distinct()
        .order_by("slug")
        .first()
    )
    return reading_pages(project.slug, committee_link(viewer).token)


def check_text_alternatives(page):
    """Every chart is a figure named by its title and a summary; every data table has a caption."""
    for chart in page.locator(".plotly-chart").all():
        card = chart.locator("xpath=ancestor::article[contains(@class, 'chart-card')]")
        title = card.locator(".chart-card__title").inner_text().strip()
        label = chart.get_attribute("aria-label")
        assert chart.get_attribute("role") == "figure"
        assert label.startswith(f"{title}. "), label
        assert "in its data table" in label or "No data" in label, label
        captions = card.locator("table caption").all()  # its values, and its notes if any
        assert captions and all(c.inner_text().strip().startswith(title) for c in captions)
        # The drawing is hidden from screen readers; the toolbar's buttons are not.
        assert chart.locator("svg.main-svg:not([aria-hidden=true])").count() == 0


def test_axe_finds_no_violation_on_any_page(page, demo, viewer):
    page.add_init_script(WATCH_CSP)
    page.set_viewport_size({"width": 1280, "height": 900})
    found = {}

    page.goto(f"{demo}/accounts/login/")
    found["login"] = axe_violations(page)

    sign_in(page, demo, viewer)
    for name, charts in visit(page, demo, pages_to_check(viewer)):
        found[name] = axe_violations(page)
        if charts:
            check_text_alternatives(page)

    assert csp_violations(page) == []
    assert_no_violations(found)


# The focused element's outline, as drawn: style, width in px, colour.
OUTLINE = """() => {
  const style = getComputedStyle(document.activeElement);
  return [style.outlineStyle, parseFloat(style.outlineWidth), style.outlineColor];
}"""


def assert_focus_visible(page):
    style, width, colour = page.evaluate(OUTLINE)
    assert style != "none" and width >= 2, (style, width, colour)
    assert colour not in ("transparent", "rgba(0, 0, 0, 0)"), colour


def test_the_filters_work_by_keyboard_alone(page, demo, viewer):
    page.add_init_script(WATCH_CSP)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, demo, viewer)
    page.evaluate("document.querySelector('#dashboard-charts').__old = true")

    # Tab from the top of the page to the Stage filter; every stop on the way shows its focus.
    page.locator("body").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim().startsWith('Stage')"):
            break
        if page.evaluate("document.activeElement !== document.body"):
            assert_focus_visible(page)
    else:
        pytest.fail("Tab never reached the Stage filter")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    assert_focus_visible(page)

    page.keyboard.press("Enter")  # opens the group
    stage = page.locator("details.filter:has(summary:text-is('Stage'))")
    assert stage.get_attribute("open") is not None
    page.keyboard.press("Tab")
    first = stage.locator("input[type=checkbox]").first
    assert page.evaluate("document.activeElement.name") == "stage"
    assert_focus_visible(page)
    value = first.get_attribute("value")
    page.keyboard.press("Space")  # ticks the box: the charts region updates, the URL with it
    page.wait_for_url(f"{demo}/?stage={value}")
    page.wait_for_function(REGION_DRAWN)
    assert first.is_checked()
    assert "Matching these filters" in page.locator("#tile-counts").inner_text()

    # Space on the summary closes the group again; Escape-free, nothing traps the focus.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    assert stage.get_attribute("open") is None
    assert csp_violations(page) == []


def fits_the_phone(page, name, screenshot):
    page.wait_for_load_state("load")
    found = page.evaluate(TOO_WIDE)
    assert found["scroll"] <= PHONE["width"], f"{name} scrolls sideways: {found['scroll']}px"
    for figure, drawn, box in found["charts"]:
        assert 0 < drawn <= box + 1 <= PHONE["width"], (name, figure, drawn, box)
    screenshot(f"a11y-{name}-390")


def test_every_page_fits_a_phone(page, demo, viewer, screenshot):
    page.add_init_script(WATCH_CSP)
    page.set_viewport_size(PHONE)
    page.goto(f"{demo}/accounts/login/")
    fits_the_phone(page, "login", screenshot)

    sign_in(page, demo, viewer)
    for name, path, charts in pages_to_check(viewer):
        page.goto(f"{demo}{path}")
        if charts:
            page.wait_for_function(ALL_DRAWN)
            page.wait_for_timeout(300)  # responsive charts settle to the width
        fits_the_phone(page, name, screenshot)

        if name in ("dashboard", "shared-link"):
            # The filters are folded behind a "Filters" button that opens and closes them.
            toggle = page.locator("#filters-panel > summary")
            assert toggle.is_visible()
            assert not page.locator("#dashboard-filters").is_visible()
            toggle.click()
            assert page.locator("#dashboard-filters").is_visible()
            page.locator("details.filter > summary").first.click()
            fits_the_phone(page, f"{name}-filters-open", screenshot)
            toggle.click()
            assert not page.locator("#dashboard-filters").is_visible()

    assert csp_violations(page) == []


# The colour a chart's axis tick labels are drawn in, and the page's background.
DRAWN_COLOURS = """() => {
  const tick = document.querySelector('.plotly-chart .xtick text, .plotly-chart .ytick text');
  return {
    tick: tick ? getComputedStyle(tick).fill : '',
    page: getComputedStyle(document.body).backgroundColor,
  };
}"""


def test_dark_mode_follows_the_system_and_the_toggle_is_remembered(page, demo, viewer, screenshot):
    page.add_init_script(WATCH_CSP)
    page.emulate_media(color_scheme="dark")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{demo}/accounts/login/")
    login = axe_violations(page)
    sign_in(page, demo, viewer)
    page.wait_for_timeout(300)
    colours = page.evaluate(DRAWN_COLOURS)
    assert brightness(colours["page"]) < 60, colours  # a dark page
    assert brightness(colours["tick"]) > 140, colours  # light tick labels on it
    toggle = page.locator("[data-theme-toggle]")
    assert toggle.get_attribute("aria-pressed") == "true"
    screenshot("a11y-dashboard-dark")
    found = {"login (dark)": login, "dashboard (dark)": axe_violations(page)}

    for name, _ in visit(page, demo, pages_to_check(viewer)[1:]):
        screenshot(f"a11y-{name}-dark")
        found[f"{name} (dark)"] = axe_violations(page)

    page.set_viewport_size(PHONE)
    page.goto(f"{demo}/")
    page.wait_for_function(ALL_DRAWN)
    page.wait_for_timeout(300)
    screenshot("a11y-dashboard-dark-390")

    # The toggle switches to light at once, charts too, and the choice outlives a reload.
    page.set_viewport_size({"width": 1280, "height": 900})
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "false"
    page.wait_for_function(
        "(old) => getComputedStyle(document.querySelector('.plotly-chart .ytick text')).fill"
        " !== old",
        arg=colours["tick"],
    )
    page.reload()
    page.wait_for_function(ALL_DRAWN)
    colours = page.evaluate(DRAWN_COLOURS)
    assert brightness(colours["page"]) > 200, colours
    assert brightness(colours["tick"]) < 140, colours
    assert page.evaluate("localStorage.getItem('aip-theme')") == "light"
    assert csp_violations(page) == []
    assert_no_violations(found)
