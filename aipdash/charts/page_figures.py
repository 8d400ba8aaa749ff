"""The figures of the partner and project pages (one partner or project, no filters): a
partner's commitments over time and its projects' capacity, a project's phases and stakes.
An empty one says what is not recorded (`catalogue.PAGE_EMPTY_TEXT`).
"""

import datetime as dt
from collections import defaultdict

from aipdash.charts import notes
from aipdash.charts.dashboard_figures.capacity import stacked_capacity
from aipdash.charts.data import ChartData, Row
from aipdash.charts.theme import (
    BLUE,
    DATE_HOVER,
    KIND_COLOURS,
    OTHER_COLOUR,
    STAGE_COLOURS,
    Attributes,
    Figure,
    _axis,
    _bn,
    _category_axis,
    _date_axis,
    _iso,
    _label,
    _layout,
    _num,
    _ordered,
    _page_empty,
    _power_unit,
    _query,
    _reference_line,
    _rgba,
)
from aipdash.core.formatting import percent, power


def _date_range(days: list[str]) -> list[str]:
    """An x range with room around the sorted ISO dates: a twelfth of their span either side,
    45 days at least (one date alone would otherwise make plotly.js zoom to the hour). A
    cumulative step line runs on, flat, to its right end."""
    first, last = dt.date.fromisoformat(days[0]), dt.date.fromisoformat(days[-1])
    pad = max(dt.timedelta(days=45), (last - first) / 12)
    return [(first - pad).isoformat(), (last + pad).isoformat()]


def partner_commitments(data: ChartData) -> Figure:
    """One partner's commitments, cumulative: equity and debt stacked in the partner's colour
    (equity solid, debt lighter and dotted), the top of the stack its total; a marker on each
    day that instrument grew. After the last commitment each band runs on, flat, to the plot's
    right edge (a tail without hover: no commitment happened there)."""
    chart = "partner_commitments"
    # (instrument, ISO date) -> USD
    by_day: defaultdict[tuple[str | None, str], float] = defaultdict(float)
    for row in data.rows:
        if row.get("date") is None:
            continue
        by_day[row.get("instrument"), _iso(row["date"])] += _num(row.get("amount_usd"))
    if not by_day:
        return _page_empty(chart)
    days = sorted({day for _, day in by_day})
    x_range = _date_range(sorted({*days, *notes.days(data.extras)}))  # room for the notes too
    colour = data.extras.get("colour") or OTHER_COLOUR

    traces: list[Attributes] = []
    tails: list[Attributes] = []
    stacked = 0.0
    for instrument in _ordered("instrument", {instrument for instrument, _ in by_day}):
        label = _label("instrument", instrument)
        debt = instrument == "debt"
        line = {"shape": "hv", "width": 2, "color": colour, "dash": "dot" if debt else "solid"}
        fillcolor = _rgba(colour, 0.22 if debt else 0.55)
        running = 0.0
        y: list[float] = []
        sizes: list[int] = []
        for day in days:
            amount = by_day.get((instrument, day), 0.0)
            running += amount
            y.append(_bn(running))
            sizes.append(7 if amount else 0)
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": label,
                "legendgroup": instrument,
                "x": days,
                "y": y,
                "stackgroup": "instruments",
                "line": line,
                "marker": {
                    "size": sizes,
                    "color": colour,
                    "symbol": "circle-open" if debt else "circle",
                },
                "fillcolor": fillcolor,
                "hovertemplate": f"{label}: %{{y:$,.2f}}bn<extra></extra>",
            }
        )
        stacked += running
        tails.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": label,
                "legendgroup": instrument,
                "showlegend": False,
                "hoverinfo": "skip",
                "x": [days[-1], x_range[1]],
                "y": [_bn(stacked)] * 2,
                "fill": "tonexty" if tails else "tozeroy",
                "line": line,
                "fillcolor": fillcolor,
            }
        )
    traces += tails
    layout = _layout(
        chart,
        "$bn",
        hovermode="x unified",
        xaxis=_date_axis(range=x_range),
        yaxis=_axis(
            "Cumulative commitments ($bn)",
            tickprefix="$",
            ticksuffix="bn",
            rangemode="tozero",
        ),
    )
    return {"data": traces, "layout": layout}


def partner_capacity(data: ChartData) -> Figure:
    """The capacity of the projects a partner takes part in: MW by stage (in the canonical
    stage order), stacked by project kind; a bar opens the dashboard for that partner, stage
    and kind."""
    slug = data.extras.get("partner_slug") or ""
    figure = stacked_capacity(
        "partner_capacity",
        data,
        query=lambda stage, kind: _query(kind=kind, partner=slug, stage=stage),
        showlegend=True,  # even for one kind: the legend says what the colour is
    )
    return figure or _page_empty("partner_capacity")


def _phase_label(row: Row) -> str:
    if row.get("phase"):
        return str(row["phase"])
    return f"Phase {row['sequence']}" if row.get("sequence") else "Phase"


