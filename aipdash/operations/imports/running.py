"""Running an import file through its resource row by row, in one transaction, as a job does.

The library's `import_data` keeps every row's result (the record, its copy before, the row's
values) until the end: at 20,000 rows that is hundreds of megabytes. Here each row's result is
turned at once into what the page needs (a preview row, a conflict, a count, the admin log's
entry) and dropped, so memory stays flat whatever the file's length; the rows themselves come
one at a time from the file (reading.py). The rest is the library's own import, row by row:
`import_row` in a savepoint of its own (a row's database error refuses that row and the rest
go on), all rows in one transaction that is rolled back for a preview, on any refused row, or
on a conflict with what the preview saw (conflicts.py); only a clean confirmation commits, with
its admin log and the job's commit mark in the same transaction.
"""

import csv
import io
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Model
from import_export.results import RowResult
from tablib import Dataset

from aipdash.operations.imports.conflicts import ImportConflict
from aipdash.operations.imports.preview import (
    REFUSED,
    Counts,
    PreviewRow,
    RowContext,
    add_to_counts,
    preview_row,
)
from aipdash.records import locking
from projects.resources import ChangedSincePreview, PortfolioResource

LOG_FLAGS = {
    RowResult.IMPORT_TYPE_NEW: ADDITION,
    RowResult.IMPORT_TYPE_UPDATE: CHANGE,
    RowResult.IMPORT_TYPE_DELETE: DELETION,
}
LOG_BATCH = 500  # admin log entries written at once
REPORT_EVERY = 25  # rows between two progress reports (a report is cheap: see JobContext)


