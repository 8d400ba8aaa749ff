"""Plotly figures for the dashboard: a `ChartData` in, a plain figure dict out.

Pure: no ORM, no request, no `plotly.express` and no `plotly.graph_objects` at run time. Each
builder writes the figure as a dict (`{"data": [...], "layout": {...}}`) directly, with few,
flat traces: that is the cheapest way to a figure (a test checks that
`plotly.graph_objects.Figure(fig)` accepts every one). The result is JSON-serialisable with
`DjangoJSONEncoder` (and with plain `json`): numbers are floats, dates ISO strings, no Decimal.

One builder per chart, named after `ChartData.chart`; `build(data)` dispatches on it:

    commitments_by_partner  commitments_over_time  capacity_pipeline  capacity_online
    energy_mix  project_map  market_context

and, for the partner and project pages (one partner or project, no filters):

    partner_commitments  partner_capacity  project_phases  project_participations

Conventions every figure keeps
- No title inside the figure (`layout.title` unset): the page renders the title (`TITLES`),
  the as-of date, the illustrative note and the sources around it.
- Units on the axis titles and in every hover text: money in $bn (USD / 1e9), capacity in MW or
  GW (one unit per chart, GW when its largest value reaches 1,000 MW), energy in TWh. The unit a
  figure uses is also in `layout.meta.unit`; `UNITS` gives each chart's unit family.
- An empty `ChartData` gives no traces, hidden axes and one centred annotation,
  `EMPTY_TEXT` ("No data for these filters"); the page charts say what is missing instead
  (`PAGE_EMPTY_TEXT`: "No commitments recorded", ...).
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
    partner_capacity        bars            "?kind=<kind>&partner=<slug>&stage=<stage>"
    project_phases          points          "" (read, not clicked; customdata is hover text)
    project_participations  bars            "?partner=<slug>"

A page chart's "?query" goes to the dashboard: its div carries `data-drill-base="/"`.

The time series (commitments_over_time, capacity_online, partner_commitments) carry no
customdata: they are read, not clicked, and their points are many.
"""

import datetime as dt
import json
import textwrap
from collections import defaultdict
from urllib.parse import urlencode

from django.core.serializers.json import DjangoJSONEncoder

from aipdash import charttext
from aipdash.chartdata import LABELS, ORDER, ChartData
from aipdash.formatting import percent, power, usd

EMPTY_TEXT = "No data for these filters"

TITLES = {
    "commitments_by_partner": "Commitments by partner",
    "commitments_over_time": "Commitments over time",
    "capacity_pipeline": "Capacity pipeline by stage",
    "capacity_online": "Capacity coming online: the power balance",
    "energy_mix": "Energy mix",
    "project_map": "Projects on the map",
    "market_context": "Market context: data-centre electricity demand",
    "partner_commitments": "Commitments over time",
    "partner_capacity": "Capacity of its projects by stage",
    "project_phases": "Phases coming online",
    "project_participations": "Stakes by partner",
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
    "partner_commitments": "$bn",
    "partner_capacity": "MW",
    "project_phases": "MW",
    "project_participations": "%",
}

# What an empty page chart says (the page has no filters: nothing is recorded).
PAGE_EMPTY_TEXT = {
    "partner_commitments": "No commitments recorded",
    "partner_capacity": "No projects recorded",
    "project_phases": "No phases recorded",
    "project_participations": "No stakes recorded",
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
# colour so that the legend shows it too; debt lighter, outlined.
STATUS_OPACITY = {"announced": 0.4, "committed": 0.7, "called": 1.0}
# Debt: the fill at half the status's opacity inside an outline in the full colour. (A hatch
# pattern read as well but cost plotly.js ~170 ms per draw at scale: a pattern per bar.)
DEBT_FILL = 0.5
DEBT_OUTLINE = 1.5  # px
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


def _page_empty(chart: str) -> dict:
    """The common empty figure, saying what is not recorded rather than "for these filters"."""
    fig = _empty(chart)
    fig["layout"]["annotations"][0]["text"] = PAGE_EMPTY_TEXT[chart]
    return fig


def _date_range(days: list[str]) -> list[str]:
    """An x range with room around the sorted ISO dates: a twelfth of their span either side,
    45 days at least (one date alone would otherwise make plotly.js zoom to the hour). A
    cumulative step line runs on, flat, to its right end."""
    first, last = dt.date.fromisoformat(days[0]), dt.date.fromisoformat(days[-1])
    pad = max(dt.timedelta(days=45), (last - first) / 12)
    return [(first - pad).isoformat(), (last + pad).isoformat()]


def partner_commitments(data: ChartData) -> dict:
    """One partner's commitments, cumulative: equity and debt stacked in the partner's colour
    (equity solid, debt lighter and dotted), the top of the stack its total; a marker on each
    day that instrument grew. After the last commitment each band runs on, flat, to the plot's
    right edge (a tail without hover: no commitment happened there)."""
    chart = "partner_commitments"
    by_day = defaultdict(float)  # (instrument, date) -> USD
    for row in data.rows:
        if row.get("date") is None:
            continue
        by_day[row.get("instrument"), _iso(row["date"])] += _num(row.get("amount_usd"))
    if not by_day:
        return _page_empty(chart)
    days = sorted({day for _, day in by_day})
    x_range = _date_range(days)
    colour = data.extras.get("colour") or OTHER_COLOUR

    traces, tails, stacked = [], [], 0.0
    for instrument in _ordered("instrument", {instrument for instrument, _ in by_day}):
        label = _label("instrument", instrument)
        debt = instrument == "debt"
        line = {"shape": "hv", "width": 2, "color": colour, "dash": "dot" if debt else "solid"}
        fillcolor = _rgba(colour, 0.22 if debt else 0.55)
        running, y, sizes = 0.0, [], []
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
        xaxis=_axis("", type="date", hoverformat=DATE_HOVER, showgrid=False, range=x_range),
        yaxis=_axis(
            "Cumulative commitments ($bn)",
            tickprefix="$",
            ticksuffix="bn",
            rangemode="tozero",
        ),
    )
    return {"data": traces, "layout": layout}


