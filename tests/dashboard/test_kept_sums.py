"""The dashboard reads the sums the database keeps (projects.CommitmentSum, CommitmentTotal,
CapacitySum, ProjectSum, PhaseGroupSum, CapitalSum) whenever the filters allow, and the rows
themselves otherwise: both ways give the same figures for every filter the sums answer (on a
synthetic portfolio of every kind and stage, beside the demo records)."""

import datetime as dt
import importlib
from collections import defaultdict
from decimal import Decimal

import pytest

from aipdash.dashboard.filters import DashboardFilters
from aipdash.dashboard.selectors import capacity, common
from aipdash.operations.demo import loader, synthetic
from aipdash.scenarios.applied import AppliedScenario
from aipdash.scenarios.selectors import capital_groups, phase_groups
from partners.models import Partner
from tests.factories import ProjectFactory, ScenarioFactory

commitments = importlib.import_module("aipdash.dashboard.selectors.commitments")
scenario_charts = importlib.import_module("aipdash.dashboard.selectors.scenarios")

pytestmark = pytest.mark.django_db

# The filters the kept sums answer: kind, stage, energy source (and, for commitments, the
# partner's own); the project sums also country and the online years.
ON_KEPT_COLUMNS = [
    {},
    {"stage": ("construction",)},
    {"stage": ("announced", "cancelled")},
    {"kind": ("data_centre",)},
    {"kind": ("grid",), "stage": ("operational", "paused")},
    {"energy_source": ("solar", "battery")},
    {"kind": ("generation",), "energy_source": ("wind",), "stage": ("development",)},
]
ALSO_FOR_PROJECTS = [
    {"country": ("US", "FR")},
    {"online_from": 2027},
    {"online_to": 2026},
    {"online_from": 2026, "online_to": 2028, "stage": ("construction",)},
    {"country": ("IN",), "kind": ("storage",)},
]


def test_the_kept_sums_and_the_rows_give_the_same_figures(monkeypatch):
    """One portfolio for every check (loading it is most of the time)."""
    loader.load_demo()
    synthetic.load(projects=200, commitments=2000, seed=11)
    # Rows at the edges of the filters: no online date, no position, a grid link.
    ProjectFactory(stage="announced", expected_online=None, latitude=None, longitude=None)
    ProjectFactory(kind="grid", stage="operational", expected_online=dt.date(2026, 12, 31))
    ProjectFactory(kind="data_centre", expected_online=None, capital_cost_usd=Decimal("0.01"))
    check_capacity_online()
    check_commitments()
    check_project_sums()
    check_map_groups()
    check_scenario_groups()
    check_scenario_charts(monkeypatch)


def _rounded(value):
    return None if value is None else round(float(value), 6)


def check_capacity_online():
    for arguments in ON_KEPT_COLUMNS:
        filters = DashboardFilters(**arguments)
        from_sums, from_rows = (
            _by_month_and_side(capacity._capacity_online_from_sums(filters)),
            _by_month_and_side(capacity._capacity_online_from_phases(filters)),
        )
        assert from_sums == from_rows, arguments
        assert from_sums or arguments, "the unfiltered view has capacity online"


def _by_month_and_side(rows):
    out = defaultdict(lambda: [0, set(), False])
    for row in rows:
        total = out[row["date"], row["side"]]
        total[0] += row["mw"] or 0
        total[1].add((row["source_title"], row["source_url"], row["newest"]))
        total[2] = total[2] or bool(row["n_illustrative"])
    return {key: (_rounded(mw), sources, any_) for key, (mw, sources, any_) in out.items()}


def check_commitments():
    partner = Partner.objects.order_by("slug").first().slug
    for arguments in [*ON_KEPT_COLUMNS, {"partner": (partner,)}]:
        filters = DashboardFilters(**arguments)
        assert sorted(commitments._parts(filters, kept=True)) == sorted(
            commitments._parts(filters, kept=False)
        ), arguments


