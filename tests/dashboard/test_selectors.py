"""The dashboard's reads: the right sums on a small hand-made portfolio, in a fixed number of
queries whatever its size."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aipdash.dashboard import selectors
from aipdash.dashboard.filters import DashboardFilters
from aipdash.dashboard.selectors import capacity
from projects.models import FundraisingUpdate
from tests.factories import (
    CommitmentFactory,
    MarketIndicatorFactory,
    ParticipationFactory,
    PartnerFactory,
    ProjectFactory,
    ProjectPhaseFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db
B = 1_000_000_000


@pytest.fixture
def portfolio():
    gip = PartnerFactory(slug="gip", short_name="GIP", colour="#56B4E9")
    mgx = PartnerFactory(slug="mgx", short_name="MGX", colour="#009E73")
    dallas = ProjectFactory(
        slug="dallas",
        stage="operational",
        capacity_mw=Decimal("100"),
        country="US",
        expected_online=dt.date(2024, 6, 30),
    )
    sao = ProjectFactory(
        slug="sao",
        stage="construction",
        capacity_mw=Decimal("200"),
        country="BR",
        expected_online=dt.date(2027, 6, 30),
    )
    solar = ProjectFactory(
        slug="solar",
        kind="generation",
        energy_source="solar",
        stage="development",
        capacity_mw=Decimal("300"),
        country="US",
        expected_online=dt.date(2028, 1, 1),
        illustrative=False,
        source_url="https://example.com/solar",
        source_title="Solar release",
        as_of=dt.date(2026, 2, 1),
    )
    ProjectPhaseFactory(
        project=dallas, sequence=1, capacity_mw=Decimal("100"), expected_online=dt.date(2024, 6, 30)
    )
    ProjectPhaseFactory(
        project=sao, sequence=1, capacity_mw=Decimal("120"), expected_online=dt.date(2026, 6, 30)
    )
    ProjectPhaseFactory(
        project=sao, sequence=2, capacity_mw=Decimal("80"), expected_online=dt.date(2027, 6, 30)
    )
    # solar has no phases: it comes online whole on its own date.
    ParticipationFactory(project=dallas, partner=gip, stake_percent=Decimal("60"))
    ParticipationFactory(project=solar, partner=mgx, stake_percent=Decimal("50"))
    CommitmentFactory(partner=gip, amount_usd=Decimal(2 * B), committed_on=dt.date(2025, 1, 1))
    CommitmentFactory(
        partner=gip, amount_usd=Decimal(1 * B), status="called", committed_on=dt.date(2025, 3, 1)
    )
    CommitmentFactory(partner=mgx, amount_usd=Decimal(3 * B), committed_on=dt.date(2025, 2, 1))
    CommitmentFactory(
        partner=mgx,
        project=solar,
        instrument="debt",
        amount_usd=Decimal("500000000"),
        committed_on=dt.date(2026, 2, 1),
    )
    equity = TargetFactory(slug="equity", scope="equity", amount_usd=Decimal(30 * B))
    TargetFactory(slug="total", scope="total", amount_usd=Decimal(100 * B))
    FundraisingUpdate.objects.create(
        target=equity,
        amount_raised_usd=Decimal("12.5") * B,
        as_of=dt.date(2026, 1, 15),
        illustrative=True,
    )
    MarketIndicatorFactory(series="dc-electricity", year=2024, value=Decimal("415"))
    MarketIndicatorFactory(
        series="dc-electricity", year=2030, scenario="base", value=Decimal("945")
    )
    MarketIndicatorFactory(
        series="india-electricity",
        region="India",
        year=2025,
        scenario="reference",
        value=Decimal("1694"),
    )


def f(**kwargs):
    return DashboardFilters(**kwargs)


def total(rows, key, **match):
    return sum(r[key] for r in rows if all(r[k] == v for k, v in match.items()))


def test_commitments_by_partner(portfolio):
    data = selectors.commitments_by_partner(f())
    assert total(data.rows, "amount_usd", partner="GIP") == 3 * B
    assert total(data.rows, "amount_usd", partner="MGX", instrument="equity") == 3 * B
    assert total(data.rows, "amount_usd", instrument="debt") == 0.5 * B
    assert {t["amount_usd"] for t in data.extras["targets"]} == {30 * B, 100 * B}
    assert data.illustrative and data.note == ""

    only_gip = selectors.commitments_by_partner(f(partner=("gip",)))
    assert {r["partner"] for r in only_gip.rows} == {"GIP"}


def test_project_filters_narrow_project_commitments_but_keep_partnership_ones(portfolio):
    data = selectors.commitments_by_partner(f(country=("BR",)))
    # The debt to the US solar project is gone; equity to the partnership stays.
    assert total(data.rows, "amount_usd") == 6 * B
    assert "partnership as a whole" in data.note


def test_commitments_over_time_are_monthly_sums(portfolio):
    data = selectors.commitments_over_time(f())
    assert [r["date"] for r in data.rows] == sorted(r["date"] for r in data.rows)
    assert all(r["date"].day == 1 for r in data.rows)
    assert total(data.rows, "amount_usd") == 6.5 * B


def test_capacity_pipeline_by_stage_and_kind(portfolio):
    rows = selectors.capacity_pipeline(f()).rows
    assert total(rows, "mw", stage="operational") == 100
    assert total(rows, "mw", stage="construction", kind="data_centre") == 200
    assert total(rows, "mw", kind="generation") == 300
    assert total(selectors.capacity_pipeline(f(partner=("mgx",))).rows, "mw") == 300
    assert total(selectors.capacity_pipeline(f(online_to=2027)).rows, "mw") == 300
    assert selectors.capacity_pipeline(f(country=("CL",))).empty


def test_capacity_online_counts_phases_and_whole_projects(portfolio):
    rows = selectors.capacity_online(f()).rows
    assert total(rows, "mw", side="demand") == 300
    assert total(rows, "mw", side="supply") == 300  # the solar project, without phases
    # By month (its first day): a step per month, not a row per day, at any size.
    assert {r["date"] for r in rows if r["side"] == "demand"} == {
        dt.date(2024, 6, 1),
        dt.date(2026, 6, 1),
        dt.date(2027, 6, 1),
    }


def test_energy_mix_and_map(portfolio):
    mix = selectors.energy_mix(f()).rows
    assert mix == ({"energy_source": "solar", "stage": "development", "mw": 300.0, "projects": 1},)
    points = selectors.project_map(f(kind=("data_centre",))).rows
    assert {p["slug"] for p in points} == {"dallas", "sao"}
    assert points[0]["url"] == "/projects/sao/"


def test_map_groups_by_country_and_stage_past_its_point_limit(portfolio, monkeypatch):
    monkeypatch.setattr(capacity, "MAP_POINTS_MAX", 1)
    data = selectors.project_map(f())
    assert data.extras["grouped"] is True
    by_place = {(r["country"], r["stage"]): r for r in data.rows}
    assert set(by_place) == {("US", "operational"), ("BR", "construction"), ("US", "development")}
    assert by_place["BR", "construction"]["url"] == "?country=BR&stage=construction"
    assert by_place["US", "operational"]["mw"] == 100.0
    assert sum(r["projects"] for r in data.rows) == 3
    assert "one point per country and stage" in data.note


def test_market_context_ignores_filters_and_carries_the_reference(portfolio):
    data = selectors.market_context(f(country=("BR",)))
    assert [(r["scenario"], r["year"], r["value"]) for r in data.rows] == [
        ("base", 2030, 945.0),
        ("historical", 2024, 415.0),
    ]
    assert data.extras["reference"]["value"] == 1694.0
    assert all(r["source_title"] for r in data.rows)


def test_provenance_gives_newest_date_and_sources(portfolio):
    data = selectors.capacity_pipeline(f(kind=("generation",)))
    assert data.as_of == dt.date(2026, 2, 1)
    assert not data.illustrative
    assert [s.title for s in data.sources] == ["Solar release"]


def test_headline(portfolio):
    h = selectors.headline(f())
    assert h["equity_committed"] == 6 * B
    assert h["total_committed"] == 6.5 * B
    assert h["equity_percent"] == pytest.approx(20.0)
    assert float(h["raised"]["amount_raised_usd"]) == 12.5 * B
    assert h["mw"] == {
        "dc_operational": 100.0,
        "dc_pipeline": 200.0,
        "power_operational": 0.0,
        "power_pipeline": 300.0,
        "grid_operational": 0.0,
        "grid_pipeline": 0.0,
    }
    assert (h["projects"], h["partners"]) == (3, 2)
    assert selectors.headline(f(partner=("gip",)))["partners"] == 1


def count_queries(function, filters):
    cache.clear()  # the shared provenance is cached per (filters, data version): count it cold
    with CaptureQueriesContext(connection) as queries:
        function(filters)
    return len(queries)


def grow(n):
    partner = PartnerFactory()
    for _ in range(n):
        project = ProjectFactory(country="US")
        ProjectPhaseFactory(project=project)
        ParticipationFactory(project=project, partner=partner)
        CommitmentFactory(partner=partner, project=project)
    MarketIndicatorFactory(series="dc-electricity")


@pytest.mark.parametrize("name", [*selectors.CHARTS, "headline"])
def test_queries_per_chart_do_not_grow_with_the_data(portfolio, name):
    function = selectors.CHARTS.get(name) or selectors.headline
    filters = f(partner=("gip", "mgx"), country=("US",), online_from=2020)
    small = count_queries(function, filters), count_queries(function, f())
    grow(15)
    large = count_queries(function, filters), count_queries(function, f())
    assert small == large
    # A commitment chart: its facts, the partnership's running sums, their sources, the
    # partners, the targets.
    # The capital bridge: the projects by stage, kind and month, the medians (one per kind),
    # the targets, and the committed money and provenance the other charts read too.
    # Commitments over time: one more, its notes (aipdash/history/notes.py).
    limits = {"headline": 8, "capital_bridge": 12, "commitments_over_time": 6}
    assert max(large) <= limits.get(name, 5), max(large)
