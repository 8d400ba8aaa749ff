"""The capacity figures under a scenario, beside the recorded ones, on a portfolio small enough
to check by hand: the pipeline (a marker per stage), capacity coming online (the scenario as
its own traces), the headline tiles (recorded → scenario, the difference), the map (sized by the
scenario's MW); an all-zero scenario equals the recorded portfolio; cached equals uncached and a
save is seen at once; queries constant at two sizes."""

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aipdash.charts.build import build
from aipdash.dashboard import blocks, selectors
from aipdash.dashboard.filters import DashboardFilters
from aipdash.scenarios.applied import AppliedScenario
from projects.models import Project
from tests.dashboard.test_selectors import grow
from tests.factories import ProjectFactory, ProjectPhaseFactory, ScenarioFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def small():
    """An operational campus (100 MW), a campus under construction in two phases (120 MW in
    Nov 2026, 80 MW in Jun 2027), announced wind without phases (300 MW, Jan 2028)."""
    old = ProjectFactory(
        slug="old",
        stage="operational",
        capacity_mw=D(100),
        expected_online=dt.date(2024, 6, 30),
        latitude=D("32.7"),
        longitude=D("-96.8"),
        country="US",
    )
    ProjectPhaseFactory(
        project=old, stage="operational", capacity_mw=D(100), expected_online=dt.date(2024, 6, 30)
    )
    campus = ProjectFactory(
        slug="campus",
        stage="construction",
        capacity_mw=D(200),
        expected_online=dt.date(2027, 6, 30),
        latitude=D("-23.5"),
        longitude=D("-46.6"),
        country="BR",
    )
    for mw, day in ((120, dt.date(2026, 11, 30)), (80, dt.date(2027, 6, 30))):
        ProjectPhaseFactory(
            project=campus, stage="construction", capacity_mw=D(mw), expected_online=day
        )
    ProjectFactory(
        slug="wind",
        kind="generation",
        energy_source="wind",
        stage="announced",
        capacity_mw=D(300),
        expected_online=dt.date(2028, 1, 1),
        latitude=D("41.9"),
        longitude=D("-100.2"),
        country="US",
    )


def under(scenario, **filters):
    return DashboardFilters(**filters).with_scenario(AppliedScenario.of(scenario))


@pytest.fixture
def late_and_lost():
    return ScenarioFactory(
        slug="late-and-lost",
        name="Late & lost",
        slip_construction_months=3,
        attrition_announced_pct=D(50),
    )


def by(rows, *keys, value="mw"):
    return {tuple(row[k] for k in keys): row[value] for row in rows}


def test_the_pipeline_has_the_scenario_beside_each_stage(small, late_and_lost):
    data = selectors.capacity_pipeline(under(late_and_lost))
    assert by(data.rows, "stage", "kind", value="mw_scenario") == {
        ("announced", "generation"): 150.0,
        ("construction", "data_centre"): 200.0,
        ("operational", "data_centre"): 100.0,
    }
    assert by(data.rows, "stage", "kind") == {
        ("announced", "generation"): 300.0,
        ("construction", "data_centre"): 200.0,
        ("operational", "data_centre"): 100.0,
    }
    assert data.columns[-1].label == "Capacity under “Late & lost”"
    figure = build(data)
    marker = figure["data"][-1]
    assert marker["name"] == "Under “Late &amp; lost”"  # escaped for plotly.js
    assert dict(zip(marker["x"], marker["text"], strict=True)) == {
        "Announced": "150 MW",
        "Construction": "200 MW",
        "Operational": "100 MW",
    }
    # Without a scenario: the recorded chart, no scenario column or marker.
    recorded = selectors.capacity_pipeline(DashboardFilters())
    assert "mw_scenario" not in recorded.rows[0]
    assert all(trace["type"] == "bar" for trace in build(recorded)["data"])


