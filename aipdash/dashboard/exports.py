"""The dashboard's data as files: a chart's rows as CSV, the whole view as an Excel workbook.

Both read the same cached rows as the page (`blocks.chart`) and the same headline, so a file
never disagrees with what the reader sees; the workbook itself is built by `charts.xlsx`. The
share views (aipdash/sharing/views.py) answer their links' files with `csv_response` and
`workbook_response`.
"""

import csv
import datetime as dt
from collections.abc import Iterator
from typing import IO

from django.conf import settings
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
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


def too_large(rows: int) -> bool:
    """A file of more rows than EXPORT_JOB_ROWS is made by a job (the board pack's exports,
    aipdash/boardpack/exports.py), not in the request."""
    limit: int = settings.EXPORT_JOB_ROWS
    return rows > limit


def workbook_rows(filters: DashboardFilters) -> int:
    return sum(len(blocks.chart(name, filters).data.rows) for name in blocks.CHART_NAMES)


def workbook_file(filters: DashboardFilters, *, view: str, address: str) -> IO[bytes]:
    """Every chart of the view, its headline and sources as a workbook (a temporary file)."""
    charts = [blocks.chart(name, filters).data for name in blocks.CHART_NAMES]
    return xlsx.workbook_file(
        charts,
        headline=selectors.headline_figures(blocks.headline(filters)),
        view=view,
        address=address,
        described=blocks.describe(filters),
        scenario=(filters.applied.name, filters.applied.lines) if filters.applied else None,
    )


def to_job(path: str, query: str) -> HttpResponseRedirect:
    """A file too large to make in the request: to the page that makes it by a job (under the
    view's base path, the dashboard's or a shared link's: `<base>exports/...`)."""
    return HttpResponseRedirect(address(path, query))


def workbook_response(
    filters: DashboardFilters, *, view: str, address: str, shared: bool
) -> FileResponse:
    """Every chart of the view, its headline and sources as a workbook, streamed."""
    file = workbook_file(filters, view=view, address=address)
    return FileResponse(
        file,
        as_attachment=True,
        filename=xlsx.filename(shared=shared, filtered=not filters.is_default),
        content_type=xlsx.CONTENT_TYPE,
    )


@filtered_view
def chart_csv(
    request: HttpRequest, filters: DashboardFilters, chart: str
) -> StreamingHttpResponse | HttpResponseRedirect:
    """A chart's data as CSV, streamed; the same rows as its table, for the same filters. A
    large one is made by a job (its page first)."""
    data = blocks.chart(chart_name(chart), filters).data
    if too_large(len(data.rows)):
        return to_job(f"{reverse('dashboard')}exports/csv/{chart}/", filters.canonical())
    return csv_response(data, filters)


@filtered_view
def dashboard_xlsx(
    request: HttpRequest, filters: DashboardFilters
) -> FileResponse | HttpResponseRedirect:
    """Every chart of the dashboard, for the filters of the query string, as a workbook."""
    if too_large(workbook_rows(filters)):
        return to_job(f"{reverse('dashboard')}exports/xlsx/", filters.canonical())
    here = request.build_absolute_uri(address(reverse("dashboard"), filters.canonical()))
    return workbook_response(filters, view="Portfolio dashboard", address=here, shared=False)
