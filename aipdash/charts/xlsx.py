"""The dashboard view as an Excel workbook: a Filters sheet, a Headline sheet, one sheet per
chart, a Sources sheet.

Built from the same cached `ChartData` as the page, the tables and the CSV files (the
dashboard's cached cards), with their headers and labels (`card.header`, `card.plain`), and
the same cached headline as its tiles (`dashboard.headline()`, as figures by
`selectors.headline_figures()`), so the workbook never disagrees with what the
reader sees and nothing is aggregated again. Numbers are numbers with a number format (USD
`"$"#,##0`, MW `#,##0.0`, TWh `#,##0`), dates are date cells, codes are their labels, text is
text (a value that begins with "=" is a text cell, never a formula).

openpyxl's write-only mode streams each sheet's rows to disk as they are written, and the
workbook goes into an anonymous temporary file that the response streams and then deletes:
memory stays bounded whatever the number of rows (the map's sheet has a row per project).
"""

import datetime as dt
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import IO, Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from aipdash.charts.card import header, plain
from aipdash.charts.data import ChartData, Column

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

UNIT_FORMATS = {
    "USD": '"$"#,##0',
    "MW": "#,##0.0",
    "TWh": "#,##0",
    "%": '0.00"%"',
}
KEY_FORMATS = {"year": "0", "latitude": "0.00000", "longitude": "0.00000"}
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
INTEGER_FORMAT = "#,##0"
SHEET_NAME_MAX = 31
FORBIDDEN_IN_SHEET_NAMES = str.maketrans(dict.fromkeys("[]:*?/\\", " "))

# Sheet names are at most 31 characters: a short name per chart, its title otherwise.
SHEET_NAMES = {
    "commitments_by_partner": "Commitments by partner",
    "commitments_over_time": "Commitments over time",
    "capacity_pipeline": "Capacity pipeline by stage",
    "energy_mix": "Energy mix",
    "capacity_online": "Capacity coming online",
    "project_map": "Projects on the map",
    "market_context": "Market context",
    "power_balance": "Power balance",
    "capital_bridge": "Capital bridge",
}

