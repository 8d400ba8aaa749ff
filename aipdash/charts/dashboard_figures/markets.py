"""The market context figure: TWh by year per series, region and scenario, with a reference
line (a country's annual electricity demand, say) for scale."""

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from aipdash.charts.data import ORDER, ChartData, Row
from aipdash.charts.theme import (
    REGION_COLOURS,
    SCENARIO_DASH,
    Attributes,
    Figure,
    _axis,
    _empty,
    _label,
    _layout,
    _num,
    _reference_line,
    _wrap,
)


def _reference_text(reference: Mapping[str, Any]) -> str:
    """The reference line's label from its own: "India's annual electricity demand (1,694 TWh)"."""
    label = str(reference.get("label") or "Reference")
    short = label.split(",")[0].split(" (")[0].strip()
    value = _num(reference.get("value"))
    unit = reference.get("unit") or "TWh"
    return f"{short} ({value:,.0f} {unit})"


def market_context(data: ChartData) -> Figure:
    """TWh by year per (series, region, scenario), with the reference as a horizontal line.

    Historical solid, base case dashed, high case dotted, projections as markers; a scenario
    line starts from the last historical point of its series and region. Every point's hover
    cites its source.
    """
    chart = "market_context"
    reference = data.extras.get("reference")
    # (series, region, scenario) -> rows
    groups: defaultdict[tuple[Any, Any, Any], list[Row]] = defaultdict(list)
    for row in data.rows:
        if row.get("scenario") == "reference":
            reference = reference or row  # a reference row draws as the line, not as a trace
            continue
        if row.get("value") is None or row.get("year") is None:
            continue
        groups[row.get("series"), row.get("region"), row.get("scenario")].append(row)
    if not groups:
        return _empty(chart)
    unit = next(iter(groups.values()))[0].get("unit") or "TWh"

    regions = sorted(
        {region for _, region, _ in groups},
        key=lambda region: (region != "World", str(region)),
    )
    region_colour = {
        region: REGION_COLOURS[i % len(REGION_COLOURS)] for i, region in enumerate(regions)
    }
    scenario_rank = {code: i for i, code in enumerate(ORDER["scenario"])}
    keys = sorted(
        groups,
        key=lambda key: (regions.index(key[1]), str(key[0]), scenario_rank.get(key[2], 99)),
    )
    last_historical: dict[tuple[Any, Any], Row] = {}
    for key in keys:
        if key[2] == "historical":
            last_historical[key[0], key[1]] = max(groups[key], key=lambda row: row["year"])
    several_series = len({key[0] for key in keys}) > 1

    def point(row: Row) -> list[str]:
        return [
            row.get("source_url") or "",
            _wrap(row.get("source_title") or "source not recorded"),
            row.get("label") or "",
            _label("scenario", row.get("scenario")),
        ]

    traces: list[Attributes] = []
    for series, region, scenario in keys:
        rows = sorted(groups[series, region, scenario], key=lambda row: (row["year"], row["value"]))
        anchor = last_historical.get((series, region))
        if scenario in ("base", "high") and anchor is not None and anchor["year"] < rows[0]["year"]:
            rows = [anchor, *rows]
        name = f"{region} · {_label('scenario', scenario)}"
        if several_series:
            name = f"{series} · {name}"
        colour = region_colour[region]
        trace: Attributes = {
            "type": "scatter",
            "name": name,
            "legendgroup": str(region),
            "x": [int(row["year"]) for row in rows],
            "y": [_num(row["value"]) for row in rows],
            "customdata": [point(row) for row in rows],
            "hovertemplate": (
                "%{customdata[2]}<br>%{x}: %{y:,.0f} "
                + unit
                + " ("
                + str(region)
                + ", %{customdata[3]})<br>Source: %{customdata[1]}<extra></extra>"
            ),
        }
        if scenario in SCENARIO_DASH:
            trace["mode"] = "lines+markers"
            trace["line"] = {"color": colour, "width": 2, "dash": SCENARIO_DASH[scenario]}
            trace["marker"] = {"color": colour, "size": 7}
        else:
            trace["mode"] = "markers"
            trace["marker"] = {"color": colour, "size": 10, "symbol": "diamond-open"}
            trace["marker"]["line"] = {"width": 2, "color": colour}
        traces.append(trace)

    shapes: list[Attributes] = []
    annotations: list[Attributes] = []
    if reference and reference.get("value") is not None:
        hover = str(reference.get("label") or "")
        if reference.get("source_title"):
            hover += "<br>Source: " + _wrap(reference["source_title"])
        shape, label = _reference_line(
            _num(reference["value"]), _reference_text(reference), vertical=False, hovertext=hover
        )
        shapes.append(shape)
        annotations.append(label)
    layout = _layout(
        chart,
        unit,
        xaxis=_axis("Year", tickformat="d", hoverformat="d", showgrid=False),
        yaxis=_axis(f"Electricity use ({unit} per year)", rangemode="tozero"),
        shapes=shapes,
        annotations=annotations,
    )
    return {"data": traces, "layout": layout}
