"""The scenario charts: the power balance (data-centre demand against generation and storage
secured, by year) and the capital bridge (equity committed and the debt it supports against
the capital the projects need, by year), recorded and, under a scenario, beside it.

Glue only: the grouped reads and the arithmetic are aipdash/scenarios' (selectors.py,
arithmetic.py); these functions give them the view's filtered querysets and the targets, and
lay the result out as chart rows. Without a scenario both charts show the recorded portfolio
(the default assumptions: no slip, no attrition, the partnership's leverage, the median cost per
MW). A fixed number of queries: the phases (2), the projects by stage, kind and month (1), the
medians (1 + one per kind), the targets and the commitments (cached with the other charts).
Under filters on kind, stage and energy source only, the phases and projects come from the
sums the database keeps (projects.PhaseGroupSum, CapitalSum), not from every row.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from aipdash.charts.catalogue import TITLES
from aipdash.charts.data import ChartData, Column, Row
from aipdash.core.cache.payloads import cached
from aipdash.dashboard.filters import DashboardFilters
from aipdash.dashboard.selectors.commitments import commitment_provenance, committed_money
from aipdash.dashboard.selectors.common import (
    _targets,
    _targets_provenance,
    kept_conditions,
    merged,
    on_kept_dimensions,
    phases,
    project_provenance,
    projects,
    provenance_of_rows,
)
from aipdash.scenarios import arithmetic, beside
from aipdash.scenarios.assumptions import Assumptions
from aipdash.scenarios.selectors import (
    capital_groups,
    cost_per_mw_medians,
    kept_capital_groups,
    kept_phase_groups,
    phase_groups,
)
from projects.models import Project

RECORDED_ASSUMPTIONS = Assumptions()


def _cases(filters: DashboardFilters) -> list[tuple[str, Assumptions]]:
    """(case, assumptions): the recorded portfolio, and the view's scenario if it has one."""
    cases = [(beside.RECORDED, RECORDED_ASSUMPTIONS)]
    if filters.applied is not None:
        cases.append((beside.SCENARIO, filters.applied.assumptions))
    return cases


def _scenario_extras(filters: DashboardFilters) -> dict[str, Any]:
    return {"scenario": filters.applied.name} if filters.applied is not None else {}


def grouped_phases(filters: DashboardFilters) -> list[Row]:
    """The view's phases (and projects without phases) grouped by stage, kind and month, as
    the scenario arithmetic reads them: from the kept sums when the filters allow, else from
    the rows (a past day's through their keys)."""
    if on_kept_dimensions(filters):
        return kept_phase_groups(kept_conditions(filters))
    return phase_groups(phases(filters), projects(filters), by_keys=not filters.is_live)


def grouped_capital(filters: DashboardFilters) -> list[Row]:
    """The view's projects grouped by stage, kind and month with their capital costs: from
    the kept sums when the filters allow, else from the rows."""
    if on_kept_dimensions(filters):
        return kept_capital_groups(kept_conditions(filters))
    return capital_groups(projects(filters))


def power_balance(filters: DashboardFilters) -> ChartData:
    """By year, data-centre IT load online against generation and storage online (cumulative),
    recorded and under the scenario; the first year, from this year on, that demand exceeds
    supply (`extras["first_gap_year"]`, None: not before the last year), and in words
    (`extras["in_words"]`), per case."""
    groups = grouped_phases(filters)
    moved = {case: arithmetic.apply_to_phases(groups, a) for case, a in _cases(filters)}
    years = arithmetic.years_of(*moved.values())
    this_year = dt.date.today().year
    rows: list[Row] = []
    in_words: dict[str, str] = {}
    first_gap_year: dict[str, int | None] = {}
    for case, case_rows in moved.items():
        balance = arithmetic.power_balance(case_rows, years, from_year=this_year)
        in_words[case] = balance.in_words()
        first_gap_year[case] = balance.first_gap_year
        rows += [
            {
                "year": y.year,
                "case": case,
                "demand_mw": float(y.demand_mw),
                "supply_mw": float(y.supply_mw),
                "gap_mw": float(y.gap_mw),
            }
            for y in balance.years
        ]
    return ChartData(
        chart="power_balance",
        title=TITLES["power_balance"],
        columns=(
            Column("year", "Year"),
            Column("case", "Figures"),
            Column("demand_mw", "Data-centre IT load online", "MW"),
            Column("supply_mw", "Generation and storage online", "MW"),
            Column("gap_mw", "Demand over supply", "MW"),
        ),
        rows=tuple(rows),
        note="Online by the end of each year, by expected online date: data-centre IT load "
        "against the generation and storage secured. Grid links carry transfer capacity and "
        "are in neither; cancelled capacity and capacity without a date are left out.",
        extras={
            "in_words": in_words,
            "first_gap_year": first_gap_year,
            **_scenario_extras(filters),
        },
        **provenance_of_rows(groups),
    )