# What a cell holds here (bool and int are numbers too; a datetime is a date).
type CellValue = str | float | Decimal | dt.date | None
# A source as the Sources sheet lists it: title, address, as-of date.
type SourceLine = tuple[str, str, dt.date | None]

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def number_format(column: Column, value: object) -> str | None:
    """The cell's format: by the column's unit, else by its key or its value's type."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, dt.datetime):
        return DATETIME_FORMAT
    if isinstance(value, dt.date):
        return DATE_FORMAT
    if not isinstance(value, (int, float)):
        return None
    if column.unit in UNIT_FORMATS:
        return UNIT_FORMATS[column.unit]
    if column.key in KEY_FORMATS:
        return KEY_FORMATS[column.key]
    return INTEGER_FORMAT if isinstance(value, int) else None


def _cell(
    sheet: WriteOnlyWorksheet,
    value: CellValue,
    *,
    fmt: str | None = None,
    font: Font | None = None,
    alignment: Alignment | None = None,
) -> Cell:
    cell = WriteOnlyCell(sheet)
    cell.value = value  # set as Cell.value (the stub of WriteOnlyCell's argument takes no date)
    if isinstance(value, str):
        cell.data_type = "s"  # exact text: "=..." is never read as a formula
    if fmt:
        cell.number_format = fmt
    if font:
        cell.font = font
    if alignment:
        cell.alignment = alignment
    return cell


def _sheet_name(title: str, used: set[str]) -> str:
    base = title.translate(FORBIDDEN_IN_SHEET_NAMES).strip()[:SHEET_NAME_MAX].strip()
    name, number = base, 2
    while name.lower() in used:
        suffix = f" ({number})"
        name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        number += 1
    used.add(name.lower())
    return name


def _widths(sheet: WriteOnlyWorksheet, widths: Iterable[int]) -> None:
    for index, width in enumerate(widths):
        letter = chr(ord("A") + index) if index < 26 else "A" + chr(ord("A") + index - 26)
        # Worksheet._setup gives a write-only sheet its column dimensions; its stub has none.
        sheet.column_dimensions[letter].width = width  # type: ignore[attr-defined]


def _table_sheet(
    workbook: Workbook, name: str, titles: list[str], widths: Iterable[int]
) -> WriteOnlyWorksheet:
    """A new sheet of rows under a bold header row that stays in view as one scrolls."""
    sheet: WriteOnlyWorksheet = workbook.create_sheet(name)
    sheet.freeze_panes = "A2"
    _widths(sheet, widths)
    sheet.append([_cell(sheet, title, font=BOLD) for title in titles])
    return sheet


def chart_sheet(workbook: Workbook, data: ChartData, used: set[str]) -> None:
    name = _sheet_name(SHEET_NAMES.get(data.chart, data.title), used)
    titles = [header(column) for column in data.columns]
    sheet = _table_sheet(workbook, name, titles, (max(12, min(40, len(t) + 4)) for t in titles))
    for row in data.rows:
        cells = []
        for column in data.columns:
            value = plain(column, row.get(column.key))
            cells.append(_cell(sheet, value, fmt=number_format(column, value)))
        sheet.append(cells)
    if not data.rows:
        sheet.append([_cell(sheet, "No data for these filters.")])


def headline_sheet(workbook: Workbook, figures: Sequence[Mapping[str, Any]]) -> None:
    """The headline's figures (selectors.headline_figures), each with what it counts: money
    committed, and apart from it the money only announced, as on the tiles."""
    titles = ["Figure", "Value", "What it counts", "As of", "Illustrative"]
    sheet = _table_sheet(workbook, "Headline", titles, (40, 18, 90, 12, 14))
    for figure in figures:
        column = Column(figure["key"], figure["label"], figure["unit"])
        value, as_of = figure["value"], figure["as_of"]
        sheet.append(
            [
                _cell(sheet, figure["label"]),
                _cell(sheet, value, fmt=number_format(column, value)),
                _cell(sheet, figure["counts"], alignment=WRAP),
                _cell(sheet, as_of, fmt=DATE_FORMAT if as_of else None),
                _cell(sheet, "illustrative" if figure["illustrative"] else ""),
            ]
        )


def chart_sources(data: ChartData) -> list[SourceLine]:
    """The chart's sources, and those of its reference lines (targets, a country's use)."""
    seen: list[SourceLine] = [(source.title, source.url, source.as_of) for source in data.sources]
    extra = [*data.extras.get("targets", ())]
    if data.extras.get("reference"):
        extra.append(data.extras["reference"])
    for item in extra:
        if item.get("source_url") or item.get("source_title"):
            seen.append((item.get("source_title", ""), item.get("source_url", ""), item["as_of"]))
    unique: list[SourceLine] = []
    for source in seen:
        if source not in unique:
            unique.append(source)
    return unique


def filters_sheet(
    workbook: Workbook,
    *,
    view: str,
    address: str,
    described: Sequence[tuple[str, str]],
    charts: Sequence[ChartData],
    generated_at: dt.datetime,
) -> None:
    sheet: WriteOnlyWorksheet = workbook.create_sheet("Filters", 0)
    _widths(sheet, (26, 90))

    def line(label: str, value: CellValue, fmt: str | None = None) -> None:
        sheet.append([_cell(sheet, label, font=BOLD), _cell(sheet, value, fmt=fmt, alignment=WRAP)])

    line("View", view)
    if address:
        line("Address", address)
    if described:
        for label, values in described:
            line(label, values)
    else:
        line("Filters", "None: the whole portfolio")
    dates = [data.as_of for data in charts if data.as_of]
    line("Figures as of", max(dates) if dates else "—", DATE_FORMAT if dates else None)
    line("Generated at (UTC)", generated_at, DATETIME_FORMAT)
    if any(data.illustrative for data in charts):
        line(
            "Illustrative data",
            "Some figures are illustrative demo data, not public fact; the Sources sheet "
            "says which charts.",
        )
    for data in charts:
        if data.note:
            line(f"Note: {data.title}", data.note)


def scenario_sheet(workbook: Workbook, name: str, lines: Sequence[tuple[str, str, str]]) -> None:
    """The scenario a view is under: each assumption, its values and where they come from."""
    titles = ["Assumption", "Value", "Where it comes from"]
    sheet = _table_sheet(workbook, "Scenario", titles, (26, 60, 90))
    sheet.append([_cell(sheet, "Scenario", font=BOLD), _cell(sheet, name), _cell(sheet, "")])
    for label, value, basis in lines:
        sheet.append(
            [
                _cell(sheet, label),
                _cell(sheet, value, alignment=WRAP),
                _cell(sheet, basis, alignment=WRAP),
            ]
        )


def sources_sheet(workbook: Workbook, charts: Sequence[ChartData]) -> None:
    titles = ["Chart", "Source", "URL", "As of", "Illustrative"]
    sheet = _table_sheet(workbook, "Sources", titles, (40, 60, 60, 12, 14))
    for data in charts:
        sources = chart_sources(data)
        for title, url, as_of in sources:
            sheet.append(
                [
                    _cell(sheet, data.title),
                    _cell(sheet, title),
                    _cell(sheet, url),
                    _cell(sheet, as_of, fmt=DATE_FORMAT if as_of else None),
                    _cell(sheet, "includes illustrative data" if data.illustrative else ""),
                ]
            )
        if not sources:
            sheet.append(
                [
                    _cell(sheet, data.title),
                    _cell(
                        sheet,
                        "Illustrative demo data, not public fact"
                        if data.illustrative
                        else "No published source on record",
                    ),
                    _cell(sheet, ""),
                    _cell(sheet, data.as_of, fmt=DATE_FORMAT if data.as_of else None),
                    _cell(sheet, "includes illustrative data" if data.illustrative else ""),
                ]
            )


def workbook_file(
    charts: Sequence[ChartData],
    *,
    headline: Sequence[Mapping[str, Any]],
    view: str,
    address: str = "",
    described: Sequence[tuple[str, str]] = (),
    scenario: tuple[str, Sequence[tuple[str, str, str]]] | None = None,
) -> IO[bytes]:
    """The workbook in an anonymous temporary file, positioned at its start: stream it, then
    close it (closing deletes it). `headline`: the headline's figures
    (selectors.headline_figures); `scenario`: (name, its assumptions' lines) for a view under
    one, written on a sheet of its own."""
    workbook = Workbook(write_only=True)
    generated_at = timezone.now().astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    filters_sheet(
        workbook,
        view=view,
        address=address,
        described=described,
        charts=charts,
        generated_at=generated_at,
    )
    headline_sheet(workbook, headline)
    used = {"filters", "headline", "sources"}
    if scenario is not None:
        scenario_sheet(workbook, *scenario)
        used.add("scenario")
    for data in charts:
        chart_sheet(workbook, data, used)
    sources_sheet(workbook, charts)
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (the response closes it)
    try:
        workbook.save(file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return file


def filename(*, shared: bool, filtered: bool) -> str:
    kind = "shared-view" if shared else "dashboard"
    suffix = "-filtered" if filtered else ""
    return f"aip-{kind}{suffix}-{dt.date.today():%Y-%m-%d}.xlsx"
