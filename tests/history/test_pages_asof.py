"""The partner and project pages as of a day (issue 18): `?as_of=` shows the record as it stood
at the end of that day (its fields and sources, its phases, participations, commitments and
notes then, their names then); a record made later is a page that says so, one deleted later
is there; a wrong date is a 400 naming "As of"; the links keep the day."""

import datetime as dt
import html
from decimal import Decimal

import pytest

from aipdash.history import asof
from projects.models import Project
from tests import factories
from tests.pages import card, islands

pytestmark = pytest.mark.django_db

UTC = dt.UTC
CREATED = dt.datetime(2025, 1, 10, 12, tzinfo=UTC)
CHANGED = dt.datetime(2025, 3, 10, 12, tzinfo=UTC)
DELETED = dt.datetime(2025, 5, 10, 12, tzinfo=UTC)
THEN = "2025-01-10"  # CREATED's day: before every change


def at(moment, obj):
    """Saved with its next history row dated `moment` (simple-history reads _history_date)."""
    obj._history_date = moment
    obj.save()
    return obj


def changed(moment, obj, **values):
    for key, value in values.items():
        setattr(obj, key, value)
    return at(moment, obj)


@pytest.fixture
def story():
    """GIP and its Dallas campus, made on 10 Jan 2025 and changed on 10 Mar 2025; a campus made
    on 10 Mar (absent on 10 Jan) and one deleted on 10 May (there on 10 Jan)."""
    sourced = {"illustrative": False, "source_url": "https://example.com/then"}
    gip = at(
        CREATED,
        factories.PartnerFactory.build(
            slug="gip", name="GIP then", short_name="GIP-then", source_title="Launch", **sourced
        ),
    )
    dallas = at(
        CREATED,
        factories.ProjectFactory.build(
            slug="dallas",
            name="Dallas then",
            stage="announced",
            capacity_mw=Decimal("100.0"),
            source_title="Dallas source then",
            **sourced,
        ),
    )
    phase = at(
        CREATED,
        factories.ProjectPhaseFactory.build(
            project=dallas, sequence=1, name="Hall A", capacity_mw=Decimal("100.0")
        ),
    )
    stake = at(
        CREATED,
        factories.ParticipationFactory.build(
            project=dallas, partner=gip, stake_percent=Decimal("25.00")
        ),
    )
    at(
        CREATED,
        factories.CommitmentFactory.build(
            partner=gip,
            project=dallas,
            amount_usd=Decimal("1000000000"),
            committed_on=CREATED.date(),
        ),
    )
    at(
        CREATED,
        factories.NoteFactory.build(
            date=CREATED.date(), text="Dallas campus announced", project=dallas
        ),
    )
    gone = at(CREATED, factories.ProjectFactory.build(slug="gone", name="Gone campus"))
    at(CREATED, factories.ParticipationFactory.build(project=gone, partner=gip))

    changed(CHANGED, gip, name="GIP now", short_name="GIP-now")
    changed(
        CHANGED,
        dallas,
        name="Dallas now",
        stage="construction",
        capacity_mw=Decimal("200.0"),
        source_title="Dallas source now",
    )
    changed(CHANGED, phase, capacity_mw=Decimal("150.0"))
    changed(CHANGED, stake, stake_percent=Decimal("30.00"))
    at(
        CHANGED,
        factories.CommitmentFactory.build(
            partner=gip,
            project=dallas,
            amount_usd=Decimal("2000000000"),
            committed_on=CHANGED.date(),
        ),
    )
    at(CHANGED, factories.ProjectFactory.build(slug="late", name="Late campus"))
    for participation in gone.participations.all():
        participation._history_date = DELETED
        participation.delete()
    gone._history_date = DELETED
    gone.delete()
    return {"gip": gip, "dallas": dallas}


def page(client, kind, slug, day=None):
    query = f"?as_of={day}" if day else ""
    return client.get(f"/{kind}/{slug}/{query}")


def test_a_project_page_as_of_a_day_shows_the_project_as_it_stood(viewer_client, story):
    response = page(viewer_client, "projects", "dallas", THEN)
    assert response.status_code == 200
    html = response.text
    assert "The portfolio as it stood on 10 Jan 2025" in html
    assert "later changes are not shown" in html
    assert 'class="past-banner__today" href="/projects/dallas/"' in html
    facts = html.split('id="facts"')[1].split("</section>")[0]
    assert "Announced" in facts and "Construction" not in facts
    assert "Dallas source then" in facts and "Dallas source now" not in html
    assert "<title>Dallas then" in html or "Dallas then" in html.split("</h1>")[0]
    assert "Dallas now" not in html
    # The phase, the stake, the commitment and the partner's name of that day.
    figures = islands(html)
    markers = figures["chart-project-phases-data"]["data"][1]
    assert markers["y"] == [100.0]
    partners = html.split('id="participations"')[1].split("</table>")[0]
    assert "GIP then" in partners and "GIP now" not in html
    assert ">25%<" in partners
    assert f'href="/partners/gip/?as_of={THEN}"' in partners
    commitments = html.split('id="commitments"')[1].split("</table>")[0]
    assert "$1bn" in commitments and "$2bn" not in commitments
    # Its dashboard links and its charts' drill-downs keep the day.
    assert f'href="/?country=US&amp;as_of={THEN}"' in html
    assert f'data-drill-keep="&amp;as_of={THEN}"' in html
    # The day's field holds the day.
    assert f'name="as_of" value="{THEN}"' in html


def test_today_the_project_page_is_todays(viewer_client, story):
    html = page(viewer_client, "projects", "dallas").text
    assert "past-banner" not in html
    assert "Dallas now" in html and "GIP now" in html and ">30%<" in html
    assert 'href="/partners/gip/"' in html
    assert 'name="as_of" value=""' in html