def _medians(filters: DashboardFilters) -> dict[str, tuple[Decimal, int]]:
    """Each kind's median cost per MW: of the whole portfolio (a cost per MW is not a
    filter's) as it stood on the view's day, so cached under the day alone and shared by
    every view of it until the next write (its index-only scans slow down after a large
    write until autovacuum: docs/performance.md)."""
    the_day = DashboardFilters(as_of=filters.as_of, at=filters.at)
    return cached(
        "cost-per-mw-medians",
        the_day.canonical(),
        lambda: cost_per_mw_medians(filters.reading.rows(Project)),
        local=True,
    )


def capital_bridge(filters: DashboardFilters) -> ChartData:
    """By year, the capital the projects online by its end need (recorded cost, else MW × cost
    per MW; after attrition), against equity committed with the debt it supports at the
    leverage, and against the total target; each year says what it rests on."""
    groups = grouped_capital(filters)
    medians = _medians(filters)
    targets, target_qs = _targets(filters)
    equity_target = next((t["amount_usd"] for t in targets if t["scope"] == "equity"), None)
    total_target = next((t["amount_usd"] for t in targets if t["scope"] == "total"), None)
    equity = Decimal(str(committed_money(filters)["equity_committed"]))
    rows: list[Row] = []
    extras: dict[str, Any] = {"leverage": {}, "financed_usd": {}, "undated": {}}
    for case, a in _cases(filters):
        leverage = arithmetic.resolve_leverage(a, equity_target, total_target)
        needed = arithmetic.capital_needed(groups, a, arithmetic.resolve_cost_per_mw(a, medians))
        bridge = arithmetic.capital_bridge(
            needed,
            leverage=leverage,
            equity_committed_usd=equity,
            equity_target_usd=equity_target,
            total_target_usd=total_target,
        )
        extras["leverage"][case] = float(bridge.leverage)
        extras["financed_usd"][case] = float(bridge.financed_usd)
        if bridge.undated is not None:
            extras["undated"][case] = float(bridge.undated.needed_usd)
        rows += [
            {
                "year": y.year,
                "case": case,
                "needed_usd": float(y.needed_usd),
                "cumulative_needed_usd": float(y.cumulative_needed_usd),
                "financed_usd": float(bridge.financed_usd),
                "gap_to_committed_usd": float(y.gap_to_committed_usd),
                "gap_to_total_target_usd": float(y.gap_to_total_target_usd),
                "projects_with_cost": y.projects_with_cost,
                "projects_per_mw": y.projects_per_mw,
                "projects_unpriced": y.projects_unpriced,
            }
            for y in bridge.years
        ]
    extras["total_target_usd"] = total_target
    extras["equity_target_usd"] = equity_target
    return ChartData(
        chart="capital_bridge",
        title=TITLES["capital_bridge"],
        columns=(
            Column("year", "Year"),
            Column("case", "Figures"),
            Column("needed_usd", "Needed by projects online in the year", "USD"),
            Column("cumulative_needed_usd", "Needed by projects online by its end", "USD"),
            Column("financed_usd", "Equity committed and the debt it supports", "USD"),
            Column("gap_to_committed_usd", "Gap (+) or surplus (−) to that", "USD"),
            Column("gap_to_total_target_usd", "Gap (+) or surplus (−) to the total target", "USD"),
            Column("projects_with_cost", "Projects with a recorded cost"),
            Column("projects_per_mw", "Projects priced per MW"),
            Column("projects_unpriced", "Projects with no cost to use"),
        ),
        rows=tuple(rows),
        note="Capital the projects need by the year of their expected online date: the "
        "recorded capital cost where there is one, otherwise MW × the median recorded cost per "
        "MW of their kind (or the scenario's own); after attrition under a scenario. Against "
        "equity committed with the debt it supports at the leverage (the partnership's own "
        "70 : 30 unless the scenario says otherwise). Cancelled projects are left out.",
        extras={**extras, **_scenario_extras(filters)},
        **merged(
            project_provenance(filters),
            commitment_provenance(filters),
            _targets_provenance(target_qs),
        ),
    )
