"""`?scenario=<slug>` in the dashboard's filters: parsed with the others, offered in the filter
bar, composed with every filter in one canonical address, refused with a 400 that names it when
the reader may not see it (unknown or another user's private: the same answer), never served
by the fast path, keyed in the cache by the scenario's version, refused on a shared view."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.http import QueryDict
from django.urls import reverse

from aipdash.dashboard.blocks import CHART_NAMES
from aipdash.dashboard.filters import DashboardFilters, FilterError
from aipdash.dashboard.pages import with_scenario
from aipdash.history import dates as history_dates
from aipdash.scenarios.models import Scenario
from aipdash.sharing import services
from aipdash.sharing.models import ShareLink
from tests.dashboard.test_selectors import portfolio  # noqa: F401 (fixture)
from tests.factories import ScenarioFactory

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("dashboard")


def parse(query: str) -> DashboardFilters:
    return DashboardFilters.from_query(QueryDict(query), partner_slugs={"gip", "mgx"})


def test_the_scenario_is_a_filter_of_the_address():
    filters = parse("stage=construction&scenario=late&kind=generation")
    assert filters.scenario == "late"
    assert filters.canonical() == "kind=generation&scenario=late&stage=construction"
    assert parse("scenario=").scenario is None  # the form's "Recorded portfolio"
    assert filters.recorded().canonical() == "kind=generation&stage=construction"


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("scenario=a&scenario=b", "one scenario at most"),
        ("scenario=not a slug", "is not a scenario's address"),
        ("scenario=" + "a" * 81, "is not a scenario's address"),
        ("scenario=%3Cscript%3E", "is not a scenario's address"),
    ],
)
def test_a_malformed_scenario_is_named(query, words):
    with pytest.raises(FilterError, match=words) as raised:
        parse(query)
    assert set(raised.value.errors) == {"scenario"}


def test_figures_of_an_unresolved_scenario_are_never_cached():
    # A path that forgot to check the reader's scenario fails loudly rather than serve figures.
    with pytest.raises(ValueError, match="not resolved"):
        parse("scenario=late").cache_text()


def other_user():
    user = User.objects.create_user("other")
    user.groups.add(Group.objects.get(name="viewer"))
    return user


def test_the_cache_key_carries_the_version_and_a_save_replaces_it(viewer):
    scenario = ScenarioFactory(slug="late", slip_development_months=12)
    filters = with_scenario(parse("scenario=late"), viewer)
    assert filters.applied.assumptions.slip("development") == 12
    before = filters.cache_text()
    assert scenario.version in before and before.startswith("scenario=late|")
    scenario.slip_development_months = 6
    scenario.save()
    after = with_scenario(parse("scenario=late"), viewer).cache_text()
    assert after != before and scenario.version in after


def test_the_filter_bar_offers_the_scenarios_the_reader_may_see(viewer_client, viewer, groups):
    ScenarioFactory(slug="shared-one", name="Shared one")
    ScenarioFactory(slug="mine", name="Mine", owner=viewer, visibility=Scenario.Visibility.PRIVATE)
    ScenarioFactory(
        slug="theirs", name="Theirs", owner=other_user(), visibility=Scenario.Visibility.PRIVATE
    )
    html = viewer_client.get(DASHBOARD).text
    assert '<select id="scenario" name="scenario">' in html
    assert '<option value="">Recorded portfolio</option>' in html
    assert 'value="shared-one">Shared one</option>' in html
    assert 'value="mine">Mine (viewer)</option>' in html
    assert "theirs" not in html and "Theirs" not in html

    html = viewer_client.get(DASHBOARD + "?scenario=mine").text
    assert '<option value="mine" selected>Mine (viewer)</option>' in html


def test_the_scenario_composes_with_every_filter_in_one_address(viewer_client, portfolio):  # noqa: F811
    ScenarioFactory(slug="late", slip_development_months=12)
    response = viewer_client.get(DASHBOARD + "?scenario=late&stage=construction&kind=generation")
    assert response.status_code == 302
    assert response.url == DASHBOARD + "?kind=generation&scenario=late&stage=construction"
    assert viewer_client.get(response.url).status_code == 200
    partial = viewer_client.get(response.url, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert partial["HX-Push-Url"] == response.url


@pytest.mark.parametrize("slug", ["no-such-scenario", "theirs"])
def test_a_scenario_the_reader_may_not_see_is_a_400_that_names_it(viewer_client, groups, slug):
    ScenarioFactory(
        slug="theirs",
        name="Their secret",
        owner=other_user(),
        visibility=Scenario.Visibility.PRIVATE,
    )
    for path in (DASHBOARD, reverse("chart", args=[CHART_NAMES[0]])):
        for htmx in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = viewer_client.get(path, {"scenario": slug}, **htmx)
            assert response.status_code == 400, (path, htmx)
            assert f"No scenario “{slug}” that you may see." in response.text
            assert "Their secret" not in response.text  # never another user's scenario
    csv = viewer_client.get(reverse("chart-csv", args=[CHART_NAMES[0]]), {"scenario": slug})
    assert csv.status_code == 400


def test_the_fast_path_leaves_a_scenario_to_the_full_stack(viewer_client, groups):
    ScenarioFactory(slug="theirs", owner=other_user(), visibility=Scenario.Visibility.PRIVATE)
    chart = reverse("chart", args=[CHART_NAMES[0]])
    assert viewer_client.get(chart).status_code == 200  # the session now has a pass
    assert viewer_client.get(chart, {"scenario": "theirs"}).status_code == 400


def test_a_shared_view_takes_no_scenario_of_its_viewer(viewer, portfolio):  # noqa: F811
    ScenarioFactory(slug="late")
    link = ShareLink(filters={}, open_filters=["stage"], label="x")
    with pytest.raises(FilterError) as raised:
        services.scoped_filters(link, QueryDict("scenario=late"), partner_slugs={"gip"})
    assert set(raised.value.errors) == {"scenario"}


def test_a_view_under_a_scenario_is_shared_with_a_copy_of_it(viewer_client, portfolio):  # noqa: F811
    # Not the recorded figures under the scenario's name: the link keeps the scenario's
    # assumptions (tests/scenarios/test_editing.py follows the copy through later saves).
    ScenarioFactory(slug="late", name="Late", slip_development_months=12)
    response = viewer_client.post(
        reverse("share-new"), {"label": "x", "days": 7, "view": "scenario=late"}
    )
    assert response.status_code == 200
    link = ShareLink.objects.get()
    assert link.scenario["name"] == "Late"
    assert link.scenario["assumptions"]["slip_development_months"] == 12


def test_the_api_refuses_a_scenario_the_token_may_not_see(client, viewer, groups):
    client.force_login(viewer)
    response = client.get(reverse("api:chart", args=[CHART_NAMES[0]]), {"scenario": "nope"})
    assert response.status_code == 400
    assert "nope" in response.text


def test_the_api_gives_a_charts_figures_under_a_visible_scenario(client, viewer, portfolio):  # noqa: F811
    ScenarioFactory(slug="lost", attrition_development_pct=50)
    client.force_login(viewer)
    response = client.get(reverse("api:chart", args=["capacity_pipeline"]), {"scenario": "lost"})
    assert response.status_code == 200
    rows = response.json()["rows"]
    assert any(
        float(r["mw_scenario"]) == float(r["mw"]) / 2 for r in rows if r["stage"] == "development"
    )


@pytest.mark.parametrize(
    ("dates", "labels"),
    [
        ("as_of=2025-06-30", {"As of"}),
        ("compare=2025-06-30", {"Compared with"}),
        ("as_of=2025-09-30&compare=2025-06-30", {"As of", "Compared with"}),
    ],
)
def test_a_scenario_of_a_past_day_is_refused_naming_both(dates, labels):
    # The scenario's figures rest on today's tables (the medians, the phases): not composed yet.
    query = QueryDict(f"scenario=late&{dates}")
    with pytest.raises(FilterError) as raised:
        DashboardFilters.from_query(
            query,
            partner_slugs={"gip"},
            first_day=dt.date(2025, 1, 1),
            today=dt.date(2026, 1, 1),
        )
    errors = raised.value.errors
    assert "scenario" in errors and set(errors) - {"scenario"} <= {"as_of", "compare"}
    assert "Scenario" in errors["scenario"]
    assert all(label in errors["scenario"] for label in labels)
    # Each alone is a view.
    alone = DashboardFilters.from_query(
        QueryDict(dates),
        partner_slugs={"gip"},
        first_day=dt.date(2025, 1, 1),
        today=dt.date(2026, 1, 1),
    )
    assert alone.scenario is None and (alone.as_of or alone.compare)


def test_a_scenario_as_of_a_day_is_a_400_on_every_path(viewer_client, viewer, portfolio):  # noqa: F811
    ScenarioFactory(slug="late")
    today = history_dates.today().isoformat()
    for path in (DASHBOARD, reverse("chart", args=[CHART_NAMES[0]])):
        for htmx in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = viewer_client.get(path, {"scenario": "late", "as_of": today}, **htmx)
            assert response.status_code == 400, (path, htmx)
            assert "A scenario applies to today&#x27;s portfolio only" in response.text
    csv = viewer_client.get(
        reverse("chart-csv", args=[CHART_NAMES[0]]), {"scenario": "late", "compare": today}
    )
    assert csv.status_code == 400
    api = viewer_client.get(
        reverse("api:chart", args=[CHART_NAMES[0]]), {"scenario": "late", "as_of": today}
    )
    assert api.status_code == 400 and "scenario" in api.text
    assert viewer_client.get(DASHBOARD, {"as_of": today}).status_code in (200, 302)
