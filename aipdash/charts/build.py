"""Plotly figures from `ChartData`: `build(data)` dispatches on `data.chart` to its builder
(dashboard_figures, page_figures) and returns a plain figure dict.

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
  `catalogue.EMPTY_TEXT` ("No data for these filters"); the page charts say what is missing
  instead (`catalogue.PAGE_EMPTY_TEXT`: "No commitments recorded", ...).
- The look: system-ui fonts, transparent backgrounds, light grid lines, tight margins (axes
  use automargin), a horizontal legend, `autosize: True` (the page's container sets the size).
  No `layout.template`: plotly.js draws with its built-in defaults plus what is set here, and
  the payload stays small. Partners use their own colour from the rows; stages, project kinds,
  energy sources and the power-balance sides use the fixed Okabe–Ito palettes of `theme`, the same
  in every chart. Category orders come from `charts.data.ORDER`.
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

Dated notes: the charts with a time axis (`notes.TIME_CHARTS`) are marked with the notes of
their view (`extras["notes"]`) once drawn: a marker and a dotted line per note (charts/notes.py).
"""

import json
from collections.abc import Callable

from django.core.serializers.json import DjangoJSONEncoder

from aipdash.charts import notes
from aipdash.charts.dashboard_figures import (
    capacity_online,
    capacity_pipeline,
    capital_bridge,
    commitments_by_partner,
    commitments_over_time,
    energy_mix,
    market_context,
    power_balance,
    project_map,
)
from aipdash.charts.data import ChartData
from aipdash.charts.page_figures import (
    partner_capacity,
    partner_commitments,
    project_participations,
    project_phases,
)
from aipdash.charts.text import escaped
from aipdash.charts.theme import Figure

# --- Dispatch and output ---------------------------------------------------------------------

BUILDERS: dict[str, Callable[[ChartData], Figure]] = {
    "commitments_by_partner": commitments_by_partner,
    "commitments_over_time": commitments_over_time,
    "capacity_pipeline": capacity_pipeline,
    "capacity_online": capacity_online,
    "energy_mix": energy_mix,
    "project_map": project_map,
    "market_context": market_context,
    "power_balance": power_balance,
    "capital_bridge": capital_bridge,
    "partner_commitments": partner_commitments,
    "partner_capacity": partner_capacity,
    "project_phases": project_phases,
    "project_participations": project_participations,
}


def build(data: ChartData) -> Figure:
    """The figure for `data.chart`; a `KeyError` names an unknown chart."""
    try:
        builder = BUILDERS[data.chart]
    except KeyError:
        raise KeyError(f"No chart builder for {data.chart!r}") from None
    safe = escaped(data)  # names typed by people are never plotly markup
    figure = builder(safe)
    if data.chart in notes.TIME_CHARTS:
        figure = notes.marked(figure, safe.extras.get(notes.KEY) or ())
    return figure


def figure_json(fig: Figure) -> str:
    """Compact JSON of a figure (what the page's data island holds)."""
    return json.dumps(fig, cls=DjangoJSONEncoder, separators=(",", ":"))
