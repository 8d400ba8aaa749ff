"""The API's scenarios (issue 17): the list and one scenario, as the token's user may see them
(their own, and those shared with everyone; another user's private one is never listed and is a
404), every assumption with where it comes from; `scenario=` on the chart endpoints and the
headline, named in their answers and documented in the OpenAPI schema."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from drf_spectacular.generators import SchemaGenerator

from aipdash.dashboard import blocks
from aipdash.dashboard.filters import DashboardFilters
from aipdash.scenarios.applied import AppliedScenario
from aipdash.scenarios.models import Scenario
from api import chartpayload
from tests.factories import ScenarioFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def scenarios(viewer):
    other = User.objects.create_user("other", password="other-pass-1234")
    return {
        "shared": ScenarioFactory(
            slug="late",
            name="A year late",
            description="Stress case.",
            slip_development_months=12,
            assumption_sources={"slip": {"kind": "ours", "note": "A stress case."}},
        ),
        "mine": ScenarioFactory(
            slug="mine",
            name="Mine",
            owner=viewer,
            visibility=Scenario.Visibility.PRIVATE,
            leverage=D("1.5"),
            attrition_by_kind={"generation": {"announced": 86}},
        ),
        "theirs": ScenarioFactory(
            slug="theirs", name="Theirs", owner=other, visibility=Scenario.Visibility.PRIVATE
        ),
    }


def test_the_list_is_what_the_user_may_see(viewer_token, bearer, scenarios):
    response = bearer(viewer_token).get("/api/scenarios/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    listed = response.json()["results"]
    assert [s["slug"] for s in listed] == ["late", "mine"]  # by name; never "theirs"
    late, mine = listed
    assert late.keys() == {
        "slug",
        "name",
        "owner",
        "visibility",
        "description",
        "version",
        "last_change",
        "assumptions",
    }
    assert (late["owner"], late["visibility"], late["description"]) == (
        None,
        "everyone",
        "Stress case.",
    )
    assert late["version"] == scenarios["shared"].version
    assert (mine["owner"], mine["visibility"]) == ("viewer", "private")


def test_every_assumption_comes_with_its_basis(viewer_token, bearer, scenarios):
    mine = bearer(viewer_token).get("/api/scenarios/mine/").json()
    groups = {a["group"]: a for a in mine["assumptions"]}
    assert list(groups) == ["slip", "attrition", "leverage", "cost_per_mw", "demand_case"]
    assert groups["leverage"]["values"] == {"leverage": "1.50"}
    assert groups["leverage"]["in_words"].startswith("1.5 : 1")
    # Changed without a source: said to be ours.
    assert groups["leverage"]["basis"]["kind"] == "ours"
    assert groups["attrition"]["values"]["attrition_by_kind"] == {"generation": {"announced": "86"}}
    # At its default: the default's own source.
    demand = groups["demand_case"]["basis"]
    assert demand["kind"] == "source" and demand["url"].startswith("http") and demand["as_of"]
    assert groups["slip"]["basis"] == {
        "kind": "recorded",
        "note": "No slip: each phase's own expected online date.",
        "title": "",
        "url": "",
        "as_of": None,
    }
    late = bearer(viewer_token).get("/api/scenarios/late/").json()
    assert {a["group"]: a["basis"] for a in late["assumptions"]}["slip"]["note"] == (
        "A stress case."
    )


def test_another_users_private_scenario_is_a_404_as_an_unknown_one(viewer_token, bearer, scenarios):
    for slug in ("theirs", "nope"):
        response = bearer(viewer_token).get(f"/api/scenarios/{slug}/")
        assert response.status_code == 404
        assert "Theirs" not in response.text


def test_the_list_takes_only_paging(viewer_token, bearer, scenarios):
    response = bearer(viewer_token).get("/api/scenarios/", {"owner": "other"})
    assert response.status_code == 400
    assert "owner" in response.json()["errors"]


def test_a_chart_and_the_headline_under_a_scenario(viewer_token, bearer, portfolio, scenarios):
    token = bearer(viewer_token)
    data = token.get("/api/charts/capacity_pipeline/", {"scenario": "mine"}).json()
    mine = scenarios["mine"]
    assert data["scenario"] == {"slug": "mine", "name": "Mine", "version": mine.version}
    assert data["query"] == "scenario=mine"
    filters = DashboardFilters().with_scenario(AppliedScenario.of(mine))
    assert data == chartpayload.payload(blocks.chart_data("capacity_pipeline", filters), filters)
    assert token.get("/api/charts/capacity_pipeline/").json()["scenario"] is None
    headline = token.get("/api/headline/", {"scenario": "late"}).json()
    assert headline["scenario"]["slug"] == "late"
    figures = {f["key"]: f for f in headline["scenario"]["figures"]}
    assert figures.keys() >= {"dc_pipeline", "power_pipeline"}
    assert figures["dc_pipeline"].keys() == {"key", "recorded", "scenario", "difference"}
    assert token.get("/api/headline/").json()["scenario"] is None
    refused = token.get("/api/headline/", {"scenario": "theirs"})
    assert refused.status_code == 400
    assert refused.json()["errors"]["scenario"] == "No scenario “theirs” that you may see."


def test_the_schema_documents_scenarios():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    assert {"/api/scenarios/", "/api/scenarios/{slug}/"} <= set(paths)
    for path in ("/api/charts/{chart}/", "/api/headline/"):
        names = {p["name"] for p in paths[path]["get"]["parameters"]}
        assert "scenario" in names, path
    listed = paths["/api/scenarios/"]["get"]
    assert "never listed" in listed["description"]
    assert "404" in paths["/api/scenarios/{slug}/"]["get"]["responses"]
