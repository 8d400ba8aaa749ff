"""The scenario arithmetic checked by hand on small portfolios (no database: rows in, rows out)."""

import datetime as dt
from decimal import Decimal

import pytest

from aipdash.scenarios.arithmetic import (
    CostPerMW,
    add_months,
    apply_attrition,
    apply_to_phases,
    capital_bridge,
    capital_needed,
    demand_case_rows,
    power_balance,
    resolve_cost_per_mw,
    resolve_leverage,
    years_of,
)
from aipdash.scenarios.assumptions import Assumptions

D = Decimal
BN = D(1_000_000_000)
DC, GEN, STORE, GRID = "data_centre", "generation", "storage", "grid"


def phase(stage, kind, month, mw):
    return {"stage": stage, "kind": kind, "month": month, "mw": D(mw), "source_title": "S"}


def assume(**fields):
    return Assumptions.from_fields(fields)


# -- Slip ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "months", "moved"),
    [
        (dt.date(2027, 11, 1), 3, dt.date(2028, 2, 1)),
        (dt.date(2027, 12, 1), 1, dt.date(2028, 1, 1)),
        (dt.date(2027, 1, 1), 120, dt.date(2037, 1, 1)),
        (dt.date(2027, 1, 31), 1, dt.date(2027, 2, 28)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
        (dt.date(2027, 5, 1), 0, dt.date(2027, 5, 1)),
    ],
)
def test_add_months(month, months, moved):
    assert add_months(month, months) == moved


def test_slip_moves_a_phase_across_a_year_boundary_and_the_balance_with_it():
    rows = [
        phase("construction", DC, dt.date(2027, 11, 1), 100),
        phase("operational", GEN, dt.date(2026, 6, 1), 80),
        phase("announced", GEN, dt.date(2027, 3, 1), 50),
    ]
    scenario = apply_to_phases(rows, assume(slip_construction_months=3))

    assert [r["month"] for r in scenario] == [
        dt.date(2028, 2, 1),  # construction: three months later, the next year
        dt.date(2026, 6, 1),  # online already: never moves
        dt.date(2027, 3, 1),  # announced: no slip of its own
    ]
    assert [r["mw"] for r in scenario] == [D(100), D(80), D(50)]
    assert scenario[0]["source_title"] == "S"  # other keys travel with the row

    years = years_of(rows, scenario)
    assert years == range(2026, 2029)
    recorded, moved = power_balance(rows, years), power_balance(scenario, years)
    assert [(y.year, y.demand_mw, y.supply_mw) for y in recorded.years] == [
        (2026, 0, 80),
        (2027, 100, 130),
        (2028, 100, 130),
    ]
    assert [(y.year, y.demand_added_mw, y.demand_mw) for y in moved.years] == [
        (2026, 0, 0),
        (2027, 0, 0),
        (2028, 100, 100),
    ]


# -- Attrition -------------------------------------------------------------------------------


def test_attrition_by_stage_and_by_kind():
    a = assume(
        attrition_announced_pct=50,
        attrition_development_pct="20",
        attrition_by_kind={GEN: {"announced": 86}},
    )
    rows = [
        phase("announced", DC, dt.date(2027, 1, 1), 100),  # the stage's 50 %
        phase("announced", GEN, dt.date(2027, 1, 1), 100),  # generation's own 86 %
        phase("development", GEN, dt.date(2027, 1, 1), 100),  # no rate of its own: the stage's
        phase("development", STORE, dt.date(2028, 1, 1), 50),
        phase("construction", DC, dt.date(2028, 1, 1), 10),  # no attrition in construction
        phase("operational", DC, dt.date(2025, 1, 1), 30),  # online: nothing to lose
        phase("paused", GEN, dt.date(2029, 1, 1), 40),  # neither open nor online: kept as is
    ]
    assert [r["mw"] for r in apply_to_phases(rows, a)] == [
        D(50),
        D(14),
        D(80),
        D(40),
        D(10),
        D(30),
        D(40),
    ]
    assert a.attrition("announced", GRID) == 50
    assert a.attrition("announced", None) == 50  # rows without a kind (the grouped map)


