"""The dashboard's seven figures, one builder per chart (a `ChartData` in, a figure dict out):
commitments by partner and over time, the capacity pipeline, capacity online (the power
balance), the energy mix, the map and the market context. Conventions: see `build`.

Over 500 lines on purpose: seven builders of one family, each a flat list of traces written out
(see `build`); split further, a reader would hop between files for one chart's helpers.
"""

import textwrap
from collections import defaultdict

from aipdash.charts.data import ORDER, ChartData
from aipdash.charts.theme import (
    ALL_PARTNERS,
    ALL_PARTNERS_COLOUR,
    DEBT_FILL,
    DEBT_OUTLINE,
    GREY,
    KIND_COLOURS,
    LINE,
    OTHER_COLOUR,
    REGION_COLOURS,
    SCENARIO_DASH,
    SIDE_COLOURS,
    STAGE_COLOURS,
    STATUS_OPACITY,
    TEXT,
    TRANSPARENT,
    _axis,
    _bn,
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
    _reference_line,
    _rgba,
)
from aipdash.core.formatting import power, usd

# --- Commitments -----------------------------------------------------------------------------


def _target_lines(targets, *, vertical: bool) -> tuple[list, list]:
    shapes, annotations = [], []
    for target in targets or ():
        amount = _num(target.get("amount_usd"))
        if amount <= 0:
            continue
        scope = target.get("scope")
        if scope == "equity":
            text = f"{usd(amount)} equity target"
        elif scope == "total":
            text = f"{usd(amount)} total incl. debt"
        else:
            text = f"{usd(amount)} {target.get('name') or 'target'}"
        hover = target.get("name") or text
        if target.get("source_title"):
            hover += "<br>Source: " + _wrap(target["source_title"])
        shape, label = _reference_line(_bn(amount), text, vertical=vertical, hovertext=hover)
        shapes.append(shape)
        annotations.append(label)
    return shapes, annotations


def commitments_by_partner(data: ChartData) -> dict:
    """Horizontal stacked bars: partners by total (largest on top), an "All partners" row.

    One trace per (instrument, status): equity solid, debt lighter inside an outline, status by
    opacity; each bar in its partner's colour. The targets are vertical dashed lines.
    """
    chart = "commitments_by_partner"
    if data.empty:
        return _empty(chart)
    names, colours, totals = {}, {}, defaultdict(float)
    amounts = defaultdict(float)  # (instrument, status, slug) -> USD
    for row in data.rows:
        slug = row.get("partner_slug") or row.get("partner") or ""
        names.setdefault(slug, row.get("partner") or slug)
        colours.setdefault(slug, row.get("colour") or OTHER_COLOUR)
        amount = _num(row.get("amount_usd"))
        amounts[row.get("instrument"), row.get("status"), slug] += amount
        totals[slug] += amount
    partners = sorted(totals, key=lambda slug: (totals[slug], names[slug].casefold()))
    instruments = _ordered("instrument", {key[0] for key in amounts})
    statuses = _ordered("status", {key[1] for key in amounts})[::-1]  # called first: solid core

    traces = []
    for instrument in instruments:
        for status in statuses:
            x, y, colour, customdata = [], [], [], []
            alpha = STATUS_OPACITY.get(status, 0.7)
            overall = sum(amounts.get((instrument, status, slug), 0.0) for slug in partners)
            if overall <= 0:
                continue
            # The total row first: the legend's swatch takes the first point's colour.
            debt = instrument == "debt"
            fill = alpha * DEBT_FILL if debt else alpha
            x.append(_bn(overall))
            y.append(ALL_PARTNERS)
            colour.append(_rgba(ALL_PARTNERS_COLOUR, fill))
            outline = [ALL_PARTNERS_COLOUR]
            customdata.append([""])
            for slug in partners:
                amount = amounts.get((instrument, status, slug), 0.0)
                if amount > 0:
                    x.append(_bn(amount))
                    y.append(names[slug])
                    colour.append(_rgba(colours[slug], fill))
                    outline.append(colours[slug])
                    customdata.append([_query(partner=slug)])
            name = f"{_label('instrument', instrument)} · {_label('status', status)}"
            marker = {"color": colour, "line": {"width": 0}}
            if debt:
                marker["line"] = {"width": DEBT_OUTLINE, "color": outline}
            traces.append(
                {
                    "type": "bar",
                    "orientation": "h",
                    "name": name,
                    "x": x,
                    "y": y,
                    "customdata": customdata,
                    "marker": marker,
                    "hovertemplate": f"%{{y}}<br>{name}<br>%{{x:$,.2f}}bn<extra></extra>",
                }
            )
    if not traces:  # rows, but nothing above zero
        return _empty(chart)
    targets = data.extras.get("targets") or ()
    shapes, annotations = _target_lines(targets, vertical=True)
    categories = [names[slug] for slug in partners] + [ALL_PARTNERS]
    # Room for the longest bar and the furthest target line, with a little air after them.
    furthest = max([sum(totals.values()), *(_num(t.get("amount_usd")) for t in targets)])
    layout = _layout(
        chart,
        "$bn",
        barmode="stack",
        bargap=0.3,
        xaxis=_axis(
            "Amount committed ($bn)",
            tickprefix="$",
            ticksuffix="bn",
            range=[0, round(_bn(furthest) * 1.05, 3)],
        ),
        yaxis=_category_axis(categories),
        shapes=shapes,
        annotations=annotations,
    )
    return {"data": traces, "layout": layout}


