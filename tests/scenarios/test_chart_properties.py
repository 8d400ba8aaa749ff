"""Properties of the dashboard's charts under a scenario (hypothesis), through the real
selectors and database, on small random portfolios (test_properties.py checks the arithmetic
alone, on rows):

- assumptions at zero give the recorded portfolio on every chart and the headline: the
  scenario's figures equal the recorded ones, and the recorded ones are those of the view
  without a scenario;
- more slip never brings more MW online by any date (capacity coming online, the power
  balance), nor more capital needed by any year;
- more attrition never raises MW (the pipeline, the map, the headline, capacity coming online,
  the power balance) or the capital needed.

Few examples, each a portfolio of a few projects made and rolled back: the selectors run some
thirty queries per chart set, so this stays within seconds.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aipdash.charts.data import ChartData
from aipdash.dashboard import selectors
from aipdash.dashboard.filters import DashboardFilters
from aipdash.scenarios.applied import AppliedScenario
from aipdash.scenarios.assumptions import (
    ATTRITION_FIELDS,
    KINDS,
    OPEN_STAGES,
    SLIP_FIELDS,
    Assumptions,
)
from projects.models import Stage
from tests.factories import ProjectFactory, ProjectPhaseFactory

pytestmark = pytest.mark.django_db
D = Decimal
PROPERTIES = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
STAGES = tuple(Stage.values)
ENERGY_SOURCE = {"generation": "solar", "storage": "battery"}
RECORDED, SCENARIO = "recorded", "scenario"
OPERATIONAL_SINCE = dt.date(2024, 3, 15)

dated = st.builds(dt.date, st.integers(2024, 2031), st.integers(1, 12), st.just(15))
days = st.none() | dated
phase = st.tuples(st.sampled_from(STAGES), st.integers(0, 500), dated)  # a phase has its date
project = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(KINDS),
        "stage": st.sampled_from(STAGES),
        "mw": st.integers(0, 900),
        "online": days,
        "cost_musd": st.none() | st.integers(1, 5000),
        "phases": st.lists(phase, max_size=2),
    }
)
portfolios = st.lists(project, min_size=1, max_size=5)
pct = st.integers(0, 100)


def make(portfolio: list[dict[str, Any]]) -> None:
    for p in portfolio:
        made = ProjectFactory(
            kind=p["kind"],
            stage=p["stage"],
            energy_source=ENERGY_SOURCE.get(p["kind"], ""),
            capacity_mw=D(p["mw"]),
            # An operational project has its online date (a rule of the database).
            expected_online=p["online"]
            or (OPERATIONAL_SINCE if p["stage"] == "operational" else None),
            capital_cost_usd=None if p["cost_musd"] is None else D(p["cost_musd"]) * 10**6,
        )
        for stage, mw, online in p["phases"]:
            ProjectPhaseFactory(
                project=made, stage=stage, capacity_mw=D(mw), expected_online=online
            )


def rolled_back(check):
    """Run `check` on the portfolio made in a savepoint that is rolled back after it, with an
    empty cache (the cached provenance is keyed by the data version, which a test's
    transaction never replaces)."""

    def run(portfolio, *args):
        cache.clear()
        with transaction.atomic():
            make(portfolio)
            check(*args)
            transaction.set_rollback(True)

    return run


def under(assumptions: Assumptions) -> DashboardFilters:
    return DashboardFilters().with_scenario(AppliedScenario.unsaved("s", "S", assumptions))


def assumptions(slip: dict[str, int], attrition: dict[str, int], **more: Any) -> Assumptions:
    return Assumptions.from_fields(
        {
            **{SLIP_FIELDS[s]: slip.get(s, 0) for s in OPEN_STAGES},
            **{ATTRITION_FIELDS[s]: attrition.get(s, 0) for s in OPEN_STAGES},
            **more,
        }
    )


def zero() -> Assumptions:
    """Every assumption that moves MW at zero, said out loud (per kind too)."""
    return assumptions({}, {}, attrition_by_kind={kind: {"announced": 0} for kind in KINDS})


# What of a chart is the recorded portfolio, and what is the scenario ----------------------------


def _strip(row: dict[str, Any], scenario: bool) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k not in ("case", "mw_scenario")}
    if scenario and "mw_scenario" in row:
        out["mw"] = row["mw_scenario"]
    return out


def part(data: ChartData, case: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The chart's rows and extras of one case: rows drawn both ways (`case`) of that case,
    rows with the scenario's MW beside (`mw_scenario`) as that case's MW, extras per case as
    that case's value."""
    other = SCENARIO if case == RECORDED else RECORDED
    rows = [_strip(r, case == SCENARIO) for r in data.rows if r.get("case") != other]
    extras = {
        key: value[case] if isinstance(value, dict) and case in value else value
        for key, value in data.extras.items()
        if key != "scenario"
    }
    return rows, extras


def online_by(rows: list[dict[str, Any]]) -> dict[tuple[dt.date, str], float]:
    """Capacity coming online as its chart draws it: cumulative MW by each date, per side."""
    dates = sorted({r["date"] for r in rows if r["date"] is not None})
    sides = {r["side"] for r in rows}
    return {
        (d, side): sum(
            r["mw"] for r in rows if r["side"] == side and r["date"] is not None and r["date"] <= d
        )
        for d in dates
        for side in sides
    }