class KeptRows:
    """The rows the preview page shows: every row of a file of at most IMPORT_PREVIEW_ROWS,
    otherwise that many, refused rows first, then changed ones, then the rest, in the file's
    order. Memory: at most three times the limit, whatever the file's length."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = settings.IMPORT_PREVIEW_ROWS if limit is None else limit
        self.refused: list[PreviewRow] = []
        self.changed: list[PreviewRow] = []
        self.other: list[PreviewRow] = []

    def add(self, row: PreviewRow) -> None:
        if row.refused:
            bucket = self.refused
        elif row.status == RowResult.IMPORT_TYPE_UPDATE:
            bucket = self.changed
        else:
            bucket = self.other
        if len(bucket) < self.limit:
            bucket.append(row)

    def rows(self) -> list[PreviewRow]:
        kept: list[PreviewRow] = []
        for bucket in (self.refused, self.changed, self.other):
            kept.extend(bucket[: self.limit - len(kept)])
        return sorted(kept, key=lambda row: row.number)


@dataclass
class ImportRun:
    """What one pass over a file found: the preview's counts and rows, the file's errors,
    the records each row matched, the conflicts with a preview, the rows written by kind."""

    headers: list[str]
    counts: Counts = field(default_factory=lambda: Counts(new=0, update=0, skip=0, refused=0))
    totals: dict[str, int] = field(default_factory=dict)  # the library's import types
    base_errors: list[str] = field(default_factory=list)
    matched: list[Any] = field(default_factory=list)
    conflicts: list[ImportConflict] = field(default_factory=list)
    kept: KeptRows = field(default_factory=KeptRows)
    rows: int = 0
    committed: bool = False

    @property
    def refused(self) -> int:
        return self.counts["refused"]

    @property
    def clean(self) -> bool:
        return not self.refused and not self.base_errors


class PreviewCsv:
    """Every row of a preview as CSV, written as the rows come (the job's download): the line,
    the action, why a row is refused, then each column (a change as "old → new")."""

    def __init__(self, headers: list[str]) -> None:
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer)
        self.writer.writerow(["line", "action", "why refused", *headers])

    def add(self, row: PreviewRow) -> None:
        reasons = "; ".join(f"{column}: {message}" for column, message in row.reasons)
        cells = [
            f"{cell.old or '(empty)'} → {cell.value or '(empty)'}" if cell.changed else cell.value
            for cell in row.cells
        ]
        self.writer.writerow([row.number, row.label, reasons, *cells])

    def content(self) -> bytes:
        return self.buffer.getvalue().encode("utf-8-sig")  # a spreadsheet reads it as UTF-8


def run_import(
    *,
    resource: PortfolioResource,
    headers: list[Any],
    rows: Iterable[list[Any]],
    dry_run: bool,
    file_name: str,
    user: AbstractBaseUser,
    previewed: list[Any] | None = None,
    report: Callable[[int], None] = lambda done: None,
    on_row: Callable[[PreviewRow], None] | None = None,
    commit_mark: Callable[[ImportRun], None] | None = None,
) -> ImportRun:
    """One pass over the file's rows (see the module's docstring). `previewed`: the records
    the preview saw, row by row (a confirmation); `on_row`: each preview row as it is made;
    `commit_mark`: called inside the transaction of a confirmation that commits."""
    context = RowContext(resource)
    run = ImportRun(headers=context.headers)
    log: dict[int, list[Model]] = {}
    with transaction.atomic():
        head = Dataset(headers=headers)
        try:
            resource.before_import(head, file_name=file_name, user=user)
            resource._check_import_id_fields(headers)
        except Exception as error:  # the library's own: a file-wide error
            run.base_errors.append(str(error))
            transaction.set_rollback(True)
            return run
        loader = resource._meta.instance_loader_class(resource, head)
        for number, values in enumerate(rows, 1):
            row = OrderedDict(zip(headers, values, strict=False))
            with transaction.atomic():
                row_result = resource.import_row(
                    row,
                    loader,
                    dry_run=dry_run,
                    using_transactions=True,
                    row_number=number,
                    file_name=file_name,
                    user=user,
                    previewed=previewed,
                    retain_instance_in_row_result=True,
                )
            _take(run, number, row_result, context, on_row, log, user, dry_run)
            if number % REPORT_EVERY == 0:
                report(number)
        run.matched = [resource.matched.get(number) for number in range(1, run.rows + 1)]
        if dry_run or not run.clean or run.conflicts:
            transaction.set_rollback(True)
            return run
        _write_log(log, user)
        run.committed = True
        if commit_mark is not None:
            commit_mark(run)
    report(run.rows)
    return run


def _take(
    run: ImportRun,
    number: int,
    row_result: RowResult,
    context: RowContext,
    on_row: Callable[[PreviewRow], None] | None,
    log: dict[int, list[Model]],
    user: AbstractBaseUser,
    dry_run: bool,
) -> None:
    """One row's result into the run; the result is dropped afterwards."""
    run.rows = number
    status = row_result.import_type
    run.totals[status] = run.totals.get(status, 0) + 1
    add_to_counts(run.counts, status)
    for error in row_result.errors:
        if isinstance(error.error, (ChangedSincePreview, locking.StaleEditError)):
            run.conflicts.append(ImportConflict.of(error))
    if dry_run or on_row is not None:
        shown = preview_row(number, row_result, context)
        run.kept.add(shown)
        if on_row is not None:
            on_row(shown)
    if not dry_run and status in LOG_FLAGS and status not in REFUSED:
        batch = log.setdefault(LOG_FLAGS[status], [])
        batch.append(row_result.instance)
        if len(batch) >= LOG_BATCH:
            _write_log({LOG_FLAGS[status]: batch}, user)
            batch.clear()


def _write_log(log: dict[int, list[Model]], user: AbstractBaseUser) -> None:
    """The admin's history of the import (LogEntry), as the library writes it."""
    names = {ADDITION: "new", CHANGE: "update", DELETION: "delete"}
    for flag, instances in log.items():
        message = f"{names[flag]} through import_export"
        if len(instances) == 1:
            LogEntry.objects.log_actions(user.pk, instances, flag, message, single_object=True)
        elif instances:
            LogEntry.objects.log_actions(user.pk, instances, flag, message, single_object=False)