def commitments_over_time(data: ChartData) -> dict:
    """Cumulative commitments (equity and debt) stacked by partner, with the equity line.

    The top of the stack is the total including debt (against the $100bn target); the dark
    line is all partners' equity (against the $30bn target).
    """
    chart = "commitments_over_time"
    if data.empty:
        return _empty(chart)
    names, colours, totals = {}, {}, defaultdict(float)
    by_day = defaultdict(float)  # (slug, date) -> USD
    equity_by_day = defaultdict(float)
    for row in data.rows:
        if row.get("date") is None:  # undated: nowhere on a time axis
            continue
        slug = row.get("partner_slug") or row.get("partner") or ""
        names.setdefault(slug, row.get("partner") or slug)
        colours.setdefault(slug, row.get("colour") or OTHER_COLOUR)
        day = _iso(row.get("date"))
        amount = _num(row.get("amount_usd"))
        by_day[slug, day] += amount
        totals[slug] += amount
        if row.get("instrument") == "equity":
            equity_by_day[day] += amount
    if not by_day:
        return _empty(chart)
    days = sorted({day for _, day in by_day})
    # Largest at the bottom of the stack.
    partners = sorted(totals, key=lambda slug: (-totals[slug], names[slug].casefold()))

    traces = []
    for slug in partners:
        running, y = 0.0, []
        for day in days:
            running += by_day.get((slug, day), 0.0)
            y.append(_bn(running))
        colour = colours[slug]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": names[slug],
                "x": days,
                "y": y,
                "stackgroup": "partners",
                "line": {"shape": "hv", "width": 1, "color": colour},
                "fillcolor": _rgba(colour, 0.6),
                "hovertemplate": f"{names[slug]}: %{{y:$,.2f}}bn<extra></extra>",
            }
        )
    if equity_by_day:
        running, y = 0.0, []
        for day in days:
            running += equity_by_day.get(day, 0.0)
            y.append(_bn(running))
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "Equity, all partners",
                "x": days,
                "y": y,
                "line": {"shape": "hv", "width": 2.5, "color": TEXT},
                "hovertemplate": "Equity, all partners: %{y:$,.2f}bn<extra></extra>",
            }
        )
    shapes, annotations = _target_lines(data.extras.get("targets"), vertical=False)
    layout = _layout(
        chart,
        "$bn",
        hovermode="x unified",
        xaxis=_date_axis(),
        yaxis=_axis(
            "Cumulative commitments ($bn)",
            tickprefix="$",
            ticksuffix="bn",
            rangemode="tozero",
        ),
        shapes=shapes,
        annotations=annotations,
    )
    return {"data": traces, "layout": layout}


# --- Capacity --------------------------------------------------------------------------------


