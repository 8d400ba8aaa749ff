"""The scenario's figures beside the recorded ones, for the dashboard's capacity charts and
tiles: pure, rows in and rows out, on the rows the dashboard's selectors already read (no ORM,
no filters). The dashboard calls these only when a view has a scenario, so a view without one
is the recorded portfolio exactly as before.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from aipdash.scenarios.arithmetic import (
    DEMAND_KINDS,
    SUPPLY_KINDS,
    apply_attrition,
    apply_to_phases,
)
from aipdash.scenarios.assumptions import ZERO, Assumptions

SCENARIO_MW = "mw_scenario"  # the row key of a row's MW under the scenario
RECORDED, SCENARIO = "recorded", "scenario"  # the `case` of a row drawn both ways


def with_scenario_mw(
    rows: Iterable[Mapping[str, Any]], assumptions: Assumptions
) -> list[dict[str, Any]]:
    """Rows with `stage`, `kind` (None: the stage's rate for every kind) and `mw`, each with
    `mw_scenario`: what of its MW survives the scenario's attrition (slip moves no MW)."""
    out = [dict(row) for row in rows]
    survived = apply_attrition(out, assumptions)
    for row, after in zip(out, survived, strict=True):
        row[SCENARIO_MW] = after["mw"]
    return out


def online_by_month(
    phase_rows: Iterable[Mapping[str, Any]], assumptions: Assumptions
) -> list[dict[str, Any]]:
    """Capacity coming online under the scenario, as capacity_online's rows: {date, side, mw}
    by month and side, from the scenario package's phase groups (stage, kind, month, mw),
    slipped and after attrition. Grid links and rows without a date are in neither side."""
    sums: dict[tuple[Any, ...], Decimal] = {}
    for row in apply_to_phases(phase_rows, assumptions):
        if row.get("month") is None or row.get("mw") is None:
            continue
        side = (
            "demand"
            if row["kind"] in DEMAND_KINDS
            else "supply"
            if row["kind"] in SUPPLY_KINDS
            else None
        )
        if side:
            key = (row["month"], side)
            sums[key] = sums.get(key, ZERO) + Decimal(row["mw"])
    return [{"date": d, "side": side, "mw": mw} for (d, side), mw in sorted(sums.items())]


def headline_beside(
    recorded_mw: Mapping[str, float], scenario_mw: Mapping[str, float]
) -> dict[str, Any]:
    """Per headline capacity figure: the recorded MW, the scenario's and the difference."""
    return {
        key: {
            "recorded": recorded_mw[key],
            "scenario": scenario_mw[key],
            "difference": scenario_mw[key] - recorded_mw[key],
        }
        for key in recorded_mw
    }
