"""Dated notes on the time charts (issue 18): which notes a view shows, as markers with their text
on hover and as rows of its "View data", as they stood on the view's day, escaped everywhere."""

import datetime as dt
import json

import pytest

from aipdash.charts import notes as chart_notes
from aipdash.charts.build import build
from aipdash.charts.card import card as make_card
from aipdash.charts.data import ChartData, Column
from aipdash.dashboard import selectors
from aipdash.dashboard.filters import DashboardFilters
from aipdash.history import asof
from aipdash.history.notes import matching
from tests import factories
from tests.pages import card, islands

pytestmark = pytest.mark.django_db

UTC = dt.UTC
EARLY = dt.datetime(2025, 1, 10, 12, tzinfo=UTC)
LATER = dt.datetime(2025, 6, 10, 12, tzinfo=UTC)
TIME_CHARTS = ("commitments-over-time", "capacity-online")
HOSTILE_TEXT = "<img src=x onerror=alert(1)> & <b>bold</b>"


def at(moment, obj):
    obj._history_date = moment
    obj.save()
    return obj


@pytest.fixture
def world():
    """Two partners, each in one project (GIP in a US construction campus, xAI in an Indian
    operational one), commitments and phases so that both time charts draw, and a note of each
    kind: the partnership's, GIP's, the Indian project's."""
    gip = at(EARLY, factories.PartnerFactory.build(slug="gip", short_name="GIP"))
    xai = at(EARLY, factories.PartnerFactory.build(slug="xai", short_name="xAI"))
    us = at(
        EARLY, factories.ProjectFactory.build(slug="us", name="US campus", stage="construction")
    )
    india = at(
        EARLY,
        factories.ProjectFactory.build(
            slug="india", name="India campus", stage="operational", country="IN"
        ),
    )
    for partner, project in ((gip, us), (xai, india)):
        at(EARLY, factories.ParticipationFactory.build(partner=partner, project=project))
        at(EARLY, factories.CommitmentFactory.build(partner=partner, project=project))
        at(EARLY, factories.ProjectPhaseFactory.build(project=project))
    made = {
        "partnership_note": at(
            EARLY, factories.NoteFactory.build(date=EARLY.date(), text="AIP announced")
        ),
        "gip_note": at(
            EARLY,
            factories.NoteFactory.build(date=dt.date(2025, 2, 1), text="GIP joins", partner=gip),
        ),
        "india_note": at(
            EARLY,
            factories.NoteFactory.build(
                date=dt.date(2025, 3, 1), text="India campus announced", project=india
            ),
        ),
    }
    return {"gip": gip, "xai": xai, "us": us, "india": india, **made}


def texts(rows):
    return [row["text"] for row in rows]


def view_notes(**filters):
    return texts(selectors.common.view_notes(DashboardFilters(**filters)))


def test_which_notes_match_which_view(world):
    everything = ["AIP announced", "GIP joins", "India campus announced"]
    assert view_notes() == everything
    # A partner's view: its own notes and its projects', and the partnership's.
    assert view_notes(partner=("gip",)) == ["AIP announced", "GIP joins"]
    assert view_notes(partner=("xai",)) == ["AIP announced", "India campus announced"]
    # A project filter: the projects' notes narrow, every partner's stay.
    assert view_notes(country=("US",)) == ["AIP announced", "GIP joins"]
    assert view_notes(stage=("operational",)) == everything
    assert view_notes(partner=("gip",), country=("IN",)) == ["AIP announced", "GIP joins"]


def test_a_note_naming_a_partner_and_a_project_needs_both_in_the_view(world):
    at(
        LATER,
        factories.NoteFactory.build(
            text="GIP in India", partner=world["gip"], project=world["india"]
        ),
    )
    assert "GIP in India" in view_notes()
    assert "GIP in India" not in view_notes(partner=("gip",))  # India is not GIP's
    assert "GIP in India" not in view_notes(partner=("xai",))  # nor GIP xAI
    assert "GIP in India" in view_notes(country=("IN",))


def test_notes_as_they_stood(world):
    note = world["gip_note"]
    note.text = "GIP joins AIP"
    at(LATER, note)
    at(LATER, factories.NoteFactory.build(text="Later note"))
    then = asof.AsOf.end_of(EARLY.date())
    assert texts(matching(then)) == ["AIP announced", "GIP joins", "India campus announced"]
    assert "GIP joins AIP" in texts(matching(asof.Live()))
    assert "Later note" in texts(matching(asof.Live()))
    # The names it carries are the day's too.
    partner = world["gip"]
    partner.short_name = "GIP-renamed"
    at(LATER, partner)
    (row,) = [r for r in matching(then) if r["text"] == "GIP joins"]
    assert row["partner"] == "GIP"
    assert [r["partner"] for r in matching(asof.Live()) if r["partner"]] == ["GIP-renamed"]
    # On the dashboard as of that day.
    assert view_notes(as_of=EARLY.date()) == [
        "AIP announced",
        "GIP joins",
        "India campus announced",
    ]