def test_attrition_scales_project_sums_without_moving_anything():
    rows = [
        {"stage": "announced", "kind": DC, "energy_source": "", "mw": D(200), "projects": 2},
        {"stage": "construction", "kind": GEN, "energy_source": "solar", "mw": None, "projects": 1},
    ]
    out = apply_attrition(rows, assume(attrition_announced_pct=25))
    assert out == [
        {"stage": "announced", "kind": DC, "energy_source": "", "mw": D(150), "projects": 2},
        {"stage": "construction", "kind": GEN, "energy_source": "solar", "mw": None, "projects": 1},
    ]


# -- The power balance -----------------------------------------------------------------------


def test_the_first_gap_year_is_the_first_year_demand_online_exceeds_supply():
    rows = [
        phase("operational", GEN, dt.date(2026, 3, 1), 80),
        phase("construction", DC, dt.date(2027, 5, 1), 100),
        phase("development", STORE, dt.date(2029, 1, 1), 40),
        phase("development", GRID, dt.date(2027, 1, 1), 999),  # transfer capacity: in neither
        phase("announced", DC, None, 500),  # no date: in no year
    ]
    balance = power_balance(rows)
    assert [y.year for y in balance.years] == [2026, 2027, 2028, 2029]
    assert [y.gap_mw for y in balance.years] == [D(-80), D(20), D(20), D(-20)]
    assert balance.first_gap_year == 2027
    assert balance.in_words() == (
        "Data-centre demand first exceeds the generation and storage secured in 2027."
    )
    # From 2029 on there is no gap: "not before" the last year shown.
    later = power_balance(rows, from_year=2029)
    assert later.first_gap_year is None
    assert later.in_words().endswith("not before 2029.")
    # Two years of construction slip: the demand comes in 2029, with the storage: no gap.
    slipped = power_balance(apply_to_phases(rows, assume(slip_construction_months=24)))
    assert [y.gap_mw for y in slipped.years] == [D(-80), D(-80), D(-80), D(-20)]
    assert slipped.first_gap_year is None
    # Lose 60 % of what is in development too: 96 MW of supply against 100 in 2029, a gap.
    lost = assume(slip_construction_months=24, attrition_development_pct=60)
    assert power_balance(apply_to_phases(rows, lost)).first_gap_year == 2029
    assert power_balance([]).in_words() == "No capacity with an expected online date."


def test_a_balance_over_later_years_counts_what_came_online_before_them():
    rows = [phase("operational", GEN, dt.date(2020, 1, 1), 80)]
    balance = power_balance(rows, range(2025, 2027))
    assert [(y.year, y.supply_added_mw, y.supply_mw) for y in balance.years] == [
        (2025, 0, 80),
        (2026, 0, 80),
    ]


# -- Capital ---------------------------------------------------------------------------------


def group(stage, kind, month, *, with_cost=0, cost=0, without_cost=0, mw=0):
    return {
        "stage": stage,
        "kind": kind,
        "month": month,
        "projects": with_cost + without_cost,
        "with_cost": with_cost,
        "cost_usd": D(cost),
        "without_cost": without_cost,
        "mw_without_cost": D(mw),
    }


def test_resolve_cost_per_mw_takes_the_scenario_s_then_the_median_then_none():
    medians = {DC: (D(12_000_000), 3), GEN: (D(1_500_000), 7)}
    resolved = resolve_cost_per_mw(assume(cost_per_mw_generation_usd="2000000"), medians)
    assert resolved == {
        DC: CostPerMW(D(12_000_000), CostPerMW.MEDIAN, 3),
        GEN: CostPerMW(D(2_000_000), CostPerMW.OVERRIDE, 7),
        STORE: CostPerMW(None, CostPerMW.NONE, 0),
        GRID: CostPerMW(None, CostPerMW.NONE, 0),
    }