def partner_capacity(data: ChartData) -> dict:
    """The capacity of the projects a partner takes part in: MW by stage (in the canonical
    stage order), stacked by project kind; a bar opens the dashboard for that partner, stage
    and kind."""
    chart = "partner_capacity"
    mw, projects = defaultdict(float), defaultdict(int)
    stage_totals = defaultdict(float)
    for row in data.rows:
        key = row.get("stage"), row.get("kind")
        mw[key] += _num(row.get("mw"))
        projects[key] += int(row.get("projects") or 0)
        stage_totals[key[0]] += _num(row.get("mw"))
    if not mw:
        return _page_empty(chart)
    stages = _ordered("stage", {stage for stage, _ in mw})
    kinds = _ordered("kind", {kind for _, kind in mw})
    unit, scale = _power_unit(max(stage_totals.values()))
    slug = data.extras.get("partner_slug") or ""

    traces = []
    for kind in kinds:
        x, y, customdata = [], [], []
        for stage in stages:
            if (stage, kind) not in mw:
                continue
            value = mw[stage, kind]
            x.append(_label("stage", stage))
            y.append(round(value / scale, 6))
            query = _query(kind=kind, partner=slug, stage=stage)
            customdata.append([query, power(value), _projects(projects[stage, kind])])
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
        showlegend=True,  # even for one kind: the legend says what the colour is
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


def _phase_label(row: dict) -> str:
    if row.get("phase"):
        return str(row["phase"])
    return f"Phase {row['sequence']}" if row.get("sequence") else "Phase"


def project_phases(data: ChartData) -> dict:
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
    running, points = 0.0, []  # (row, cumulative MW after it, counted)
    for row in phases:
        counted = row.get("stage") != "cancelled"
        if counted:
            running += _num(row.get("mw"))
        points.append((row, running, counted))
    stated = _num(data.extras.get("capacity_mw"))
    unit, scale = _power_unit(max(running, stated))
    days = [_iso(row["date"]) for row, _, _ in points]
    x_range = _date_range(days)
    colour = KIND_COLOURS.get(data.extras.get("kind"), BLUE)

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
    by_stage = defaultdict(list)
    for point in points:
        by_stage[point[0].get("stage")].append(point)
    for stage in _ordered("stage", set(by_stage)):
        stage_label = _label("stage", stage)
        x, y, customdata = [], [], []
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
                    "color": STAGE_COLOURS.get(stage, OTHER_COLOUR),
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
    shapes, annotations = [], []
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
        xaxis=_axis("", type="date", hoverformat=DATE_HOVER, showgrid=False, range=x_range),
        yaxis=_axis(
            f"Cumulative capacity ({unit})",
            range=[0, round(top * 1.15, 6) if top > 0 else 1],
        ),
        shapes=shapes,
        annotations=annotations,
    )
    return {"data": traces, "layout": layout}


def project_participations(data: ChartData) -> dict:
    """Stakes in a project: a horizontal bar per partner with a stake (largest on top), each in
    its partner's colour, its roles in the hover; partners without a stake are in the table
    only. A bar opens the dashboard for that partner."""
    chart = "project_participations"
    rows = [row for row in data.rows if row.get("stake_percent") is not None]
    if not rows:
        return _page_empty(chart)
    rows.sort(key=lambda row: (-_num(row["stake_percent"]), str(row.get("partner")).casefold()))
    names, x, colours, text, customdata = [], [], [], [], []
    for row in rows:
        stake = _num(row["stake_percent"])
        names.append(row.get("partner") or row.get("partner_slug") or "")
        x.append(round(stake, 4))
        colours.append(row.get("colour") or OTHER_COLOUR)
        text.append(percent(stake))
        customdata.append(
            [_query(partner=row.get("partner_slug")), row.get("roles") or "Role not recorded"]
        )
    trace = {
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
        yaxis=_axis(
            "",
            type="category",
            categoryorder="array",
            categoryarray=names[::-1],  # the largest stake on top
            showgrid=False,
        ),
    )
    return {"data": [trace], "layout": layout}


# --- Dispatch and output ---------------------------------------------------------------------

BUILDERS = {
    "commitments_by_partner": commitments_by_partner,
    "commitments_over_time": commitments_over_time,
    "capacity_pipeline": capacity_pipeline,
    "capacity_online": capacity_online,
    "energy_mix": energy_mix,
    "project_map": project_map,
    "market_context": market_context,
    "partner_commitments": partner_commitments,
    "partner_capacity": partner_capacity,
    "project_phases": project_phases,
    "project_participations": project_participations,
}


def build(data: ChartData) -> dict:
    """The figure for `data.chart`; a `KeyError` names an unknown chart."""
    try:
        builder = BUILDERS[data.chart]
    except KeyError:
        raise KeyError(f"No chart builder for {data.chart!r}") from None
    return builder(charttext.escaped(data))  # names typed by people are never plotly markup


def figure_json(fig: dict) -> str:
    """Compact JSON of a figure (what the page's data island holds)."""
    return json.dumps(fig, cls=DjangoJSONEncoder, separators=(",", ":"))