def test_the_time_charts_draw_their_notes_and_list_them(viewer_client, world):
    html = viewer_client.get("/?partner=gip").text
    figures = islands(html)
    for chart in TIME_CHARTS:
        (trace,) = [
            t for t in figures[f"chart-{chart}-data"]["data"] if t.get("legendgroup") == "notes"
        ]
        assert trace["x"] == ["2025-01-10", "2025-02-01"]
        assert "GIP joins" in trace["hovertext"][1] and "GIP" in trace["hovertext"][1]
        assert "The partnership" in trace["hovertext"][0]
        assert "customdata" not in trace  # read, not clicked
        table = card(html, chart).split(f'id="chart-{chart}-notes"')[1].split("</table>")[0]
        assert "1 Feb 2025" in table and "GIP joins" in table
        assert 'href="https://example.com/source"' in table
        assert "India campus announced" not in table
    # The charts without a time axis carry none.
    assert "notes" not in json.dumps(figures["chart-capacity-pipeline-data"]["data"])


def test_a_note_added_shows_at_once(viewer_client, world, django_capture_on_commit_callbacks):
    assert "Added just now" not in viewer_client.get("/").text
    with django_capture_on_commit_callbacks(execute=True):  # committed: a new data version
        factories.NoteFactory(text="Added just now")
    assert "Added just now" in card(viewer_client.get("/").text, "commitments-over-time")


def test_as_of_a_day_the_charts_show_the_notes_of_that_day(viewer_client, world):
    at(LATER, factories.NoteFactory.build(date=EARLY.date(), text="Written later"))
    html = viewer_client.get(f"/?as_of={EARLY.date().isoformat()}").text
    assert "AIP announced" in card(html, "capacity-online")
    assert "Written later" not in html
    assert "Written later" in viewer_client.get("/").text


def test_comparing_draws_the_notes_once(viewer_client, world):
    figure = islands(viewer_client.get("/?compare=2025-02-15").text)[
        "chart-commitments-over-time-data"
    ]
    notes = [t for t in figure["data"] if t.get("legendgroup") == "notes"]
    assert len(notes) == 1 and len(notes[0]["x"]) == 3


def test_a_hostile_note_injects_nothing(viewer_client, world):
    factories.NoteFactory(
        text=HOSTILE_TEXT, partner=world["gip"], source_url="javascript:alert(1)", source_title="x"
    )
    html = viewer_client.get("/").text
    figure = islands(html)["chart-commitments-over-time-data"]
    (trace,) = [t for t in figure["data"] if t.get("legendgroup") == "notes"]
    hover = trace["hovertext"][-1]
    assert (
        "&lt;img src=x onerror=alert(1)&gt; &amp;" in hover and "&lt;b&gt;bold&lt;/b&gt;" in hover
    )
    assert "<img" not in hover and "<b>bold" not in hover
    table = card(html, "commitments-over-time").split("chart-commitments-over-time-notes")[1]
    assert "&lt;img src=x onerror=alert(1)&gt;" in table
    assert "javascript:" not in table
    assert "<img src=x" not in html and 'href="javascript:' not in html


def test_notes_go_through_the_escape_of_every_text():
    data = selectors_like(
        [{"date": dt.date(2025, 3, 1), "text": "<b>x</b>", "partner": "<i>P</i>", "project": ""}]
    )
    figure = build(data)
    (trace,) = [t for t in figure["data"] if t.get("legendgroup") == "notes"]
    assert "&lt;b&gt;x&lt;/b&gt;" in trace["hovertext"][0]
    assert "&lt;i&gt;P&lt;/i&gt;" in trace["hovertext"][0]
    rows = make_card(data).note_rows
    assert rows[0]["text"] == "<b>x</b>"  # raw here: the template escapes it
    assert chart_notes.web_address("javascript:alert(1)") == ""
    assert chart_notes.web_address("HTTPS://example.com") == "HTTPS://example.com"


def selectors_like(notes):
    return ChartData(
        chart="capacity_online",
        title="t",
        columns=(Column("date", "Date"), Column("side", "Side"), Column("mw", "MW", "MW")),
        rows=({"date": dt.date(2025, 1, 1), "side": "demand", "mw": 10.0},),
        extras={"notes": notes},
    )