def test_capacity_online_has_the_scenario_as_its_own_traces(small, late_and_lost):
    data = selectors.capacity_online(under(late_and_lost))
    recorded = {
        k[:2]: v for k, v in by(data.rows, "date", "side", "case").items() if k[2] == "recorded"
    }
    scenario = {
        k[:2]: v for k, v in by(data.rows, "date", "side", "case").items() if k[2] == "scenario"
    }
    assert recorded == {
        (dt.date(2024, 6, 1), "demand"): 100.0,
        (dt.date(2026, 11, 1), "demand"): 120.0,
        (dt.date(2027, 6, 1), "demand"): 80.0,
        (dt.date(2028, 1, 1), "supply"): 300.0,
    }
    assert scenario == {  # construction three months later, announced wind halved
        (dt.date(2024, 6, 1), "demand"): 100.0,
        (dt.date(2027, 2, 1), "demand"): 120.0,
        (dt.date(2027, 9, 1), "demand"): 80.0,
        (dt.date(2028, 1, 1), "supply"): 150.0,
    }
    traces = {t["name"]: t for t in build(data)["data"]}
    assert set(traces) == {
        "Data-centre demand (IT load)",
        "Generation secured",
        "Data-centre demand (IT load), under “Late &amp; lost”",
        "Generation secured, under “Late &amp; lost”",
    }
    dashed = traces["Generation secured, under “Late &amp; lost”"]
    assert dashed["line"]["dash"] == "dash" and dashed["text"][-1] == "150 MW"
    assert traces["Generation secured"]["text"][-1] == "300 MW"


def test_the_headline_tiles_show_recorded_to_scenario_and_the_difference(small, late_and_lost):
    h = selectors.headline(under(late_and_lost))
    assert h["scenario"]["name"] == "Late & lost"
    assert h["scenario"]["mw"]["power_pipeline"] == {
        "recorded": 300.0,
        "scenario": 150.0,
        "difference": -150.0,
    }
    assert h["scenario"]["mw"]["dc_pipeline"]["difference"] == 0
    assert selectors.headline(DashboardFilters())["scenario"] is None


def test_the_map_is_sized_by_the_scenarios_mw(small, late_and_lost):
    data = selectors.project_map(under(late_and_lost))
    assert {k[0]: v for k, v in by(data.rows, "slug", value="mw_scenario").items()} == {
        "old": 100.0,
        "campus": 200.0,
        "wind": 150.0,
    }
    traces = {t["name"]: t for t in build(data)["data"]}
    assert traces["Announced"]["marker"]["size"] == [150.0]
    assert "Under “Late &amp; lost”: 150 MW" in traces["Announced"]["customdata"][0][5]
    assert build(selectors.project_map(DashboardFilters()))["data"][0]["marker"]["size"]


def test_a_scenario_that_moves_nothing_is_the_recorded_portfolio(small):
    zero = ScenarioFactory(slug="zero", leverage=D("1.5"))  # money only: no MW moves
    filters = under(zero)
    pipeline = selectors.capacity_pipeline(filters)
    assert all(row["mw_scenario"] == row["mw"] for row in pipeline.rows)
    online = selectors.capacity_online(filters).rows
    split = [
        sorted((r["date"], r["side"], r["mw"]) for r in online if r["case"] == case)
        for case in ("recorded", "scenario")
    ]
    assert split[0] == split[1]
    assert all(v["difference"] == 0 for v in selectors.headline(filters)["scenario"]["mw"].values())
    assert all(r["mw_scenario"] == r["mw"] for r in selectors.project_map(filters).rows)


def test_the_page_names_the_scenario_and_the_tiles_show_it(viewer_client, small, late_and_lost):
    html = viewer_client.get(reverse("dashboard") + "?scenario=late-and-lost").text
    assert "<strong>Late &amp; lost</strong>" in html  # the banner
    assert "generation and storage 300 MW → <strong>150 MW</strong>" in html
    assert "(−150 MW)" in html
    recorded = viewer_client.get(reverse("dashboard")).text
    assert 'class="scenario-banner"' not in recorded  # the "What if…" form is folded there
    assert 'id="scenario-panel">' in recorded