def _capacity_by(rows, bar: str, stack: str) -> tuple[dict, dict, dict]:
    """A stacked capacity chart's sums: MW and projects by (bar, stack), MW by bar."""
    mw, projects, bar_totals = defaultdict(float), defaultdict(int), defaultdict(float)
    for row in rows:
        key = row.get(bar), row.get(stack)
        mw[key] += _num(row.get("mw"))
        projects[key] += int(row.get("projects") or 0)
        bar_totals[key[0]] += _num(row.get("mw"))
    return mw, projects, bar_totals


def capacity_pipeline(data: ChartData) -> dict:
    """MW by stage (in the canonical stage order), stacked by project kind."""
    if data.empty:
        return _empty("capacity_pipeline")
    return stacked_capacity(
        "capacity_pipeline", data, query=lambda stage, kind: _query(stage=stage, kind=kind)
    )


def stacked_capacity(chart: str, data: ChartData, *, query, **layout) -> dict | None:
    """MW by stage (in the canonical stage order), stacked by project kind, a bar's click going
    to `query(stage, kind)`: the dashboard's pipeline and a partner's capacity. None when no
    row has a stage or kind to draw."""
    mw, projects, stage_totals = _capacity_by(data.rows, "stage", "kind")
    if not mw:
        return None
    stages = _ordered("stage", {stage for stage, _ in mw})
    kinds = _ordered("kind", {kind for _, kind in mw})
    unit, scale = _power_unit(max(stage_totals.values()))

    traces = []
    for kind in kinds:
        x, y, customdata = [], [], []
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


def capacity_online(data: ChartData) -> dict:
    """The power balance: cumulative MW coming online, demand against supply, as steps."""
    chart = "capacity_online"
    if data.empty:
        return _empty(chart)
    by_day = defaultdict(float)  # (side, date) -> MW
    for row in data.rows:
        if row.get("date") is not None:
            by_day[row.get("side"), _iso(row.get("date"))] += _num(row.get("mw"))
    if not by_day:
        return _empty(chart)
    days = sorted({day for _, day in by_day})
    sides = _ordered("side", {side for side, _ in by_day})
    cumulative = {}
    for side in sides:
        running, values = 0.0, []
        for day in days:
            running += by_day.get((side, day), 0.0)
            values.append(running)
        cumulative[side] = values
    unit, scale = _power_unit(max(values[-1] for values in cumulative.values()))

    traces = []
    for side in sides:
        values = cumulative[side]
        name = _label("side", side)
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": name,
                "x": days,
                "y": [round(value / scale, 6) for value in values],
                "text": [power(value) for value in values],
                "line": {"shape": "hv", "width": 2.5, "color": SIDE_COLOURS.get(side, GREY)},
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


def energy_mix(data: ChartData) -> dict:
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

    traces = []
    for stage in stages:
        x, y, customdata = [], [], []
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


# --- Map -------------------------------------------------------------------------------------

MAP_MAX_DIAMETER = 34  # px, for the largest project
MAP_MIN_DIAMETER = 5  # px, so a small project stays visible and clickable


