"""The capacity figures of the dashboard: the pipeline (MW by stage, stacked by kind; its
builder `stacked_capacity` also draws a partner page's capacity), capacity online (the power
balance: demand against supply) and the energy mix (MW by source, stacked by stage)."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from aipdash.charts.data import ChartData, Row
from aipdash.charts.theme import (
    GREY,
    KIND_COLOURS,
    OTHER_COLOUR,
    REFERENCE,
    SIDE_COLOURS,
    STAGE_COLOURS,
    Figure,
    _axis,
    _category_axis,
    _date_axis,
    _empty,
    _iso,
    _label,
    _layout,
    _num,
    _ordered,
    _power_unit,
    _projects,
    _query,
)
from aipdash.core.formatting import power

# A bar and its stack's codes (a stage, a kind...; None where a row has none).
type _Key = tuple[Any, Any]

# The row keys of the scenario's figures (aipdash/scenarios/beside.py writes them; this layer
# is below the scenarios and names them itself).
SCENARIO_MW = "mw_scenario"
RECORDED, SCENARIO = "recorded", "scenario"


def _capacity_by(
    rows: Iterable[Row], bar: str, stack: str
) -> tuple[dict[_Key, float], dict[_Key, int], dict[Any, float]]:
    """A stacked capacity chart's sums: MW and projects by (bar, stack), MW by bar."""
    mw: defaultdict[_Key, float] = defaultdict(float)
    projects: defaultdict[_Key, int] = defaultdict(int)
    bar_totals: defaultdict[Any, float] = defaultdict(float)
    for row in rows:
        key = row.get(bar), row.get(stack)
        mw[key] += _num(row.get("mw"))
        projects[key] += int(row.get("projects") or 0)
        bar_totals[key[0]] += _num(row.get("mw"))
    return mw, projects, bar_totals


def capacity_pipeline(data: ChartData) -> Figure:
    """MW by stage (in the canonical stage order), stacked by project kind; under a scenario,
    a marker per stage at its MW under the scenario, beside the recorded bar."""
    if data.empty:
        return _empty("capacity_pipeline")
    figure = stacked_capacity(
        "capacity_pipeline", data, query=lambda stage, kind: _query(stage=stage, kind=kind)
    )
    scenario = data.extras.get("scenario")
    if figure is None:
        return _empty("capacity_pipeline")
    if not scenario:
        return figure
    totals: defaultdict[Any, float] = defaultdict(float)
    recorded: defaultdict[Any, float] = defaultdict(float)
    for row in data.rows:
        totals[row.get("stage")] += _num(row.get(SCENARIO_MW))
        recorded[row.get("stage")] += _num(row.get("mw"))
    stages = _ordered("stage", set(totals))
    _unit, scale = _power_unit(max(recorded.values()))  # the bars' own scale
    figure["data"].append(
        {
            "type": "scatter",
            "mode": "markers",
            "name": f"Under “{scenario}”",
            "x": [_label("stage", stage) for stage in stages],
            "y": [round(totals[stage] / scale, 6) for stage in stages],
            "text": [power(totals[stage]) for stage in stages],
            "marker": {"symbol": "diamond", "size": 12, "color": REFERENCE},
            "hovertemplate": f"Under “{scenario}”<br>%{{x}}: %{{text}}<extra></extra>",
        }
    )
    return figure


def stacked_capacity(
    chart: str, data: ChartData, *, query: Callable[[Any, Any], str], **layout: Any
) -> Figure | None:
    """MW by stage (in the canonical stage order), stacked by project kind, a bar's click going
    to `query(stage, kind)`: the dashboard's pipeline and a partner's capacity. None when no
    row has a stage or kind to draw."""
    mw, projects, stage_totals = _capacity_by(data.rows, "stage", "kind")
    if not mw:
        return None
    stages = _ordered("stage", {stage for stage, _ in mw})
    kinds = _ordered("kind", {kind for _, kind in mw})
    unit, scale = _power_unit(max(stage_totals.values()))

    traces: list[dict[str, Any]] = []
    for kind in kinds:
        x: list[str] = []
        y: list[float] = []
        customdata: list[list[str]] = []
        for stage in stages:
            if (stage, kind) not in mw:
                continue
            value = mw[stage, kind]
            x.append(_label("stage", stage))
            y.append(round(value / scale, 6))
            customdata.append([query(stage, kind), power(value), _projects(projects[stage, kind])])
        traces.append(
            {
                "type": "bar",
                "name": _label("kind", kind),
                "x": x,
                "y": y,
                "customdata": customdata,
                "marker": {"color": KIND_COLOURS.get(kind, OTHER_COLOUR), "line": {"width": 0}},
                "hovertemplate": (
                    f"{_label('kind', kind)}<br>"
                    "%{x}: %{customdata[1]} (%{customdata[2]})<extra></extra>"
                ),
            }
        )
    layout = _layout(
        chart,
        unit,
        barmode="stack",
        bargap=0.35,
        **layout,
        xaxis=_category_axis([_label("stage", stage) for stage in stages]),
        yaxis=_axis(f"Capacity ({unit})", rangemode="tozero"),
    )
    return {"data": traces, "layout": layout}


