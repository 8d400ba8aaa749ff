"""Plotly figures for the dashboard: a `ChartData` in, a plain figure dict out.

Pure: no ORM, no request, no `plotly.express` and no `plotly.graph_objects` at run time. Each
builder writes the figure as a dict (`{"data": [...], "layout": {...}}`) directly, with few,
flat traces: that is the cheapest way to a figure (a test checks that
`plotly.graph_objects.Figure(fig)` accepts every one). The result is JSON-serialisable with
`DjangoJSONEncoder` (and with plain `json`): numbers are floats, dates ISO strings, no Decimal.

One builder per chart, named after `ChartData.chart`; `build(data)` dispatches on it:

    commitments_by_partner  commitments_over_time  capacity_pipeline  capacity_online
    energy_mix  project_map  market_context

Conventions every figure keeps
- No title inside the figure (`layout.title` unset): the page renders the title (`TITLES`),
  the as-of date, the illustrative note and the sources around it.
- Units on the axis titles and in every hover text: money in $bn (USD / 1e9), capacity in MW or
  GW (one unit per chart, GW when its largest value reaches 1,000 MW), energy in TWh. The unit a
  figure uses is also in `layout.meta.unit`; `UNITS` gives each chart's unit family.
- An empty `ChartData` gives no traces, hidden axes and one centred annotation,
  `EMPTY_TEXT` ("No data for these filters").
- The look: system-ui fonts, transparent backgrounds, light grid lines, tight margins (axes
  use automargin), a horizontal legend, `autosize: True` (the page's container sets the size).
  No `layout.template`: plotly.js draws with its built-in defaults plus what is set here, and
  the payload stays small. Partners use their own colour from the rows; stages, project kinds,
  energy sources and the power-balance sides use the fixed Okabe–Ito palettes below, the same
  in every chart. Category orders come from `chartdata.ORDER`.
- `layout.meta` = {"chart": <name>, "unit": <unit>} tells the page's script what it draws.

Drill-down: `customdata`
Every clickable point carries `customdata`, a list whose FIRST element is where a click goes:
a query string to apply to the dashboard (starts with "?"), a path or a URL to open, or "" for
no drill-down. The page's script reads `point.customdata[0]`. Further elements are hover text.

    commitments_by_partner  bars            "?partner=<slug>"  ("" on the "All partners" row)
    capacity_pipeline       bars            "?stage=<stage>&kind=<kind>"
    energy_mix              bars            "?energy_source=<code>"  ("" when unspecified)
    project_map             points          "<url>" of the project page
    market_context          points          "<source_url>" of the point's source (or "")

The two time series (commitments_over_time, capacity_online) carry no customdata: they are
read, not clicked, and their points are many.
"""

import datetime as dt
import json
import textwrap
from collections import defaultdict
from urllib.parse import urlencode

from django.core.serializers.json import DjangoJSONEncoder

from aipdash.chartdata import LABELS, ORDER, ChartData
from aipdash.formatting import power, usd

EMPTY_TEXT = "No data for these filters"

TITLES = {
    "commitments_by_partner": "Commitments by partner",
    "commitments_over_time": "Commitments over time",
    "capacity_pipeline": "Capacity pipeline by stage",
    "capacity_online": "Capacity coming online: the power balance",
    "energy_mix": "Energy mix",
    "project_map": "Projects on the map",
    "market_context": "Market context: data-centre electricity demand",
}

# The unit family of each chart's values. Capacity charts show MW or GW, whichever reads better
# for the data; the figure's `layout.meta.unit` says which one it uses.
UNITS = {
    "commitments_by_partner": "$bn",
    "commitments_over_time": "$bn",
    "capacity_pipeline": "MW",
    "capacity_online": "MW",
    "energy_mix": "MW",
    "project_map": "MW",
    "market_context": "TWh",
}

# --- Look ---------------------------------------------------------------------------------

# Okabe & Ito's colour-blind-safe palette.
BLACK, ORANGE, SKY_BLUE, GREEN = "#000000", "#E69F00", "#56B4E9", "#009E73"
YELLOW, BLUE, VERMILLION, PURPLE = "#F0E442", "#0072B2", "#D55E00", "#CC79A7"
GREY = "#999999"