def project_phases(data: ChartData) -> Figure:
    """A project's phases as a timeline: cumulative MW by expected online date, a step line
    (from zero) with a marker per phase coloured by the phase's stage. A cancelled phase keeps
    its marker but adds nothing. The project's stated capacity is a dashed line when known.
    No "today" line: the figure depends on the data only."""
    chart = "project_phases"
    phases = sorted(
        (row for row in data.rows if row.get("date") is not None),
        key=lambda row: (_iso(row["date"]), row.get("sequence") or 0),
    )
    if not phases:
        return _page_empty(chart)
    running = 0.0
    points: list[tuple[Row, float, bool]] = []  # (row, cumulative MW after it, counted)
    for row in phases:
        counted = row.get("stage") != "cancelled"
        if counted:
            running += _num(row.get("mw"))
        points.append((row, running, counted))
    stated = _num(data.extras.get("capacity_mw"))
    unit, scale = _power_unit(max(running, stated))
    days = [_iso(row["date"]) for row, _, _ in points]
    x_range = _date_range(sorted({*days, *notes.days(data.extras)}))  # room for the notes too
    colour = KIND_COLOURS.get(data.extras.get("kind", ""), BLUE)

    # The step line: from zero up at the first date, flat after the last to the plot's edge.
    line_x = [days[0], *days, x_range[1]]
    line_y = [0.0, *(round(total / scale, 6) for _, total, _ in points)]
    line_y.append(line_y[-1])
    traces = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": "Cumulative capacity",
            "x": line_x,
            "y": line_y,
            "line": {"shape": "hv", "width": 2.5, "color": colour},
            "hoverinfo": "skip",
            "showlegend": False,
        }
    ]
    by_stage: defaultdict[str | None, list[tuple[Row, float, bool]]] = defaultdict(list)
    for point in points:
        by_stage[point[0].get("stage")].append(point)
    for stage in _ordered("stage", set(by_stage)):
        stage_label = _label("stage", stage)
        x: list[str] = []
        y: list[float] = []
        customdata: list[list[str]] = []
        for row, total, counted in by_stage[stage]:
            x.append(_iso(row["date"]))
            y.append(round(total / scale, 6))
            added = f"+{power(_num(row.get('mw')))}" if counted else "not counted"
            customdata.append(["", _phase_label(row), added, power(total)])
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": stage_label,
                "x": x,
                "y": y,
                "customdata": customdata,
                "marker": {
                    "size": 11,
                    "color": STAGE_COLOURS.get(stage or "", OTHER_COLOUR),
                    "line": {"width": 1.5, "color": "#ffffff"},
                },
                "hovertemplate": (
                    "%{customdata[1]}<br>"
                    + stage_label
                    + ", online %{x|"
                    + DATE_HOVER
                    + "}<br>%{customdata[2]}: %{customdata[3]} in all<extra></extra>"
                ),
            }
        )
    shapes: list[Attributes] = []
    annotations: list[Attributes] = []
    if stated > 0:
        shape, label = _reference_line(
            round(stated / scale, 6),
            f"Project capacity {power(stated)}",
            vertical=False,
            hovertext="The project's stated capacity",
        )
        shapes.append(shape)
        annotations.append(label)
    top = max(running, stated) / scale
    layout = _layout(
        chart,
        unit,
        showlegend=True,  # even for one stage: the legend says what the colour is
        xaxis=_date_axis(range=x_range),
        yaxis=_axis(
            f"Cumulative capacity ({unit})",
            range=[0, round(top * 1.15, 6) if top > 0 else 1],
        ),
        shapes=shapes,
        annotations=annotations,
    )
    return {"data": traces, "layout": layout}


def project_participations(data: ChartData) -> Figure:
    """Stakes in a project: a horizontal bar per partner with a stake (largest on top), each in
    its partner's colour, its roles in the hover; partners without a stake are in the table
    only. A bar opens the dashboard for that partner."""
    chart = "project_participations"
    rows = [row for row in data.rows if row.get("stake_percent") is not None]
    if not rows:
        return _page_empty(chart)
    rows.sort(key=lambda row: (-_num(row["stake_percent"]), str(row.get("partner")).casefold()))
    names: list[str] = []
    x: list[float] = []
    colours: list[str] = []
    text: list[str] = []
    customdata: list[list[str]] = []
    for row in rows:
        stake = _num(row["stake_percent"])
        names.append(row.get("partner") or row.get("partner_slug") or "")
        x.append(round(stake, 4))
        colours.append(row.get("colour") or OTHER_COLOUR)
        text.append(percent(stake))
        customdata.append(
            [_query(partner=row.get("partner_slug")), row.get("roles") or "Role not recorded"]
        )
    trace: Attributes = {
        "type": "bar",
        "orientation": "h",
        "name": "Stake",
        "x": x,
        "y": names,
        "text": text,
        "textposition": "auto",
        "customdata": customdata,
        "marker": {"color": colours, "line": {"width": 0}},
        "hovertemplate": "%{y}<br>Stake: %{text}<br>%{customdata[1]}<extra></extra>",
        "showlegend": False,
    }
    layout = _layout(
        chart,
        "%",
        bargap=0.35,
        # A little past 100 so that the 100% tick and a full stake's label fit.
        xaxis=_axis("Stake (%)", range=[0, 104], ticksuffix="%", dtick=25),
        yaxis=_category_axis(names[::-1]),  # the largest stake on top
    )
    return {"data": [trace], "layout": layout}
