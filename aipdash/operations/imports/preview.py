"""The preview of an import: every row of a dry run, as the import page's table shows it.

A row is created, updated, unchanged or refused; a refused row carries its reasons (column:
message, a database constraint by its own message), a changed one the old → new value of each
cell. Values are shown as the file would write them (`cell_text`), so that a date read from a
workbook reads as the same date typed in a CSV file.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import TypedDict

from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Model
from import_export.results import Result, RowResult

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


def preview(result: Result, resource: PortfolioResource) -> Preview:
    """Every row of a dry run, for the preview table, and the counts for its summary."""
    import_fields = resource.get_import_fields()
    model = resource._meta.model
    labels = {f.attribute: f.column_name for f in import_fields}
    invalid = {row.number: row for row in result.invalid_rows}
    failed = dict(result.row_errors())
    rows: list[PreviewRow] = []
    for index, row_result in enumerate(result.rows, 1):
        raw = row_result.row_values or {}
        status = row_result.import_type
        reasons: list[tuple[str, str]] = []
        error_fields: set[str] = set()
        if status == RowResult.IMPORT_TYPE_INVALID and index in invalid:
            for name, problems in invalid[index].error_dict.items():
                column = "row" if name == NON_FIELD_ERRORS else labels.get(name, name)
                error_fields.add(column)
                reasons.extend((column, problem) for problem in problems)
        elif status == RowResult.IMPORT_TYPE_ERROR:
            for error in failed.get(index, row_result.errors):
                reasons.append(("row", error_message(model, error.error)))
        if row_result.instance is not None and status not in REFUSED:
            cells: list[PreviewCell] = []
            for f in import_fields:
                new = cell_text(f.export(row_result.instance))
                old = None
                if row_result.original is not None:
                    before = cell_text(f.export(row_result.original))
                    old = before if before != new else None
                cells.append(PreviewCell(new, old))
        else:
            cells = [
                PreviewCell(cell_text(raw.get(f.column_name)), error=f.column_name in error_fields)
                for f in import_fields
            ]
        rows.append(PreviewRow(index + 1, status, cells, reasons))
    counts: Counts = {
        "new": sum(r.status == RowResult.IMPORT_TYPE_NEW for r in rows),
        "update": sum(r.status == RowResult.IMPORT_TYPE_UPDATE for r in rows),
        "skip": sum(r.status == RowResult.IMPORT_TYPE_SKIP for r in rows),
        "refused": sum(r.refused for r in rows),
    }
    return {
        "headers": [f.column_name for f in import_fields],
        "rows": rows,
        "counts": counts,
        "base_errors": [str(error.error) for error in result.base_errors],
    }
