"""An import file is read within bounds: at most IMPORT_MAX_ROWS rows, an XLSX at most
IMPORT_MAX_UNCOMPRESSED_BYTES once unpacked, at most MAX_COLUMNS columns. A file past a bound
is refused before it is read to its end, with a message that names the bound; nothing is
written. The hostile files are built here, in memory."""

import io
import struct
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aipdash.operations.imports.reading import MAX_COLUMNS
from projects.models import Project

from .conftest import HEADER, confirm_data, csv_file, project_row, run_jobs

pytestmark = pytest.mark.django_db

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "xl/worksheets/sheet1.xml"


def form_errors(response):
    assert response.status_code == 200
    assert "confirm_form" not in response.context or not response.context["confirm_form"]
    return response.context["form"].errors["import_file"]


def workbook(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_sheet(valid, chunks):
    """The workbook `valid` with its sheet's XML replaced by `chunks` (bytes, streamed into
    the archive so that a large sheet never sits in memory whole)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(valid)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for item in source.infolist():
            if item.filename == SHEET:
                with target.open(SHEET, "w", force_zip64=True) as sheet:
                    for chunk in chunks:
                        sheet.write(chunk)
            else:
                target.writestr(item, source.read(item.filename))
    return out.getvalue()


def cells(row_number, values):
    inline = "".join(
        f'<c r="{chr(65 + i)}{row_number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values)
    )
    return f'<row r="{row_number}">{inline}</row>'


def sheet_xml(*rows, filler=(), close=True):
    """A worksheet without its <dimension> tag: `rows` (XML text), then `filler` chunks."""
    yield (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheetData>" + "".join(rows)
    ).encode()
    yield from filler
    if close:
        yield b"</sheetData></worksheet>"


def xlsx_upload(content, name="projects.xlsx"):
    return SimpleUploadedFile(name, content, content_type=XLSX_TYPE)


def test_a_csv_over_the_row_limit_is_refused_naming_it(upload, settings):
    limit = settings.IMPORT_MAX_ROWS
    rows = [project_row(slug=f"p-{i}") for i in range(limit + 1)]
    errors = form_errors(upload("project", csv_file("many.csv", HEADER, rows)))
    assert errors == [
        f"This file has more than {limit:,} rows under its header; an import takes at most "
        f"{limit:,} rows (IMPORT_MAX_ROWS). Split it into several files."
    ]
    assert not Project.objects.exists()


def test_a_file_at_the_row_limit_is_imported(upload, confirm, settings):
    settings.IMPORT_MAX_ROWS = 3
    rows = [project_row(slug=f"p-{i}") for i in range(3)]
    preview = upload("project", csv_file("three.csv", HEADER, rows))
    assert preview.context["preview"]["counts"]["new"] == 3
    assert confirm("project", preview).status_code == 302
    assert Project.objects.count() == 3


def test_an_xlsx_over_the_row_limit_is_refused_naming_it(upload, settings):
    settings.IMPORT_MAX_ROWS = 5
    content = workbook([HEADER, *(project_row(slug=f"p-{i}") for i in range(6))])
    errors = form_errors(upload("project", xlsx_upload(content)))
    assert "more than 5 rows" in errors[0] and "IMPORT_MAX_ROWS" in errors[0]
    assert not Project.objects.exists()


def test_a_sheet_that_jumps_to_its_millionth_row_is_refused_quickly(upload):
    """openpyxl fills the rows a sheet skips with empty ones: one tiny <row r="1000000">
    would be a million rows. Empty rows count."""
    valid = workbook([HEADER])
    content = with_sheet(
        valid, sheet_xml(cells(1, HEADER), cells(2, project_row()), cells(1_000_000, ["x"]))
    )
    assert len(content) < 10_000
    errors = form_errors(upload("project", xlsx_upload(content)))
    assert "IMPORT_MAX_ROWS" in errors[0]


def test_a_zip_bomb_sheet_is_refused_before_it_is_read(upload, settings):
    """The sheet's XML is larger than the limit but compresses to a few kilobytes: refused
    from the archive's directory, before a byte of it is parsed."""
    limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    filler = b"<row/>" * (1024 * 1024 // 6)  # a megabyte of rows with nothing in them
    megabytes = limit // len(filler) + 1
    valid = workbook([HEADER])
    content = with_sheet(valid, sheet_xml(cells(1, HEADER), filler=[filler] * megabytes))
    assert len(content) < settings.IMPORT_MAX_UPLOAD_BYTES // 100
    errors = form_errors(upload("project", xlsx_upload(content)))
    limit_text = f"{limit // (1024 * 1024)}.0\xa0MB"
    assert "IMPORT_MAX_UNCOMPRESSED_BYTES" in errors[0] and limit_text in errors[0]
    assert not Project.objects.exists()


def test_a_sheet_that_lies_about_its_size_is_not_read_past_it(upload, settings):
    """An archive whose directory claims a small sheet but whose data inflates to far more:
    reading stops at the claimed size (the check fails), the file is refused as unreadable."""
    valid = workbook([HEADER])
    honest = with_sheet(
        valid,
        sheet_xml(cells(1, HEADER), filler=[b"<row/>" * 1_000_000]),
    )
    with zipfile.ZipFile(io.BytesIO(honest)) as archive:
        real = archive.getinfo(SHEET).file_size
    assert real > 1_000_000
    content = _claim_size(honest, SHEET, 2_000)
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 100_000  # the claim passes, the truth would not
    errors = form_errors(upload("project", xlsx_upload(content)))
    assert "could not be read" in errors[0]
    assert not Project.objects.exists()


def _claim_size(content, name, size):
    """Rewrite the uncompressed size that the archive claims for member `name`, in its local
    header and in the central directory (a zip64 header keeps it in its extra field)."""
    data = bytearray(content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        local = archive.getinfo(name).header_offset
    _patch_size(data, local, size_at=22, lengths_at=26, fixed=30, size=size)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46 : central + 46 + name_length]) == name.encode():
            _patch_size(data, central, size_at=24, lengths_at=28, fixed=46, size=size)
            return bytes(data)
        central = data.find(b"PK\x01\x02", central + 4)
    raise AssertionError(f"{name} is not in the central directory")


def _patch_size(data, header, *, size_at, lengths_at, fixed, size):
    if struct.unpack_from("<I", data, header + size_at)[0] != 0xFFFFFFFF:
        struct.pack_into("<I", data, header + size_at, size)
        return
    name_length, extra_length = struct.unpack_from("<HH", data, header + lengths_at)
    extra = header + fixed + name_length
    end = extra + extra_length
    while extra < end:
        tag, length = struct.unpack_from("<HH", data, extra)
        if tag == 1:  # zip64: the uncompressed size comes first
            struct.pack_into("<Q", data, extra + 4, size)
            return
        extra += 4 + length
    raise AssertionError("no zip64 field")


def test_a_header_row_wider_than_the_column_limit_is_refused(upload):
    header = [*HEADER, *(f"extra_{i}" for i in range(MAX_COLUMNS))]
    errors = form_errors(upload("project", csv_file("wide.csv", header, [project_row()])))
    assert errors == [
        f"This file's header row has {len(header)} columns; an import reads at most "
        f"{MAX_COLUMNS}. Remove the columns it does not need."
    ]


def test_a_sheet_with_a_cell_in_its_last_column_is_read_to_its_header_only(upload):
    """A cell at XFD (column 16,384) under a 19-column header is not read: the row is as
    wide as the header, not 16,384 cells."""
    valid = workbook([HEADER])
    stray = '<row r="2"><c r="XFD2" t="inlineStr"><is><t>far away</t></is></c></row>'
    content = with_sheet(valid, sheet_xml(cells(1, HEADER), stray, cells(3, project_row())))
    response = upload("project", xlsx_upload(content))
    rows = response.context["preview"]["rows"]
    assert len(rows) == 2
    assert rows[1].label == "Create"
    assert len(rows[1].cells) == len(HEADER)


def test_the_confirmation_rereads_within_the_bounds(upload, editor_client, settings):
    """The bound is checked again when the waiting file is confirmed (the limit may have been
    lowered meanwhile): a message, nothing written, no error page."""
    rows = [project_row(slug=f"p-{i}") for i in range(3)]
    preview = upload("project", csv_file("three.csv", HEADER, rows))
    settings.IMPORT_MAX_ROWS = 2
    started = editor_client.post(
        reverse("admin:projects_project_process_import"), confirm_data(preview)
    )
    run_jobs()  # the confirmation's job
    response = editor_client.get(started["Location"], follow=True)
    assert response.status_code == 200
    message = next(str(m) for m in response.context["messages"])
    assert "IMPORT_MAX_ROWS" in message and "Nothing was imported" in message
    assert not Project.objects.exists()