def test_cached_equals_uncached_and_a_save_is_seen_at_once(small, late_and_lost):
    cache.clear()
    for name in ("capacity_pipeline", "capacity_online", "project_map"):
        filters = under(late_and_lost)
        assert blocks.chart_data(name, filters) == selectors.CHARTS[name](filters)  # cold
        assert blocks.chart_data(name, filters) == selectors.CHARTS[name](filters)  # warm
    before = blocks.chart_data("capacity_pipeline", under(late_and_lost))
    late_and_lost.attrition_announced_pct = D(80)
    late_and_lost.save()  # a new version: the next view reads new figures, nothing cleared
    after = blocks.chart_data("capacity_pipeline", under(late_and_lost))
    assert by(before.rows, "stage", "kind", value="mw_scenario")[("announced", "generation")] == 150
    assert by(after.rows, "stage", "kind", value="mw_scenario")[("announced", "generation")] == 60
    # The recorded view's cache is not the scenario's.
    assert "mw_scenario" not in blocks.chart_data("capacity_pipeline", DashboardFilters()).rows[0]


def count(function, filters):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        function(filters)
    return len(queries)


@pytest.mark.parametrize("name", [*selectors.CHARTS, "headline"])
def test_queries_with_a_scenario_do_not_grow_with_the_data(small, late_and_lost, name):
    function = selectors.CHARTS.get(name) or selectors.headline
    grow(1)  # a commitment and a partner: an empty table skips a query, a larger one does not
    views = (under(late_and_lost), under(late_and_lost, country=("US",), online_from=2020))
    small_counts = [count(function, v) for v in views]
    grow(15)
    assert [count(function, v) for v in views] == small_counts
    recorded = count(function, DashboardFilters())
    # capacity online reads the phases grouped by stage and kind: two grouped queries more.
    assert small_counts[0] <= recorded + (2 if name == "capacity_online" else 0)


def test_queries_of_a_cold_page_under_a_scenario_do_not_grow_with_the_data(
    viewer_client, small, late_and_lost
):
    def cold_queries(query):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert viewer_client.get(reverse("dashboard") + query).status_code == 200
        return len(queries)

    views = ("?scenario=late-and-lost", "?country=US&online_from=2020&scenario=late-and-lost")
    viewer_client.get(reverse("dashboard"))  # the session's first page starts its visit
    grow(1)
    before = [cold_queries(v) for v in views]
    grow(15)
    assert [cold_queries(v) for v in views] == before


def test_a_cached_page_under_a_scenario_is_the_uncached_one(viewer_client, small, late_and_lost):
    def page(partial=False):
        headers = {"HTTP_HX_REQUEST": "true"} if partial else {}
        return viewer_client.get(
            reverse("dashboard") + "?country=US&scenario=late-and-lost", **headers
        ).text

    strip = lambda html: re.sub(r'(nonce|value)="[^"]*"', "", html)  # noqa: E731
    cache.clear()
    cold, warm = page(), page()
    cache.clear()
    cold_partial, warm_partial = page(partial=True), page(partial=True)
    assert strip(cold) == strip(warm)
    assert strip(cold_partial) == strip(warm_partial)
    assert "Late &amp; lost" in cold_partial
    # The API's rows too: every chart's, cold and warm.
    filters = under(late_and_lost, country=("US",))
    cache.clear()
    for name in selectors.CHARTS:
        assert blocks.chart_data(name, filters) == selectors.CHARTS[name](filters), name
        assert blocks.chart_data(name, filters) == selectors.CHARTS[name](filters), name


# -- The power balance and the capital bridge -------------------------------------------------