def test_a_record_made_later_is_absent_on_the_day(viewer_client, story):
    response = page(viewer_client, "projects", "late", THEN)
    assert response.status_code == 404
    assert "Late campus was not in the portfolio on 10 Jan 2025" in response.text
    assert 'href="/projects/late/"' in response.text  # today's page
    assert page(viewer_client, "projects", "late", "2025-03-10").status_code == 200
    assert page(viewer_client, "projects", "nowhere", THEN).status_code == 404


def test_a_record_deleted_later_is_there_on_the_day(viewer_client, story):
    assert page(viewer_client, "projects", "gone").status_code == 404
    response = page(viewer_client, "projects", "gone", THEN)
    assert response.status_code == 200
    assert "Gone campus" in response.text
    assert "This project is no longer in the portfolio." in response.text
    assert "Back to today" not in response.text
    assert page(viewer_client, "projects", "gone", "2025-05-10").status_code == 404


def test_a_partner_page_as_of_a_day(viewer_client, story):
    response = page(viewer_client, "partners", "gip", THEN)
    assert response.status_code == 200
    html = response.text
    assert "The portfolio as it stood on 10 Jan 2025" in html
    assert "GIP then" in html and "GIP now" not in html
    projects = html.split('id="participations"')[1].split("</table>")[0]
    # Both campuses stood then, under their names then, linked on the same day.
    assert "Dallas then" in projects and "Gone campus" in projects
    assert f'href="/projects/dallas/?as_of={THEN}"' in projects
    totals = html.split('id="totals"')[1].split("</section>")[0]
    assert "$1bn" in totals
    assert f'href="/?partner=gip&amp;as_of={THEN}"' in html
    # Its commitments chart: one commitment then, and the project's note as a marker.
    figures = islands(html)
    data = figures["chart-partner-commitments-data"]["data"]
    notes = [trace for trace in data if trace.get("legendgroup") == "notes"]
    assert [trace["x"] for trace in notes] == [[THEN]]
    # Today: both commitments, the partner's name today.
    today = page(viewer_client, "partners", "gip").text
    assert "GIP now" in today and "$3bn" in today.split('id="totals"')[1].split("</section>")[0]


def test_a_slug_changed_later_finds_todays_record_on_the_day(viewer_client, story):
    dallas = story["dallas"]
    changed(dt.datetime.now(UTC), dallas, slug="dallas-1")
    response = page(viewer_client, "projects", "dallas-1", THEN)
    assert response.status_code == 200
    assert "Dallas then" in response.text


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("2025-13-01", "is not a date"),
        ("30/06/2025", "is not a date"),
        ("2024-01-01", "is before the portfolio's first record (10 Jan 2025)"),
        ("2999-01-01", "is in the future"),
    ],
)
def test_a_wrong_day_is_a_400_naming_the_field(viewer_client, story, value, says):
    for kind, slug in (("projects", "dallas"), ("partners", "gip")):
        response = page(viewer_client, kind, slug, value)
        assert response.status_code == 400
        text = html.unescape(response.text)
        assert "As of:" in text and says in text


def test_one_day_at_most(viewer_client, story):
    response = viewer_client.get(f"/projects/dallas/?as_of={THEN}&as_of=2025-03-10")
    assert response.status_code == 400
    assert "As of: Give one date at most." in response.text


def test_the_timeline_as_of_a_day(viewer_client, story):
    html = page(viewer_client, "projects", "dallas", THEN).text
    timeline = html.split('id="timeline"')[1].split("</section>")[0]
    assert "Dallas campus announced" in timeline
    assert "timeline__event--note" in timeline
    assert "Stage:" not in timeline  # the stage changed on 10 Mar: not yet
    assert "$2bn" not in timeline
    today = page(viewer_client, "projects", "dallas").text.split('id="timeline"')[1]
    assert "Stage: Announced → Construction" in today.split("</section>")[0]


def test_the_project_phases_chart_marks_its_notes(viewer_client, story):
    html = page(viewer_client, "projects", "dallas").text
    figure = islands(html)["chart-project-phases-data"]
    (notes,) = [trace for trace in figure["data"] if trace.get("legendgroup") == "notes"]
    assert notes["x"] == [THEN]
    assert "Dallas campus announced" in notes["hovertext"][0]
    # The axis reaches back to the note.
    assert figure["layout"]["xaxis"]["range"][0] < THEN
    rows = card(html, "project-phases").split('id="chart-project-phases-notes"')[1]
    assert "10 Jan 2025" in rows and "Dallas campus announced" in rows
    assert "Dallas now" in rows  # whom it is about, today


def test_the_map_links_to_project_pages_on_the_views_day(viewer_client, story):
    figure = islands(viewer_client.get(f"/?as_of={THEN}").text)["chart-project-map-data"]
    urls = {url for trace in figure["data"] for url, *_ in trace.get("customdata") or []}
    assert f"/projects/dallas/?as_of={THEN}" in urls
    today = islands(viewer_client.get("/").text)["chart-project-map-data"]
    assert "/projects/dallas/" in {u for t in today["data"] for u, *_ in t.get("customdata") or []}


def test_the_pages_as_of_today_equal_todays(viewer_client, story):
    """As of today every version stands: the same facts, figures and charts as the live page."""
    today = asof.day_of(dt.datetime.now(UTC)).isoformat()
    for kind, slug in (("projects", "dallas"), ("partners", "gip")):
        live = islands(page(viewer_client, kind, slug).text)
        past = islands(page(viewer_client, kind, slug, today).text)
        assert past == live
    assert Project.objects.filter(slug="dallas").exists()
