"""Dated notes on the charts and a project page as of a day, in Chromium (issue 18): the demo's
notes drawn as markers on the time charts, their text on hover and in "View data"; a hostile
note (markup in its text, a `javascript:` source) shown as text and injecting nothing; a project
page picked on a past day, under its banner, its timeline listing its note of then. No console
error, no CSP violation, no dialog."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.management import call_command

from aipdash.history import asof
from projects.models import Note, Project
from tests.browser.helpers import ALL_DRAWN, csp_violations, sign_in, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE = "<img src=x onerror=alert(1)> Hostile note"
PAST_DAY = dt.date(2025, 1, 31)

# The index of a chart's notes trace among its traces (plotly.js's own data).
NOTES_TRACE = """(id) => {
  const div = document.querySelector(`[data-figure-id="${id}"]`);
  return div._fullData.findIndex((t) => t.legendgroup === "notes");
}"""


@pytest.fixture
def site(page, live_server, viewer):
    cache.clear()
    call_command("load_demo", verbosity=0)
    # Typed or imported by anyone: markup in the text, a script address as its source (saved
    # past the form's URL check, as raw data could be).
    Note.objects.create(
        date=dt.date(2025, 8, 1),
        text=HOSTILE,
        source_title="Click me",
        source_url="javascript:alert(1)",
        as_of=dt.date(2025, 8, 1),
        illustrative=True,
    )
    watch(page)
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server.url, viewer)
    page.base = live_server.url
    return page


def note_markers(page, figure_id):
    """The note markers of a chart (the marks of its notes trace)."""
    chart = page.locator(f'[data-figure-id="{figure_id}"]')
    chart.scroll_into_view_if_needed()
    index = page.evaluate(NOTES_TRACE, figure_id)
    assert index >= 0, f"no notes on {figure_id}"
    return chart.locator("g.scatterlayer > g.trace").nth(index).locator("path.point")


def hover(page, figure_id, marker):
    """The hover text a chart shows over one of its markers."""
    marker.hover(force=True)
    page.wait_for_timeout(80)
    return page.locator(f'[data-figure-id="{figure_id}"] .hoverlayer').text_content()


def hover_notes(page, figure_id):
    """Hover each note marker of a chart; the hover texts shown."""
    return [hover(page, figure_id, marker) for marker in note_markers(page, figure_id).all()]


def test_notes_on_the_dashboards_time_charts(site, screenshot):
    page = site
    texts = hover_notes(page, "chart-commitments-over-time-data")
    # Every note: the partnership's and the partners' (the whole portfolio's view).
    assert len(texts) == Note.objects.count() == 9
    joined = "\n".join(texts)
    assert "Agreement to acquire Aligned Data Centers" in joined
    assert HOSTILE in joined  # shown as typed: text, not an image
    assert page.locator("img[src='x']").count() == 0
    # Hovered on the hostile note for the screenshot.
    hostile = next(i for i, text in enumerate(texts) if "Hostile note" in text)
    chart = "chart-commitments-over-time-data"
    hover(page, chart, note_markers(page, chart).nth(hostile))
    screenshot("notes-dashboard-hover", element=page.locator("#chart-commitments-over-time"))
    page.mouse.move(0, 0)

    card = page.locator("#chart-commitments-over-time")
    card.locator("summary").click()
    table = card.locator("#chart-commitments-over-time-notes")
    assert "BlackRock, GIP, Microsoft and MGX announce the partnership" in table.inner_text()
    hostile_row = table.locator("tr", has_text="Hostile note")
    assert HOSTILE in hostile_row.inner_text()
    assert hostile_row.locator("a").count() == 0  # a script address is no link
    assert table.locator("a[href^='https://']").count() >= 8
    screenshot("notes-dashboard-view-data", element=card)

    online = hover_notes(page, "chart-capacity-online-data")
    assert any("Aligned Data Centers" in text for text in online)
    screenshot("notes-capacity-online-hover", element=page.locator("#chart-capacity-online"))
    assert page.dialogs == [] and page.problems == [] and csp_violations(page) == []


def test_a_project_page_as_of_a_day(site, screenshot):
    page = site
    then = asof.AsOf.end_of(PAST_DAY)
    slug = sorted(asof.versions(Project, then.before).values_list("slug", flat=True))[0]
    project = Project.objects.get(slug=slug)
    note = Note(
        date=dt.date(2025, 1, 20),
        text=f"{project.name}: a dated note of January",
        project=project,
        as_of=dt.date(2025, 1, 20),
        illustrative=True,
    )
    note._history_date = dt.datetime(2025, 1, 20, 12, tzinfo=dt.UTC)  # written then
    note.save()

    page.goto(f"{page.base}/projects/{slug}/")
    page.wait_for_function(ALL_DRAWN)
    assert page.locator("#past-banner").count() == 0
    page.fill("#page-as-of", PAST_DAY.isoformat())
    page.click("#as-of-picker button[type=submit]")
    page.wait_for_url(f"{page.base}/projects/{slug}/?as_of={PAST_DAY.isoformat()}")
    page.wait_for_function(ALL_DRAWN)
    banner = page.locator("#past-banner").inner_text()
    assert "The portfolio as it stood on 31 Jan 2025" in banner
    assert "later changes are not shown" in banner
    timeline = page.locator("#project-timeline").inner_text()
    assert "a dated note of January" in timeline
    texts = hover_notes(page, "chart-project-phases-data")
    assert any("a dated note of January" in text for text in texts)
    assert all(HOSTILE not in text for text in texts)  # made today: not on 31 Jan 2025
    page.mouse.move(0, 0)
    screenshot("project-as-of")

    page.click("#past-banner a.past-banner__today")
    page.wait_for_url(f"{page.base}/projects/{slug}/")
    assert page.locator("#past-banner").count() == 0
    assert page.dialogs == [] and page.problems == [] and csp_violations(page) == []