def at_years(rows: list[dict[str, Any]], key: str, years) -> dict[int, float]:
    """A cumulative figure by year: a year past a case's last row holds its last value."""
    out = {}
    for year in years:
        before = [r for r in rows if r["year"] <= year]
        out[year] = before[-1][key] if before else 0.0
    return out


# Zero moves nothing -------------------------------------------------------------------------------


@PROPERTIES
@given(portfolio=portfolios)
def test_assumptions_at_zero_give_the_recorded_portfolio_on_every_chart(db, portfolio):
    @rolled_back
    def check():
        for name, selector in selectors.CHARTS.items():
            recorded = part(selector(DashboardFilters()), RECORDED)
            data = selector(under(zero()))
            assert part(data, RECORDED) == recorded, name  # the recorded side is untouched
            mine = part(data, SCENARIO)
            if name == "capacity_online":  # drawn cumulative, by date: compare what is drawn
                assert online_by(mine[0]) == online_by(recorded[0]), name
            else:
                assert mine == recorded, name
        h = selectors.headline(under(zero()))
        plain = selectors.headline(DashboardFilters())
        assert {k: v for k, v in h.items() if k != "scenario"} == {
            k: v for k, v in plain.items() if k != "scenario"
        }
        assert {k: v["scenario"] for k, v in h["scenario"]["mw"].items()} == plain["mw"]

    check(portfolio)


# More slip, more attrition ------------------------------------------------------------------------

slips = st.fixed_dictionaries({s: st.integers(0, 36) for s in OPEN_STAGES})
attritions = st.fixed_dictionaries(dict.fromkeys(OPEN_STAGES, pct))


def scenario_figures(filters: DashboardFilters) -> dict[str, Any]:
    return {
        "online": online_by(part(selectors.capacity_online(filters), SCENARIO)[0]),
        "balance": part(selectors.power_balance(filters), SCENARIO)[0],
        "bridge": part(selectors.capital_bridge(filters), SCENARIO)[0],
    }


def assert_never_more(low: dict[str, Any], high: dict[str, Any]) -> None:
    """`high` (the heavier assumptions) never has more MW online by any date or year, nor more
    capital needed by any year, than `low`."""
    for key, mw in high["online"].items():
        # A date only the other side has: the last date before it holds.
        earlier = [v for (d, side), v in low["online"].items() if side == key[1] and d <= key[0]]
        assert mw <= (max(earlier) if earlier else 0) + 1e-6, key
    years = {r["year"] for r in low["balance"] + high["balance"]}
    for key in ("demand_mw", "supply_mw"):
        a, b = at_years(low["balance"], key, years), at_years(high["balance"], key, years)
        assert all(b[y] <= a[y] + 1e-6 for y in years), key
    years = {r["year"] for r in low["bridge"] + high["bridge"]}
    a = at_years(low["bridge"], "cumulative_needed_usd", years)
    b = at_years(high["bridge"], "cumulative_needed_usd", years)
    assert all(b[y] <= a[y] * (1 + 1e-9) + 1e-3 for y in years)


@PROPERTIES
@given(portfolio=portfolios, slip=slips, attrition=attritions, extra=slips)
def test_more_slip_never_brings_more_mw_online_by_any_date(db, portfolio, slip, attrition, extra):
    low = assumptions(slip, attrition)
    high = assumptions({s: slip[s] + extra[s] for s in OPEN_STAGES}, attrition)

    @rolled_back
    def check():
        assert_never_more(scenario_figures(under(low)), scenario_figures(under(high)))

    check(portfolio)


@PROPERTIES
@given(
    portfolio=portfolios,
    slip=slips,
    attrition=attritions,
    extra=st.integers(0, 100),
    by_kind=st.dictionaries(st.sampled_from(KINDS), st.integers(0, 100), max_size=2),
)
def test_more_attrition_never_raises_mw_or_capital_needed(
    db, portfolio, slip, attrition, extra, by_kind
):
    def with_extra(add: int) -> Assumptions:
        return assumptions(
            slip,
            {s: min(100, attrition[s] + add) for s in OPEN_STAGES},
            attrition_by_kind={k: {"announced": min(100, p + add)} for k, p in by_kind.items()},
        )

    low, high = with_extra(0), with_extra(extra)

    @rolled_back
    def check():
        lo, hi = under(low), under(high)
        assert_never_more(scenario_figures(lo), scenario_figures(hi))
        for name in ("capacity_pipeline", "project_map"):
            a, b = selectors.CHARTS[name](lo).rows, selectors.CHARTS[name](hi).rows
            assert len(a) == len(b)
            assert all(
                (y["mw_scenario"] or 0) <= (x["mw_scenario"] or 0)
                for x, y in zip(a, b, strict=True)
            ), name
        a, b = selectors.headline(lo)["scenario"]["mw"], selectors.headline(hi)["scenario"]["mw"]
        assert all(b[k]["scenario"] <= a[k]["scenario"] for k in a)

    check(portfolio)
