"""The scenario figures: the power balance (demand against supply online by year) and the
capital bridge (what the projects need by year against the money committed with its debt and
the total target), recorded and, under a scenario, as its own traces (dashed lines, hatched
bars)."""

from aipdash.charts.data import ChartData, Row
from aipdash.charts.theme import (
    SIDE_COLOURS,
    Figure,
    _axis,
    _bn,
    _empty,
    _layout,
    _num,
    _power_unit,
    _reference_line,
)
from aipdash.core.formatting import power, usd

RECORDED, SCENARIO = "recorded", "scenario"  # the rows' `case` (aipdash/scenarios/beside.py)
NEED_COLOUR = "#0072B2"
SCENARIO_NEED_COLOUR = "#56B4E9"


def _name(base: str, case: str, scenario: str | None) -> str:
    return f"{base}, under “{scenario}”" if case == SCENARIO else base


def _cases(data: ChartData) -> list[str]:
    present = {row.get("case") for row in data.rows}
    return [case for case in (RECORDED, SCENARIO) if case in present]


def power_balance(data: ChartData) -> Figure:
    """Cumulative MW online by the end of each year: demand and supply, per case."""
    chart = "power_balance"
    if data.empty:
        return _empty(chart)
    scenario = data.extras.get("scenario")
    largest = max(max(_num(r.get("demand_mw")), _num(r.get("supply_mw"))) for r in data.rows)
    unit, scale = _power_unit(largest)
    traces = []
    for case in _cases(data):
        rows = [r for r in data.rows if r.get("case") == case]
        for side, key, label in (
            ("demand", "demand_mw", "Data-centre IT load online"),
            ("supply", "supply_mw", "Generation and storage online"),
        ):
            name = _name(label, case, scenario)
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": name,
                    "x": [r["year"] for r in rows],
                    "y": [round(_num(r.get(key)) / scale, 6) for r in rows],
                    "text": [power(r.get(key)) for r in rows],
                    "line": {
                        "width": 2.5 if case == RECORDED else 2,
                        "color": SIDE_COLOURS[side],
                        **({"dash": "dash"} if case == SCENARIO else {}),
                    },
                    "marker": {"size": 5},
                    "hovertemplate": f"{name}, %{{x}}: %{{text}}<extra></extra>",
                }
            )
    layout = _layout(
        chart,
        unit,
        hovermode="x unified",
        xaxis=_axis("", dtick=1, showgrid=False),
        yaxis=_axis(f"Online by the end of the year ({unit})", rangemode="tozero"),
    )
    return {"data": traces, "layout": layout}


def _rests_on(row: Row) -> str:
    parts = [f"{row.get('projects_with_cost') or 0} with a recorded cost"]
    parts.append(f"{row.get('projects_per_mw') or 0} priced per MW")
    if row.get("projects_unpriced"):
        parts.append(f"{row['projects_unpriced']} with no cost to use (left out)")
    return "Rests on projects online in the year: " + ", ".join(parts)


def capital_bridge(data: ChartData) -> Figure:
    """Bars of the capital needed by the projects online by each year's end, per case, against
    the money committed with the debt it supports (per case: the leverage may differ) and the
    total target, as reference lines."""
    chart = "capital_bridge"
    if data.empty:
        return _empty(chart)
    scenario = data.extras.get("scenario")
    traces = []
    for case in _cases(data):
        rows = [r for r in data.rows if r.get("case") == case]
        name = _name("Needed by projects online", case, scenario)
        traces.append(
            {
                "type": "bar",
                "name": name,
                "x": [r["year"] for r in rows],
                "y": [_bn(_num(r.get("cumulative_needed_usd"))) for r in rows],
                "customdata": [
                    [
                        "",
                        usd(r.get("cumulative_needed_usd")),
                        usd(r.get("gap_to_committed_usd")),
                        _rests_on(r),
                    ]
                    for r in rows
                ],
                "marker": {
                    "color": NEED_COLOUR if case == RECORDED else SCENARIO_NEED_COLOUR,
                    "line": {"width": 0},
                    **({"pattern": {"shape": "/"}} if case == SCENARIO else {}),
                },
                "hovertemplate": (
                    f"{name}, %{{x}}: %{{customdata[1]}}<br>Gap (+) or surplus (−) to the money "
                    "committed: %{customdata[2]}<br>%{customdata[3]}<extra></extra>"
                ),
            }
        )
    shapes, annotations = [], []
    financed = data.extras.get("financed_usd") or {}
    leverage = data.extras.get("leverage") or {}
    for case in _cases(data):
        if case == SCENARIO and financed.get(SCENARIO) == financed.get(RECORDED):
            continue  # the same line twice says nothing
        text = _name(
            f"Equity committed + debt at {leverage.get(case, 0):.2f} : 1: "
            f"{usd(financed.get(case))}",
            case,
            scenario,
        )
        shape, label = _reference_line(_bn(_num(financed.get(case))), text, vertical=False)
        shapes.append(shape)
        annotations.append(label)
    total = data.extras.get("total_target_usd")
    if total:
        shape, label = _reference_line(
            _bn(total), f"{usd(total)} total target incl. debt", vertical=False
        )
        shapes.append(shape)
        annotations.append(label)
    layout = _layout(
        chart,
        "$bn",
        barmode="group",
        bargap=0.25,
        shapes=shapes,
        annotations=annotations,
        xaxis=_axis("", dtick=1, showgrid=False),
        yaxis=_axis("Capital needed, cumulative ($bn)", rangemode="tozero"),
    )
    return {"data": traces, "layout": layout}
