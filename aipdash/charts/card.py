"""A chart as a page shows it: ONE card (rows, figure as an escaped data island, its "View data"
table) and ONE cell formatter, for the dashboard, the partner and project pages; the CSV, the
workbook and the API take the same column headers and labels from here.

Pure: a `ChartData` in, text out; no ORM and no request (the dashboard caches its cards).
"""

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import escape
from django.utils.safestring import SafeString

from aipdash.charts import alttext, notes
from aipdash.charts.build import build
from aipdash.charts.data import LABELS, ChartData, Column
from aipdash.charts.earlier import overlay
from aipdash.core.formatting import percent, power, usd

# How a number of each unit reads in a table (the figures' hover text uses the same functions).
UNIT_TEXT: dict[str, Callable[[Decimal | float | str], str]] = {
    "USD": usd,
    "MW": power,
    "TWh": lambda value: f"{value:,.0f} TWh",
    "%": percent,
}
MISSING = "—"
# What Django's json_script escapes in JSON inside a <script> element (its table is private).
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@dataclass(frozen=True)
class ChartCard:
    """What a chart card shows (dashboard/index.html#chart, includes/chart_card.html)."""

    data: ChartData
    figure_json: str  # escaped for a <script type="application/json"> island
    drawable: bool  # the figure has something to draw; otherwise the card says what is missing
    header: tuple[str, ...]
    cells: tuple[tuple[str, ...], ...]  # the first rows of the data (all unless capped)
    rows_total: int
    filename: str  # of the PNG that Plotly's toolbar downloads, without ".png"
    # The view's dated notes, for the "View data" table (charts/notes.py): time charts only.
    note_rows: tuple[dict[str, str], ...] = ()
    note_header: tuple[str, ...] = notes.HEADER

    @property
    def name(self) -> str:
        return self.data.chart

    @property
    def dom_id(self) -> str:
        return self.name.replace("_", "-")

    @property
    def rows_hidden(self) -> int:
        return max(self.rows_total - len(self.cells), 0)

    @property
    def table_rows_html(self) -> SafeString:
        """The "View data" table's rows as HTML, each cell escaped: what a template loop over
        `cells` would write, at a small part of its cost (a page has thousands of cells)."""
        if not self.cells:
            return SafeString(
                f'<tr><td colspan="{len(self.header)}">No data for these filters.</td></tr>'
            )
        return SafeString(
            "".join(
                "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
                for row in self.cells
            )
        )

    @property
    def summary(self) -> str:
        """The chart's text alternative after its title (see alttext)."""
        return alttext.summary(self.data)


def header(column: Column) -> str:
    """A column's heading with its unit: "Amount (USD)"."""
    return f"{column.label} ({column.unit})" if column.unit else column.label


def plain[Value](column: Column, value: Value) -> Value | str:
    """A value for a file (CSV, workbook, API): a code as its label, anything else unchanged."""
    if column.key in LABELS and isinstance(value, str):
        return LABELS[column.key].get(value, value)
    return value


def cell(column: Column, value: object) -> str:
    """A value for people: labels for codes, money, power, energy and shares in their units,
    dates as "5 Jan 2026", a dash when there is none."""
    if value is None or value == "":
        return MISSING
    if column.key in LABELS:
        return str(plain(column, value))
    if column.unit in UNIT_TEXT and isinstance(value, Decimal | float | int | str):
        return UNIT_TEXT[column.unit](value)
    if isinstance(value, dt.date):
        return f"{value.day} {value:%b %Y}"
    return str(value)


def card(
    data: ChartData,
    *,
    filename: str = "",
    rows_max: int | None = None,
    earlier: ChartData | None = None,
    earlier_label: str = "",
) -> ChartCard:
    """The card of `data`: its figure built and escaped, its first `rows_max` rows (all when
    None) formatted by `cell`; with `earlier` (the same chart on an earlier day), that state
    drawn over it as a lighter trace named `earlier_label` (charts/earlier.py)."""
    figure = build(data)
    if earlier is not None and data.chart != "project_map":
        figure = overlay(figure, build(earlier), earlier_label)
    text = json.dumps(figure, cls=DjangoJSONEncoder, separators=(",", ":"))
    rows = data.rows if rows_max is None else data.rows[:rows_max]
    return ChartCard(
        data=data,
        figure_json=text.translate(JSON_SCRIPT_ESCAPES),
        drawable=bool(figure["data"]),
        header=tuple(header(c) for c in data.columns),
        cells=tuple(tuple(cell(c, row.get(c.key)) for c in data.columns) for row in rows),
        rows_total=len(data.rows),
        filename=filename or f"aip-{data.chart.replace('_', '-')}",
        note_rows=notes.table_rows(data.extras.get(notes.KEY) or ()),
    )