def test_capital_needed_uses_recorded_costs_then_the_cost_per_mw_after_attrition():
    rows = [
        group(
            "construction", DC, dt.date(2027, 6, 1), with_cost=1, cost=BN, without_cost=2, mw=100
        ),
        group("announced", STORE, dt.date(2027, 9, 1), without_cost=1, mw=50),  # no cost per MW
        group("operational", GEN, None, with_cost=1, cost=BN / 2),  # no date
    ]
    cost = resolve_cost_per_mw(Assumptions(), {DC: (D(10_000_000), 5)})

    recorded = capital_needed(rows, Assumptions(), cost)
    assert [(c.year, c.needed_usd, c.recorded_usd, c.per_mw_usd) for c in recorded] == [
        (2027, 2 * BN, BN, BN),  # 1bn recorded + 100 MW × $10m
        (None, BN / 2, BN / 2, 0),
    ]
    assert [(c.projects_with_cost, c.projects_per_mw, c.projects_unpriced) for c in recorded] == [
        (1, 2, 1),
        (1, 0, 0),
    ]
    assert recorded[0].mw_unpriced == 50

    scenario = capital_needed(
        rows, assume(attrition_construction_pct=10, slip_construction_months=7), cost
    )
    # 10 % of the construction MW never comes: 0.9bn + 0.9bn, in 2028 (June + 7 months).
    assert [(c.year, c.needed_usd) for c in scenario] == [
        (2027, 0),
        (2028, D("1.8") * BN),
        (None, BN / 2),
    ]
    # The counts say what the figures rest on: projects, before attrition.
    assert scenario[1].projects_with_cost == 1
    assert scenario[1].projects_per_mw == 2


def test_leverage_defaults_to_the_partnership_s_own_70_on_30():
    assert resolve_leverage(Assumptions(), 30 * BN, 100 * BN) == D(7) / D(3)
    assert resolve_leverage(assume(leverage="1.5"), 30 * BN, 100 * BN) == D("1.5")
    assert resolve_leverage(assume(leverage=0), 30 * BN, 100 * BN) == 0
    assert resolve_leverage(Assumptions(), None, 100 * BN) == 0


def test_the_capital_bridge_at_a_leverage_of_1_5():
    needed = capital_needed(
        [
            group("construction", DC, dt.date(2027, 1, 1), with_cost=1, cost=20 * BN),
            group("announced", DC, dt.date(2029, 1, 1), with_cost=2, cost=60 * BN),
        ],
        Assumptions(),
        {},
    )
    bridge = capital_bridge(
        needed,
        leverage=D("1.5"),
        equity_committed_usd=D("12.5") * BN,
        equity_target_usd=30 * BN,
        total_target_usd=100 * BN,
    )
    assert bridge.debt_supported_usd == D("18.75") * BN
    assert bridge.financed_usd == D("31.25") * BN
    assert bridge.mobilised_by_equity_target_usd == 75 * BN  # $30bn of equity at 1.5 : 1
    assert [y.year for y in bridge.years] == [2027, 2028, 2029]  # no year skipped
    y2027, y2028, y2029 = bridge.years
    assert (y2027.needed_usd, y2027.cumulative_needed_usd) == (20 * BN, 20 * BN)
    assert (y2027.equity_needed_usd, y2027.debt_needed_usd) == (8 * BN, 12 * BN)
    assert y2027.gap_to_committed_usd == D("-11.25") * BN  # a surplus
    assert y2028.needed_usd == 0
    assert y2029.cumulative_needed_usd == 80 * BN
    assert y2029.equity_needed_usd == 32 * BN
    assert y2029.gap_to_committed_usd == D("48.75") * BN
    assert y2029.gap_to_equity_target_usd == 2 * BN
    assert y2029.gap_to_total_target_usd == -20 * BN
    assert (y2029.projects_with_cost, y2029.projects_per_mw) == (2, 0)
    assert bridge.first_year_short_of_committed == 2029
    assert bridge.first_year_over_total_target is None
    assert bridge.undated is None


def test_the_demand_case_keeps_the_history_and_the_chosen_case():
    rows = [{"scenario": s, "year": 2030} for s in ("historical", "base", "high", "projection")]
    assert [r["scenario"] for r in demand_case_rows(rows, "high")] == ["historical", "high"]