def capacity_online(data: ChartData) -> Figure:
    """The power balance: cumulative MW coming online, demand against supply, as steps."""
    chart = "capacity_online"
    if data.empty:
        return _empty(chart)
    # (side, case, date) -> MW; case "recorded", or "scenario" for the scenario's own traces.
    by_day: defaultdict[tuple[Any, str, str], float] = defaultdict(float)
    for row in data.rows:
        if (date := row.get("date")) is not None:
            key = row.get("side"), row.get("case") or RECORDED, _iso(date)
            by_day[key] += _num(row.get("mw"))
    if not by_day:
        return _empty(chart)
    days = sorted({day for *_, day in by_day})
    sides = _ordered("side", {side for side, *_ in by_day})
    lines = [
        (side, case)
        for case in (RECORDED, SCENARIO)
        for side in sides
        if any(key[:2] == (side, case) for key in by_day)
    ]
    cumulative = {}
    for line in lines:
        running, values = 0.0, []
        for day in days:
            running += by_day.get((*line, day), 0.0)
            values.append(running)
        cumulative[line] = values
    unit, scale = _power_unit(max(values[-1] for values in cumulative.values()))

    scenario = data.extras.get("scenario")
    traces = []
    for side, case in lines:
        values = cumulative[side, case]
        name = _label("side", side)
        if case == SCENARIO:
            name = f"{name}, under “{scenario}”"
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": name,
                "x": days,
                "y": [round(value / scale, 6) for value in values],
                "text": [power(value) for value in values],
                "line": {
                    "shape": "hv",
                    "width": 2.5 if case == RECORDED else 2,
                    "color": SIDE_COLOURS.get(side, GREY),
                    **({"dash": "dash"} if case == SCENARIO else {}),
                },
                "hovertemplate": f"{name}: %{{text}}<extra></extra>",
            }
        )
    layout = _layout(
        chart,
        unit,
        hovermode="x unified",
        xaxis=_date_axis(),
        yaxis=_axis(f"Cumulative capacity online ({unit})", rangemode="tozero"),
    )
    return {"data": traces, "layout": layout}


def energy_mix(data: ChartData) -> Figure:
    """Horizontal bars of MW by energy source (largest on top), stacked by stage."""
    chart = "energy_mix"
    if data.empty:
        return _empty(chart)
    mw, projects, source_totals = _capacity_by(data.rows, "energy_source", "stage")
    sources = sorted(
        source_totals,
        key=lambda code: (source_totals[code], _label("energy_source", code).casefold()),
    )
    stages = _ordered("stage", {stage for _, stage in mw})
    unit, scale = _power_unit(max(source_totals.values()))

    traces: list[dict[str, Any]] = []
    for stage in stages:
        x: list[float] = []
        y: list[str] = []
        customdata: list[list[str]] = []
        for source in sources:
            if (source, stage) not in mw:
                continue
            value = mw[source, stage]
            x.append(round(value / scale, 6))
            y.append(_label("energy_source", source))
            query = _query(energy_source=source) if source else ""
            customdata.append([query, power(value), _projects(projects[source, stage])])
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": _label("stage", stage),
                "x": x,
                "y": y,
                "customdata": customdata,
                "marker": {"color": STAGE_COLOURS.get(stage, OTHER_COLOUR), "line": {"width": 0}},
                "hovertemplate": (
                    f"%{{y}}<br>{_label('stage', stage)}: "
                    "%{customdata[1]} (%{customdata[2]})<extra></extra>"
                ),
            }
        )
    layout = _layout(
        chart,
        unit,
        barmode="stack",
        bargap=0.3,
        xaxis=_axis(f"Capacity ({unit})", rangemode="tozero"),
        yaxis=_category_axis([_label("energy_source", source) for source in sources]),
    )
    return {"data": traces, "layout": layout}
