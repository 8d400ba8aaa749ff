"""Reading an import file into rows, within bounds (the admin's bulk import).

One editor's upload must not hold a worker for minutes nor fill its memory. A file is read
row by row and refused as soon as it passes a bound, with a message that names the bound:

- at most `settings.IMPORT_MAX_ROWS` rows under the header. Empty rows count: openpyxl makes
  an empty row for every row number a sheet skips, so one `<row r="1000000">` is a million;
- at most `MAX_COLUMNS` columns in the header row, and an XLSX row is read only as wide as
  its header (one cell in column XFD would otherwise make every row 16,384 cells);
- an XLSX unpacks to at most `settings.IMPORT_MAX_UNCOMPRESSED_BYTES`, added up from the
  archive's directory before anything is parsed. Python's zipfile never inflates a member past
  the size the directory gives (a member holding more fails its checksum there), so a sheet
  that lies about its size is refused as unreadable instead of read on.
"""

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from typing import Any

import openpyxl
import tablib
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from import_export.formats.base_formats import CSV, XLSX
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

# The widest import file has 19 columns (projects); the rest is room for columns of the
# editor's own, which the import ignores.
MAX_COLUMNS = 100


class FileTooLarge(ValueError):
    """A file past one of the bounds: its message names the bound and what to do."""


def too_many_rows() -> FileTooLarge:
    limit = settings.IMPORT_MAX_ROWS
    return FileTooLarge(
        f"This file has more than {limit:,} rows under its header; an import takes at most "
        f"{limit:,} rows (IMPORT_MAX_ROWS). Split it into several files."
    )


def check_header(headers: Sequence[object]) -> None:
    if len(headers) > MAX_COLUMNS:
        raise FileTooLarge(
            f"This file's header row has {len(headers)} columns; an import reads at most "
            f"{MAX_COLUMNS}. Remove the columns it does not need."
        )


class BoundedCSV(CSV):
    """tablib's CSV reading (blank lines skipped, short rows padded), stopped at the row
    limit instead of reading a whole file of tiny rows into memory."""

    def create_dataset(self, in_stream: str | bytes) -> tablib.Dataset:
        headers, rows = self.read_rows(in_stream)
        return to_dataset(headers, rows)

    def read_rows(self, in_stream: str | bytes) -> tuple[list[Any], Iterator[list[Any]]]:
        """The header row, and the rows under it one at a time (an import job reads a file
        row by row: its memory does not grow with the file)."""
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8")
        reader = csv.reader(io.StringIO(in_stream, newline=""))
        headers = next(reader, [])
        check_header(headers)
        return headers, self._rows(reader, len(headers))

    def _rows(self, reader: Iterator[list[str]], width: int) -> Iterator[list[Any]]:
        limit = settings.IMPORT_MAX_ROWS
        for number, row in enumerate(reader, 1):
            if number > limit:
                raise too_many_rows()
            if row:
                if len(row) < width:
                    row += [""] * (width - len(row))
                yield row


class BoundedXLSX(XLSX):
    """The active sheet (the one the workbook was saved on) or, when that is a chart sheet,
    the first worksheet, streamed (openpyxl's read-only mode), within the bounds."""

    def create_dataset(self, in_stream: bytes) -> tablib.Dataset:
        headers, rows = self.read_rows(in_stream)
        return to_dataset(headers, rows)

    def read_rows(self, in_stream: bytes) -> tuple[list[Any], Iterator[list[Any]]]:
        """The header row, and the rows under it one at a time, streamed from the sheet."""
        limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
        with zipfile.ZipFile(io.BytesIO(in_stream)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > limit:
            raise FileTooLarge(
                f"This workbook unpacks to {filesizeformat(unpacked)}; an import reads at most "
                f"{filesizeformat(limit)} of an XLSX file once unpacked "
                "(IMPORT_MAX_UNCOMPRESSED_BYTES). Split it into several files, or import it "
                "as CSV."
            )
        book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        # A ReadOnlyWorksheet: openpyxl's stubs type every sheet with rows as a Worksheet.
        sheet: Worksheet | None = book.active
        if not isinstance(sheet, ReadOnlyWorksheet):  # a chart sheet: no rows to read
            sheet = next(iter(book.worksheets), None)
        if sheet is None:
            book.close()
            return [], iter(())  # no worksheet: "no valid data" (the admin says so)
        first = list(sheet.iter_rows(max_row=1, values_only=True))
        headers = list(first[0]) if first else []
        while headers and headers[-1] is None:
            headers.pop()
        if not headers:
            book.close()
            return [], iter(())  # "no valid data" (the admin says so)
        try:
            check_header(headers)
        except FileTooLarge:
            book.close()
            raise
        return headers, self._rows(book, sheet, len(headers))

    def _rows(self, book: openpyxl.Workbook, sheet: Worksheet, width: int) -> Iterator[list[Any]]:
        skip_blank = getattr(settings, "IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES", False)
        limit = settings.IMPORT_MAX_ROWS
        try:
            rows = sheet.iter_rows(min_row=2, max_col=width, values_only=True)
            for number, row in enumerate(rows, 1):
                if number > limit:
                    raise too_many_rows()
                values = [*row[:width], *([None] * (width - len(row)))]
                if skip_blank and all(value is None for value in values):
                    continue
                yield values
        finally:
            book.close()


def to_dataset(headers: list[Any], rows: Iterator[list[Any]]) -> tablib.Dataset:
    """A whole file as a tablib Dataset (empty when it has no header)."""
    dataset = tablib.Dataset()
    if not headers:
        return dataset
    dataset.headers = headers
    for row in rows:
        dataset.append(row)
    return dataset


# The formats an import reads, in the order of the upload form's choices; a file's extension
# names its format when the editor does not choose one.
IMPORT_FORMATS = [BoundedCSV, BoundedXLSX]
EXTENSIONS = {".csv": 0, ".xlsx": 1}  # index in IMPORT_FORMATS


def format_index(file_name: str) -> str | None:
    """The format a file's name ends in, as the upload form's choice ("0" for CSV), or None."""
    name = file_name.lower()
    extension = name[name.rfind(".") :] if "." in name else ""
    index = EXTENSIONS.get(extension)
    return None if index is None else str(index)