STAGE_COLOURS = {
    "announced": SKY_BLUE,
    "development": BLUE,
    "construction": ORANGE,
    "operational": GREEN,
    "paused": GREY,
    "cancelled": VERMILLION,
}
KIND_COLOURS = {
    "data_centre": BLUE,
    "generation": ORANGE,
    "storage": GREEN,
    "grid": PURPLE,
}
# The energy-mix chart stacks by stage (its colours match the pipeline and the map); this
# palette is for anything keyed by energy source (the page's legends, partner and project pages).
ENERGY_SOURCE_COLOURS = {
    "natural_gas": GREY,
    "solar": YELLOW,
    "wind": SKY_BLUE,
    "nuclear": PURPLE,
    "hydro": BLUE,
    "geothermal": VERMILLION,
    "battery": GREEN,
}
SIDE_COLOURS = {"demand": KIND_COLOURS["data_centre"], "supply": KIND_COLOURS["generation"]}
# Regions of the market-context chart, in order of first appearance (World first).
REGION_COLOURS = (BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY_BLUE, BLACK)
OTHER_COLOUR = GREY

# Commitment status by opacity (announced lighter, called full), as the alpha of each bar's
# colour so that the legend shows it too; debt hatched.
STATUS_OPACITY = {"announced": 0.4, "committed": 0.7, "called": 1.0}
# "replace" draws the hatch in each point's own colour; "overlay" would need one colour for
# the background and makes plotly.js 4.1.1 warn about the per-point colour list.
DEBT_PATTERN = {"shape": "/", "fillmode": "replace", "solidity": 0.55, "size": 7}
ALL_PARTNERS = "All partners"
ALL_PARTNERS_COLOUR = "#566275"

# Market context: line dash by scenario; projections are markers only.
SCENARIO_DASH = {"historical": "solid", "base": "dash", "high": "dot"}

FONT_FAMILY = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", '
    '"Liberation Sans", sans-serif'
)
TEXT = "#16202d"
MUTED = "#566275"
GRID = "#e6eaf0"
LINE = "#c5cfdb"
REFERENCE = "#3d4756"
TRANSPARENT = "rgba(0,0,0,0)"
DATE_HOVER = "%-d %b %Y"


def _layout(chart: str, unit: str, **extra) -> dict:
    layout = {
        "meta": {"chart": chart, "unit": unit},
        "autosize": True,
        "font": {"family": FONT_FAMILY, "size": 13, "color": TEXT},
        "paper_bgcolor": TRANSPARENT,
        "plot_bgcolor": TRANSPARENT,
        "margin": {"l": 8, "r": 16, "t": 8, "b": 8, "pad": 4},
        "hovermode": "closest",
        "hoverlabel": {
            "bgcolor": "#ffffff",
            "bordercolor": LINE,
            "font": {"family": FONT_FAMILY, "size": 13, "color": TEXT},
        },
        "legend": {
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1.02,
            "yanchor": "bottom",
            "font": {"size": 12},
            "bgcolor": TRANSPARENT,
            "traceorder": "normal",  # plotly reverses stacked traces; read left to right
        },
        "separators": ".,",
    }
    layout.update(extra)
    return layout


def _axis(title: str = "", **extra) -> dict:
    axis = {
        "title": {"text": title, "font": {"size": 12, "color": MUTED}, "standoff": 8},
        "automargin": True,
        "gridcolor": GRID,
        "linecolor": LINE,
        "zerolinecolor": LINE,
        "tickfont": {"size": 12, "color": MUTED},
        "ticks": "",
    }
    axis.update(extra)
    return axis


def _empty(chart: str) -> dict:
    hidden = {"visible": False}
    layout = _layout(chart, UNITS[chart], xaxis=hidden, yaxis=dict(hidden))
    layout["annotations"] = [
        {
            "text": EMPTY_TEXT,
            "xref": "paper",
            "yref": "paper",
            "x": 0.5,
            "y": 0.5,
            "xanchor": "center",
            "yanchor": "middle",
            "showarrow": False,
            "font": {"size": 15, "color": MUTED},
        }
    ]
    return {"data": [], "layout": layout}