def check_project_sums():
    for arguments in [*ON_KEPT_COLUMNS, *ALSO_FOR_PROJECTS]:
        filters = DashboardFilters(**arguments)
        assert _keyed(common._project_sums_rows(filters, kept=True)) == _keyed(
            common._project_sums_rows(filters, kept=False)
        ), arguments


def _keyed(rows):
    return {
        (row["stage"], row["kind"], row["energy_source"], row["source_title"], row["source_url"]): (
            _rounded(row["mw"]),
            row["projects"],
            row["newest"],
            row["n_illustrative"],
        )
        for row in rows
    }


def check_map_groups():
    for arguments in [*ON_KEPT_COLUMNS, *ALSO_FOR_PROJECTS]:
        filters = DashboardFilters(**arguments)
        located = common.projects(filters).filter(latitude__isnull=False, longitude__isnull=False)
        assert _places(capacity._map_parts_of_sums(filters)) == _places(
            capacity._map_parts_of_projects(located)
        ), arguments


def _places(parts):
    return {
        (p["country"], p["stage"], p["source_title"], p["source_url"]): (
            p["projects"],
            _rounded(p["mw"]),
            _rounded(p["lat_sum"]),
            _rounded(p["lon_sum"]),
            p["newest"],
            p["n_illustrative"],
        )
        for p in parts
    }


def check_scenario_groups():
    """The phases and projects as the scenario charts group them, kept and from the rows."""
    undated = False
    for arguments in ON_KEPT_COLUMNS:
        filters = DashboardFilters(**arguments)
        assert common.on_kept_dimensions(filters)
        kept = scenario_charts.grouped_phases(filters)
        undated = undated or any(row["month"] is None for row in kept)
        rows = phase_groups(common.phases(filters), common.projects(filters))
        assert _phase_keyed(kept) == _phase_keyed(rows), arguments
        assert _capital_keyed(scenario_charts.grouped_capital(filters)) == _capital_keyed(
            capital_groups(common.projects(filters))
        ), arguments
    assert undated, "a project without a date is a row"


def _phase_keyed(rows):
    """Summed per stage, kind, month and source (the rows path keeps phases and whole
    projects apart; the sums hold them together)."""
    out = defaultdict(lambda: [Decimal(0), 0, None])
    for row in rows:
        total = out[row["stage"], row["kind"], row["month"], row["source_title"], row["source_url"]]
        total[0] += row["mw"]
        total[1] += row["n_illustrative"]
        total[2] = max(total[2] or row["newest"], row["newest"])
    return {key: tuple(value) for key, value in out.items()}


def _capital_keyed(rows):
    return {
        (row["stage"], row["kind"], row["month"]): (
            row["projects"],
            row["with_cost"],
            row["cost_usd"],
            row["without_cost"],
            row["mw_without_cost"],
        )
        for row in rows
    }


def check_scenario_charts(monkeypatch):
    """The power balance and the capital bridge, recorded and under a scenario that moves and
    drops capacity: the same figures from the sums as from the rows."""
    scenario = ScenarioFactory(
        slip_construction_months=7,
        attrition_announced_pct=Decimal("25"),
        attrition_development_pct=Decimal("10"),
    )
    for arguments in ON_KEPT_COLUMNS:
        filters = DashboardFilters(**arguments).with_scenario(AppliedScenario.of(scenario))
        charts = [
            scenario_charts.power_balance,
            scenario_charts.capital_bridge,
            capacity.capacity_online,
        ]
        kept = [chart(filters) for chart in charts]
        with monkeypatch.context() as patched:
            # The rows' way for the same filters (what any other filter reads).
            patched.setattr(scenario_charts, "on_kept_dimensions", lambda filters: False)
            from_rows = [chart(filters) for chart in charts]
        for a, b in zip(kept, from_rows, strict=True):
            assert a.rows == b.rows, (a.chart, arguments)
            assert a.extras == b.extras, (a.chart, arguments)
            assert (a.as_of, a.illustrative, a.sources) == (b.as_of, b.illustrative, b.sources)
