"""The files the import pages offer for download: a template per kind of record (the header
row and one example row) and the selected rows in the import's own columns, so that an export
imports back as it is.

A workbook holds what a person would type: numbers as numbers, dates as dates, and every text
as a text cell, never a formula (a value that begins with "=" stays text).
"""

import datetime as dt
import io
from decimal import Decimal

from django.db.models import Model, QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from tablib import Dataset

from projects.resources import IsoDateWidget, PortfolioResource, StrictDecimalWidget

CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def records_file(
    resource: PortfolioResource, queryset: QuerySet[Model], extension: str
) -> str | bytes:
    """Records in the import's own columns, so that the file imports back as it is: CSV text
    or XLSX bytes. Every value is written exactly (a text that begins with "=" is a text cell
    in the workbook, never a formula)."""
    dataset: Dataset = resource.export(queryset)
    if extension == "csv":
        text: str = dataset.export("csv")
        return text
    workbook = Workbook(write_only=True)
    sheet: WriteOnlyWorksheet = workbook.create_sheet(
        resource._meta.model._meta.verbose_name_plural[:31]
    )
    sheet.append(list(dataset.headers))
    for row in dataset:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    return _saved(workbook)


def template_xlsx(resource: PortfolioResource, dataset: Dataset) -> bytes:
    """The template as a workbook: numbers as numbers, dates as dates, the example row
    marked in a note."""
    workbook = Workbook()
    sheet = workbook.worksheets[0]  # a new workbook's one sheet (`active` may be None, by type)
    sheet.title = resource._meta.model._meta.verbose_name_plural[:31]
    fields = resource.get_export_fields()
    sheet.append(list(dataset.headers))
    row = []
    for f, value in zip(fields, dataset[0], strict=True):
        if value and isinstance(f.widget, StrictDecimalWidget):
            value = Decimal(value)
        elif value and isinstance(f.widget, IsoDateWidget):
            value = dt.date.fromisoformat(value)
        row.append(value)
    sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell, f in zip(sheet[2], fields, strict=True):
        if isinstance(f.widget, IsoDateWidget):
            cell.number_format = "yyyy-mm-dd"
    sheet["A2"].comment = Comment(
        "Example row: replace it with your data or delete it. It is refused on import.", "AIP"
    )
    return _saved(workbook)


def _saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