def test_the_power_balance_by_year_recorded_and_under_the_scenario(small, late_and_lost):
    data = selectors.power_balance(under(late_and_lost))
    rows = {(r["year"], r["case"]): r for r in data.rows}
    assert sorted({year for year, _ in rows}) == [2024, 2025, 2026, 2027, 2028]
    assert (rows[2026, "recorded"]["demand_mw"], rows[2026, "scenario"]["demand_mw"]) == (220, 100)
    assert rows[2027, "scenario"]["demand_mw"] == rows[2027, "recorded"]["demand_mw"] == 300
    assert (rows[2028, "recorded"]["supply_mw"], rows[2028, "scenario"]["supply_mw"]) == (300, 150)
    assert rows[2028, "scenario"]["gap_mw"] == 150
    this_year = dt.date.today().year
    words = data.extras["in_words"]
    if this_year <= 2028:
        assert words["recorded"].endswith(f"in {max(this_year, 2024)}.")
    html = build(data)
    assert {t["name"] for t in html["data"]} >= {
        "Data-centre IT load online",
        "Generation and storage online, under “Late &amp; lost”",
    }
    recorded_only = selectors.power_balance(DashboardFilters())
    assert {r["case"] for r in recorded_only.rows} == {"recorded"}
    assert set(recorded_only.extras["in_words"]) == {"recorded"}


def test_the_capital_bridge_by_year_and_what_it_rests_on(small, late_and_lost):
    # The campus has a recorded cost ($10m per MW): the median prices the old campus (100 MW).
    Project.objects.filter(slug="campus").update(capital_cost_usd=D(2_000_000_000))
    lean = ScenarioFactory(slug="lean", leverage=D("1.5"), attrition_construction_pct=D(50))
    data = selectors.capital_bridge(under(lean))
    rows = {(r["year"], r["case"]): r for r in data.rows}
    assert rows[2024, "recorded"]["cumulative_needed_usd"] == 1e9  # 100 MW × $10m, per MW
    assert (
        rows[2024, "recorded"]["projects_per_mw"],
        rows[2024, "recorded"]["projects_with_cost"],
    ) == (1, 0)
    assert rows[2027, "recorded"]["cumulative_needed_usd"] == 3e9  # + the campus's own $2bn
    assert rows[2027, "scenario"]["cumulative_needed_usd"] == 2e9  # half the campus is lost
    assert rows[2028, "recorded"]["projects_unpriced"] == 1  # no generation cost to take
    assert data.extras["leverage"] == {"recorded": 0.0, "scenario": 1.5}  # no targets recorded
    figure = build(data)
    assert [t["name"] for t in figure["data"]] == [
        "Needed by projects online",
        f"Needed by projects online, under “{lean.name}”",
    ]
    assert "1 with a recorded cost" in figure["data"][0]["customdata"][3][3]


# -- Exports and print -----------------------------------------------------------------------


def test_the_workbook_has_the_scenarios_figures_and_a_sheet_of_its_assumptions(
    viewer_client, small, late_and_lost
):
    response = viewer_client.get(reverse("dashboard-xlsx") + "?scenario=late-and-lost")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert {"Scenario", "Power balance", "Capital bridge"} <= set(book.sheetnames)
    rows = [tuple(c.value for c in row) for row in book["Scenario"].iter_rows()]
    assert rows[1][:2] == ("Scenario", "Late & lost")
    lines = {row[0]: row[1:] for row in rows[2:]}
    assert (
        lines["Schedule slip"][0]
        == "announced 0 months, development 0 months, construction 3 months"
    )
    assert lines["Attrition"][0].startswith("announced 50 %")
    assert lines["Attrition"][1].startswith("Assumption of ours")  # changed, no source given
    assert "publicpower.org" in lines["Leverage"][1]  # the default's own source
    filters_sheet = {row[0].value: row[1].value for row in book["Filters"].iter_rows()}
    assert filters_sheet["Scenario"] == "Late & lost"
    pipeline = [
        tuple(c.value for c in row) for row in book["Capacity pipeline by stage"].iter_rows()
    ]
    assert "Capacity under “Late & lost” (MW)" in pipeline[0] or any(
        "Late & lost" in str(v) for v in pipeline[0]
    )
    csv = viewer_client.get(
        reverse("chart-csv", args=["capacity_pipeline"]), {"scenario": "late-and-lost"}
    )
    assert "Late & lost" in b"".join(csv.streaming_content).decode()


def test_print_names_the_scenario(viewer_client, small, late_and_lost):
    html = viewer_client.get(reverse("dashboard") + "?scenario=late-and-lost").text
    header = html[html.index('class="print-only print-header"') :][:1500]
    assert "Scenario: Late &amp; lost" in header