def project_map(data: ChartData) -> dict:
    """Projects on a world map: area by MW, one trace per stage (the legend reads by stage)."""
    chart = "project_map"
    if data.empty:
        return _empty(chart)
    by_stage = defaultdict(list)
    largest = 0.0
    for row in data.rows:
        if row.get("latitude") is None or row.get("longitude") is None:
            continue
        by_stage[row.get("stage")].append(row)
        largest = max(largest, _num(row.get("mw")))
    if not by_stage:
        return _empty(chart)
    # sizemode "area": diameter = sqrt(size / sizeref), so the largest gets MAP_MAX_DIAMETER.
    sizeref = (largest or 1.0) / MAP_MAX_DIAMETER**2

    traces = []
    for stage in _ordered("stage", set(by_stage)):
        stage_label = _label("stage", stage)
        lat, lon, size, customdata = [], [], [], []
        for row in by_stage[stage]:
            value = _num(row.get("mw"))
            lat.append(_num(row["latitude"]))
            lon.append(_num(row["longitude"]))
            size.append(round(value, 3))
            place = ", ".join(str(part) for part in (row.get("region"), row.get("country")) if part)
            grouped = (row.get("projects") or 1) > 1 or not row.get("slug")
            notes = ("<br>Illustrative data" if row.get("illustrative") else "") + (
                f"<br>Stale: not confirmed since {row['confirmed']:%-d %b %Y}"
                if row.get("stale") and row.get("confirmed")
                else ""
            )
            customdata.append(
                [
                    row.get("url") or "",
                    row.get("name") or row.get("slug") or "",
                    "All kinds"
                    if grouped and not row.get("kind")
                    else _label("kind", row.get("kind")),
                    power(value) if row.get("mw") is not None else "capacity not stated",
                    place,
                    notes,
                ]
            )
        traces.append(
            {
                "type": "scattergeo",
                "mode": "markers",
                "name": stage_label,
                "lat": lat,
                "lon": lon,
                "customdata": customdata,
                "marker": {
                    "size": size,
                    "sizemode": "area",
                    "sizeref": sizeref,
                    "sizemin": MAP_MIN_DIAMETER,
                    "color": STAGE_COLOURS.get(stage, OTHER_COLOUR),
                    "opacity": 0.8,
                    "line": {"width": 0.75, "color": "#ffffff"},
                },
                "hovertemplate": (
                    "%{customdata[1]}<br>%{customdata[2]} · "
                    + stage_label
                    + "<br>%{customdata[3]}<br>%{customdata[4]}%{customdata[5]}<extra></extra>"
                ),
            }
        )
    layout = _layout(
        chart,
        "MW",
        margin={"l": 0, "r": 0, "t": 8, "b": 0},
        geo={
            "projection": {"type": "natural earth"},
            "resolution": 110,
            "fitbounds": "locations",
            "showframe": False,
            "showcoastlines": True,
            "coastlinecolor": LINE,
            "coastlinewidth": 0.5,
            "showcountries": True,
            "countrycolor": LINE,
            "countrywidth": 0.5,
            "showland": True,
            "landcolor": "#eef1f5",
            "showocean": True,
            "oceancolor": "#f7fafd",
            "showlakes": False,
            "bgcolor": TRANSPARENT,
        },
    )
    return {"data": traces, "layout": layout}


# --- Market context --------------------------------------------------------------------------


def _wrap(text: str, width: int = 60) -> str:
    """Long source titles on several hover lines."""
    return "<br>".join(textwrap.wrap(str(text), width)) if text else ""


def _reference_text(reference: dict) -> str:
    """The reference line's label from its own: "India's annual electricity demand (1,694 TWh)"."""
    label = str(reference.get("label") or "Reference")
    short = label.split(",")[0].split(" (")[0].strip()
    value = _num(reference.get("value"))
    unit = reference.get("unit") or "TWh"
    return f"{short} ({value:,.0f} {unit})"


def market_context(data: ChartData) -> dict:
    """TWh by year per (series, region, scenario), with the reference as a horizontal line.

    Historical solid, base case dashed, high case dotted, projections as markers; a scenario
    line starts from the last historical point of its series and region. Every point's hover
    cites its source.
    """
    chart = "market_context"
    reference = data.extras.get("reference")
    groups = defaultdict(list)  # (series, region, scenario) -> rows
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
    last_historical = {}
    for key in keys:
        if key[2] == "historical":
            last_historical[key[0], key[1]] = max(groups[key], key=lambda row: row["year"])
    several_series = len({key[0] for key in keys}) > 1

    def point(row):
        return [
            row.get("source_url") or "",
            _wrap(row.get("source_title") or "source not recorded"),
            row.get("label") or "",
            _label("scenario", row.get("scenario")),
        ]

    traces = []
    for series, region, scenario in keys:
        rows = sorted(groups[series, region, scenario], key=lambda row: (row["year"], row["value"]))
        anchor = last_historical.get((series, region))
        if scenario in ("base", "high") and anchor is not None and anchor["year"] < rows[0]["year"]:
            rows = [anchor, *rows]
        name = f"{region} · {_label('scenario', scenario)}"
        if several_series:
            name = f"{series} · {name}"
        colour = region_colour[region]
        trace = {
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

    shapes, annotations = [], []
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


# --- Partner and project pages ---------------------------------------------------------------


# Hover text has no <b>, <i> or other styling tags, here or above: plotly.js renders them as SVG
# `style` attributes, which the strict CSP (style-src 'self', no 'unsafe-hashes') blocks.