def _reference_line(
    value: float, text: str, *, vertical: bool, hovertext: str = ""
) -> tuple[dict, dict]:
    """A dashed line across the plot at `value` (data units), and its label."""
    line = {"color": REFERENCE, "width": 1.5, "dash": "dash"}
    label = {
        "text": text,
        "showarrow": False,
        "font": {"size": 12, "color": REFERENCE},
        "bgcolor": "rgba(255,255,255,0.8)",
        "borderpad": 2,
    }
    if hovertext:
        label["hovertext"] = hovertext
    if vertical:
        shape = {"type": "line", "xref": "x", "yref": "paper", "x0": value, "x1": value}
        shape |= {"y0": 0, "y1": 1, "line": line, "layer": "above"}
        label |= {"xref": "x", "yref": "paper", "x": value, "y": 0, "xanchor": "right"}
        label |= {"yanchor": "bottom", "xshift": -4}
    else:
        shape = {"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1}
        shape |= {"y0": value, "y1": value, "line": line, "layer": "above"}
        label |= {"xref": "paper", "yref": "y", "x": 0, "y": value, "xanchor": "left"}
        label |= {"yanchor": "bottom", "yshift": 1}
    return shape, label


# --- Small helpers ---------------------------------------------------------------------------


def _num(value) -> float:
    """A plain float from an int, float, Decimal or None (None counts as 0)."""
    return float(value) if value is not None else 0.0


def _iso(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _label(kind: str, code) -> str:
    if code is None or code == "":
        return "Not specified"
    return LABELS.get(kind, {}).get(code, str(code).replace("_", " ").capitalize())


def _ordered(kind: str, codes) -> list:
    """Codes in the canonical order of `ORDER[kind]`, unknown codes after them (sorted)."""
    order = ORDER.get(kind, ())
    known = [code for code in order if code in codes]
    return known + sorted((code for code in codes if code not in order), key=str)


def _power_unit(largest_mw: float) -> tuple[str, float]:
    """One capacity unit per chart: GW once its largest value reaches 1,000 MW."""
    return ("GW", 1000.0) if largest_mw >= 1000 else ("MW", 1.0)


def _projects(count) -> str:
    count = int(count or 0)
    return f"{count:,} project" + ("" if count == 1 else "s")


def _rgba(hex_colour: str, alpha: float) -> str:
    """`#0072B2` at `alpha`, as `rgba(0,114,178,0.4)`; unchanged at full opacity."""
    value = hex_colour.lstrip("#")
    if alpha >= 1 or len(value) != 6:
        return hex_colour
    red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({red},{green},{blue},{alpha})"


def _query(**params) -> str:
    return "?" + urlencode({key: value for key, value in params.items() if value})


def _bn(amount_usd: float) -> float:
    return round(amount_usd / 1e9, 6)


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

    One trace per (instrument, status): equity solid, debt hatched, status by opacity; each
    bar in its partner's colour. The targets are vertical dashed lines.
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
            x.append(_bn(overall))
            y.append(ALL_PARTNERS)
            colour.append(_rgba(ALL_PARTNERS_COLOUR, alpha))
            customdata.append([""])
            for slug in partners:
                amount = amounts.get((instrument, status, slug), 0.0)
                if amount > 0:
                    x.append(_bn(amount))
                    y.append(names[slug])
                    colour.append(_rgba(colours[slug], alpha))
                    customdata.append([_query(partner=slug)])
            name = f"{_label('instrument', instrument)} · {_label('status', status)}"
            marker = {"color": colour, "line": {"width": 0}}
            if instrument == "debt":
                marker["pattern"] = dict(DEBT_PATTERN)
            traces.append(
                {
                    "type": "bar",
                    "orientation": "h",
                    "name": name,
                    "x": x,
                    "y": y,
                    "customdata": customdata,
                    "marker": marker,
                    "hovertemplate": f"<b>%{{y}}</b><br>{name}<br>%{{x:$,.2f}}bn<extra></extra>",
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
        yaxis=_axis(
            "",
            type="category",
            categoryorder="array",
            categoryarray=categories,
            showgrid=False,
        ),
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
        xaxis=_axis("", type="date", hoverformat=DATE_HOVER, showgrid=False),
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


def capacity_pipeline(data: ChartData) -> dict:
    """MW by stage (in the canonical stage order), stacked by project kind."""
    chart = "capacity_pipeline"
    if data.empty:
        return _empty(chart)
    mw, projects = defaultdict(float), defaultdict(int)
    stage_totals = defaultdict(float)
    for row in data.rows:
        key = row.get("stage"), row.get("kind")
        mw[key] += _num(row.get("mw"))
        projects[key] += int(row.get("projects") or 0)
        stage_totals[key[0]] += _num(row.get("mw"))
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
            customdata.append(
                [_query(stage=stage, kind=kind), power(value), _projects(projects[stage, kind])]
            )
        traces.append(
            {
                "type": "bar",
                "name": _label("kind", kind),
                "x": x,
                "y": y,
                "customdata": customdata,
                "marker": {"color": KIND_COLOURS.get(kind, OTHER_COLOUR), "line": {"width": 0}},
                "hovertemplate": (
                    f"<b>{_label('kind', kind)}</b><br>"
                    "%{x}: %{customdata[1]} (%{customdata[2]})<extra></extra>"
                ),
            }
        )
    layout = _layout(
        chart,
        unit,
        barmode="stack",
        bargap=0.35,
        xaxis=_axis(
            "",
            type="category",
            categoryorder="array",
            categoryarray=[_label("stage", stage) for stage in stages],
            showgrid=False,
        ),
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
        xaxis=_axis("", type="date", hoverformat=DATE_HOVER, showgrid=False),
        yaxis=_axis(f"Cumulative capacity online ({unit})", rangemode="tozero"),
    )
    return {"data": traces, "layout": layout}


def energy_mix(data: ChartData) -> dict:
    """Horizontal bars of MW by energy source (largest on top), stacked by stage."""
    chart = "energy_mix"
    if data.empty:
        return _empty(chart)
    mw, projects = defaultdict(float), defaultdict(int)
    source_totals = defaultdict(float)
    for row in data.rows:
        key = row.get("energy_source"), row.get("stage")
        mw[key] += _num(row.get("mw"))
        projects[key] += int(row.get("projects") or 0)
        source_totals[key[0]] += _num(row.get("mw"))
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
                    f"<b>%{{y}}</b><br>{_label('stage', stage)}: "
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
        yaxis=_axis(
            "",
            type="category",
            categoryorder="array",
            categoryarray=[_label("energy_source", source) for source in sources],
            showgrid=False,
        ),
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
            customdata.append(
                [
                    row.get("url") or "",
                    row.get("name") or row.get("slug") or "",
                    _label("kind", row.get("kind")),
                    power(value) if row.get("mw") is not None else "capacity not stated",
                    place,
                    "<br><i>Illustrative data</i>" if row.get("illustrative") else "",
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
                    "<b>%{customdata[1]}</b><br>%{customdata[2]} · "
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
                "<b>%{customdata[2]}</b><br>%{x}: %{y:,.0f} "
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


# --- Dispatch and output ---------------------------------------------------------------------

BUILDERS = {
    "commitments_by_partner": commitments_by_partner,
    "commitments_over_time": commitments_over_time,
    "capacity_pipeline": capacity_pipeline,
    "capacity_online": capacity_online,
    "energy_mix": energy_mix,
    "project_map": project_map,
    "market_context": market_context,
}


def build(data: ChartData) -> dict:
    """The figure for `data.chart`; a `KeyError` names an unknown chart."""
    try:
        builder = BUILDERS[data.chart]
    except KeyError:
        raise KeyError(f"No chart builder for {data.chart!r}") from None
    return builder(data)


def figure_json(fig: dict) -> str:
    """Compact JSON of a figure (what the page's data island holds)."""
    return json.dumps(fig, cls=DjangoJSONEncoder, separators=(",", ":"))
