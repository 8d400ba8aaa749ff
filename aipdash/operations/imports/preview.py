"""The preview of an import: every row of a dry run, as the import page's table shows it.

A row is created, updated, unchanged or refused; a refused row carries its reasons (column:
message, a database constraint by its own message), a changed one the old → new value of each
cell. Values are shown as the file would write them (`cell_text`), so that a date read from a
workbook reads as the same date typed in a CSV file.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypedDict

from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Model
from import_export.results import InvalidRow, Result, RowResult

from projects.resources import PortfolioResource

STATUS_LABELS = {
    RowResult.IMPORT_TYPE_NEW: "Create",
    RowResult.IMPORT_TYPE_UPDATE: "Update",
    RowResult.IMPORT_TYPE_SKIP: "Unchanged",
    RowResult.IMPORT_TYPE_INVALID: "Refused",
    RowResult.IMPORT_TYPE_ERROR: "Refused",
    RowResult.IMPORT_TYPE_DELETE: "Delete",
}
REFUSED = (RowResult.IMPORT_TYPE_INVALID, RowResult.IMPORT_TYPE_ERROR)


@dataclass
class PreviewCell:
    value: str
    old: str | None = None  # the saved value, when the row changes it
    error: bool = False

    @property
    def changed(self) -> bool:
        return self.old is not None


@dataclass
class PreviewRow:
    number: int  # the row's line in the file (the header is line 1)
    status: str  # new, update, skip, invalid, error
    cells: list[PreviewCell]
    reasons: list[tuple[str, str]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def refused(self) -> bool:
        return self.status in REFUSED


class Counts(TypedDict):
    """How many rows of a preview each outcome has (the summary above the table)."""

    new: int
    update: int
    skip: int
    refused: int


class Preview(TypedDict):
    """What the import page shows of a dry run (the template's `preview`)."""

    headers: list[str]
    rows: list[PreviewRow]
    counts: Counts
    base_errors: list[str]


def cell_text(value: object) -> str:
    """A cell's value as text: a date without its midnight, a whole number without ".0"."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def error_message(model: type[Model], error: object) -> str:
    """A row's database error for people: a constraint by its own message."""
    text = str(error)
    for constraint in sorted(model._meta.constraints, key=lambda c: -len(c.name)):
        if constraint.name in text:
            return str(constraint.get_violation_error_message())
    return text or error.__class__.__name__


class RowContext:
    """What turning a row's result into a preview row needs from its resource, read once."""

    def __init__(self, resource: PortfolioResource) -> None:
        self.import_fields = resource.get_import_fields()
        self.model: type[Model] = resource._meta.model
        self.labels = {f.attribute: f.column_name for f in self.import_fields}
        self.headers = [f.column_name for f in self.import_fields]


def preview_row(number: int, row_result: RowResult, context: RowContext) -> PreviewRow:
    """Row `number` of the file (the first under the header is 1) as the preview shows it."""
    raw = row_result.row_values or {}
    status = row_result.import_type
    reasons: list[tuple[str, str]] = []
    error_fields: set[str] = set()
    if status == RowResult.IMPORT_TYPE_INVALID and row_result.validation_error is not None:
        invalid = InvalidRow(number, row_result.validation_error, raw)
        for name, problems in invalid.error_dict.items():
            column = "row" if name == NON_FIELD_ERRORS else context.labels.get(name, name)
            error_fields.add(column)
            reasons.extend((column, problem) for problem in problems)
    elif status == RowResult.IMPORT_TYPE_ERROR:
        for error in row_result.errors:
            reasons.append(("row", error_message(context.model, error.error)))
    if row_result.instance is not None and status not in REFUSED:
        cells: list[PreviewCell] = []
        for f in context.import_fields:
            new = cell_text(f.export(row_result.instance))
            old = None
            if row_result.original is not None:
                before = cell_text(f.export(row_result.original))
                old = before if before != new else None
            cells.append(PreviewCell(new, old))
    else:
        cells = [
            PreviewCell(cell_text(raw.get(f.column_name)), error=f.column_name in error_fields)
            for f in context.import_fields
        ]
    return PreviewRow(number + 1, status, cells, reasons)


def count_rows(rows: Iterable[PreviewRow]) -> Counts:
    counts: Counts = {"new": 0, "update": 0, "skip": 0, "refused": 0}
    for row in rows:
        add_to_counts(counts, row.status)
    return counts


def add_to_counts(counts: Counts, status: str) -> None:
    if status in REFUSED:
        counts["refused"] += 1
    elif status in ("new", "update", "skip"):
        counts[status] += 1  # type: ignore[literal-required]


def preview(result: Result, resource: PortfolioResource) -> Preview:
    """Every row of a dry run, for the preview table, and the counts for its summary."""
    context = RowContext(resource)
    rows = [preview_row(index, row, context) for index, row in enumerate(result.rows, 1)]
    return {
        "headers": context.headers,
        "rows": rows,
        "counts": count_rows(rows),
        "base_errors": [str(error.error) for error in result.base_errors],
    }


# The preview as a job keeps it (JSON), and reads it back for the page -----------------------


def row_to_json(row: PreviewRow) -> list[object]:
    cells = [
        [cell.value, cell.old]
        if cell.changed
        else ([cell.value, None, True] if cell.error else [cell.value])
        for cell in row.cells
    ]
    return [row.number, row.status, cells, [list(reason) for reason in row.reasons]]


def row_from_json(data: list[Any]) -> PreviewRow:
    number, status, cells, reasons = data
    return PreviewRow(
        number,
        status,
        [
            PreviewCell(
                cell[0], cell[1] if len(cell) > 1 else None, len(cell) > 2 and bool(cell[2])
            )
            for cell in cells
        ],
        [(column, message) for column, message in reasons],
    )
