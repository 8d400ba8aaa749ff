"""The dashboard's data as files: a chart's rows as CSV, the whole view as an Excel workbook.

Both read the same cached rows as the page (`blocks.chart`) and the same headline, so a file
never disagrees with what the reader sees; the workbook itself is built by `charts.xlsx`. The
share views (aipdash/sharing/views.py) answer their links' files with `csv_response` and
`workbook_response`.
"""

import csv
import datetime as dt
from collections.abc import Iterator

from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.urls import reverse

from aipdash.charts import xlsx
from aipdash.charts.card import header, plain
from aipdash.charts.data import LABELS, ChartData, Column
from aipdash.core import csvsafe
from aipdash.dashboard import blocks, selectors
from aipdash.dashboard.filters import DashboardFilters
from aipdash.dashboard.pages import address, chart_name, filtered_view


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(data: ChartData) -> Iterator[str]:
    """The chart's rows as CSV lines: plain numbers (USD, MW, TWh as in the header)."""
    writer = csv.writer(_Echo())
    yield writer.writerow([header(c) for c in data.columns])
    for row in data.rows:
        yield writer.writerow([_csv_value(c, row.get(c.key)) for c in data.columns])


def _csv_value(column: Column, value: object) -> object:
    """Numbers stay numbers (full USD, MW, TWh); codes become their labels, as in the table."""
    if value is None:
        return ""
    if column.key in LABELS:
        return plain(column, value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return csvsafe.neutralise(value)  # never a formula when opened in a spreadsheet


def csv_filename(data: ChartData, filters: DashboardFilters) -> str:
    suffix = "-filtered" if not filters.is_default else ""
    return f"aip-{data.chart.replace('_', '-')}{suffix}-{dt.date.today():%Y-%m-%d}.csv"


def csv_response(data: ChartData, filters: DashboardFilters) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(data), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{csv_filename(data, filters)}"'
    return response


def workbook_response(
    filters: DashboardFilters, *, view: str, address: str, shared: bool
) -> FileResponse:
    """Every chart of the view, its headline and sources as a workbook, streamed."""
    charts = [blocks.chart(name, filters).data for name in blocks.CHART_NAMES]
    file = xlsx.workbook_file(
        charts,
        headline=selectors.headline_figures(blocks.headline(filters)),
        view=view,
        address=address,
        described=blocks.describe(filters),
        scenario=(filters.applied.name, filters.applied.lines) if filters.applied else None,
    )
    return FileResponse(
        file,
        as_attachment=True,
        filename=xlsx.filename(shared=shared, filtered=not filters.is_default),
        content_type=xlsx.CONTENT_TYPE,
    )


@filtered_view
def chart_csv(request: HttpRequest, filters: DashboardFilters, chart: str) -> StreamingHttpResponse:
    """A chart's data as CSV, streamed; the same rows as its table, for the same filters."""
    return csv_response(blocks.chart(chart_name(chart), filters).data, filters)


@filtered_view
def dashboard_xlsx(request: HttpRequest, filters: DashboardFilters) -> FileResponse:
    """Every chart of the dashboard, for the filters of the query string, as a workbook."""
    here = request.build_absolute_uri(address(reverse("dashboard"), filters.canonical()))
    return workbook_response(filters, view="Portfolio dashboard", address=here, shared=False)
