"""Bulk import in the admin: upload a CSV or XLSX file, see what each row would do, confirm.

Built on django-import-export's ImportMixin, with the portfolio's rules:

- the preview lists every row of the file, row by row: created, updated, unchanged or refused,
  with the reasons of each refusal (field: message) and the old → new value of each change;
- all or nothing: one refused row and the confirm button is not offered, and the confirming
  request imports again in one transaction that rolls back on any refused row (the file may
  have become invalid since its preview: a partner deleted meanwhile, say);
- files up to settings.IMPORT_MAX_UPLOAD_BYTES; the format is read from the file's extension
  when the editor does not choose it;
- a template file per kind (CSV and XLSX: the header row and one example row);
- no inline script or style (the CSP is strict): our own template, no HTML diff from the
  library, no format-guessing script.

The resources (projects/resources.py) do the checking, the history rows and the change reason.
"""

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.results import RowResult
from import_export.tmp_storages import CacheStorage

STATUS_LABELS = {
    RowResult.IMPORT_TYPE_NEW: "Create",
    RowResult.IMPORT_TYPE_UPDATE: "Update",
    RowResult.IMPORT_TYPE_SKIP: "Unchanged",
    RowResult.IMPORT_TYPE_INVALID: "Refused",
    RowResult.IMPORT_TYPE_ERROR: "Refused",
    RowResult.IMPORT_TYPE_DELETE: "Delete",
}
IMPORT_FORMATS = [CSV, XLSX]
EXTENSIONS = {".csv": 0, ".xlsx": 1}  # index in IMPORT_FORMATS


class PortfolioImportForm(ImportForm):
    """The library's form, with a size limit and the format taken from the file's name."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        limit = filesizeformat(settings.IMPORT_MAX_UPLOAD_BYTES)
        self.fields["import_file"].help_text = f"A CSV or XLSX file of at most {limit}."
        fmt = self.fields["format"]
        fmt.required = False
        fmt.choices = [("", "From the file's extension"), *fmt.choices[1:]]
        fmt.widget.attrs.pop("class", None)
        self.fields["import_file"].widget.attrs.pop("class", None)

    @property
    def media(self):
        return forms.Media()  # no format-guessing script: the server reads the extension

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"This file is {filesizeformat(upload.size)}; an import takes at most "
                f"{filesizeformat(limit)}. Split it into several files."
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is not None and not cleaned.get("format"):
            name = upload.name.lower()
            extension = name[name.rfind(".") :] if "." in name else ""
            if extension in EXTENSIONS:
                cleaned["format"] = str(EXTENSIONS[extension])
            else:
                self.add_error(
                    "format", "Choose the file's format: its name ends in neither .csv nor .xlsx."
                )
        return cleaned


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
        return self.status in (RowResult.IMPORT_TYPE_INVALID, RowResult.IMPORT_TYPE_ERROR)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def error_message(model, error) -> str:
    """A row's database error for people: a constraint by its own message."""
    text = str(error)
    for constraint in sorted(model._meta.constraints, key=lambda c: -len(c.name)):
        if constraint.name in text:
            return str(constraint.get_violation_error_message())
    return text or error.__class__.__name__


def preview(result, resource) -> dict:
    """Every row of a dry run, for the preview table, and the counts for its summary."""
    import_fields = resource.get_import_fields()
    model = resource._meta.model
    labels = {f.attribute: f.column_name for f in import_fields}
    invalid = {row.number: row for row in result.invalid_rows}
    failed = dict(result.row_errors())
    rows = []
    for index, row_result in enumerate(result.rows, 1):
        raw = row_result.row_values or {}
        status = row_result.import_type
        reasons = []
        error_fields = set()
        if status == RowResult.IMPORT_TYPE_INVALID and index in invalid:
            for name, problems in invalid[index].error_dict.items():
                column = "row" if name == NON_FIELD_ERRORS else labels.get(name, name)
                error_fields.add(column)
                reasons.extend((column, problem) for problem in problems)
        elif status == RowResult.IMPORT_TYPE_ERROR:
            for error in failed.get(index, row_result.errors):
                reasons.append(("row", error_message(model, error.error)))
        if row_result.instance is not None and status not in (
            RowResult.IMPORT_TYPE_INVALID,
            RowResult.IMPORT_TYPE_ERROR,
        ):
            cells = []
            for f in import_fields:
                new = _text(f.export(row_result.instance))
                old = None
                if row_result.original is not None:
                    before = _text(f.export(row_result.original))
                    old = before if before != new else None
                cells.append(PreviewCell(new, old))
        else:
            cells = [
                PreviewCell(_text(raw.get(f.column_name)), error=f.column_name in error_fields)
                for f in import_fields
            ]
        rows.append(PreviewRow(index + 1, status, cells, reasons))
    counts = {
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


class PortfolioImportMixin(ImportMixin):
    """Bulk import for a portfolio admin: add to the bases and set `resource_classes`."""

    import_form_class = PortfolioImportForm
    confirm_form_class = ConfirmImportForm
    import_template_name = "admin/import_export/portfolio_import.html"

    @property
    def import_formats(self):
        return IMPORT_FORMATS

    def has_import_permission(self, request):
        """Importing adds and changes records: both permissions."""
        opts = self.opts
        return request.user.has_perm(
            f"{opts.app_label}.add_{opts.model_name}"
        ) and request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if context is not None:
            context["template_links"] = self.template_links()
            resource_class = self.get_import_resource_classes(request)[0]
            context["import_id_columns"] = resource_class._meta.import_id_fields
            result = context.get("result")
            if result is not None:
                context["preview"] = preview(result, resource_class())
        return response

    def process_import(self, request, **kwargs):
        """The confirmation: the file waits in the cache between preview and confirm (a day);
        if it has gone (expired, evicted), say so instead of failing."""
        if request.method == "POST" and self.has_import_permission(request):
            form = self.create_confirm_form(request)
            if form.is_valid():
                storage_class = self.get_tmp_storage_class()
                if issubclass(storage_class, CacheStorage):
                    key = storage_class.CACHE_PREFIX + form.cleaned_data["import_file_name"]
                    if cache.get(key) is None:
                        messages.error(
                            request,
                            "The uploaded file is no longer waiting for its confirmation: "
                            "upload it again. Nothing was imported.",
                        )
                        return HttpResponseRedirect(self._import_url())
        return super().process_import(request, **kwargs)

    def _import_url(self):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            refused = len(result.invalid_rows) + len(result.row_errors())
            messages.error(
                request,
                f"Nothing was imported: {refused or 'some'} row(s) were refused when the "
                "import was confirmed (the data changed since the preview). Upload the file "
                "again to see why.",
            )
            return HttpResponseRedirect(self._import_url())
        return super().process_result(result, request)

    # Export for re-import -------------------------------------------------------------------

    actions = ["export_rows_csv", "export_rows_xlsx"]

    @admin.action(description="Export selected rows as CSV (the import's columns)")
    def export_rows_csv(self, request, queryset):
        return self._export_rows(request, queryset, "csv")

    @admin.action(description="Export selected rows as XLSX (the import's columns)")
    def export_rows_xlsx(self, request, queryset):
        return self._export_rows(request, queryset, "xlsx")

    def _export_rows(self, request, queryset, extension):
        resource = self.get_import_resource_classes(request)[0]()
        name = f"aip-{self.opts.model_name}-{dt.date.today():%Y-%m-%d}.{extension}"
        response = HttpResponse(
            records_file(resource, queryset, extension), content_type=CONTENT_TYPES[extension]
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    # Template files ------------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/template.<str:extension>",
                self.admin_site.admin_view(self.import_template_view),
                name="{}_{}_import_template".format(*info),
            ),
            *super().get_urls(),
        ]

    def template_links(self):
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_import_template"
        return [(ext.upper(), reverse(name, args=[ext])) for ext in ("csv", "xlsx")]

    def import_template_view(self, request, extension):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if extension not in ("csv", "xlsx"):
            raise Http404("Templates are CSV or XLSX.")
        resource_class = self.get_import_resource_classes(request)[0]
        dataset = resource_class.template_dataset()
        name = f"aip-{self.opts.model_name}-import-template.{extension}"
        if extension == "csv":
            response = HttpResponse(dataset.export("csv"), content_type="text/csv")
        else:
            response = HttpResponse(
                template_xlsx(resource_class(), dataset), content_type=CONTENT_TYPES["xlsx"]
            )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def records_file(resource, queryset, extension):
    """Records in the import's own columns, so that the file imports back as it is: CSV text
    or XLSX bytes. Every value is written exactly (a text that begins with "=" is a text cell
    in the workbook, never a formula)."""
    dataset = resource.export(queryset)
    if extension == "csv":
        return dataset.export("csv")
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(resource._meta.model._meta.verbose_name_plural[:31])
    sheet.append(list(dataset.headers))
    for row in dataset:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_xlsx(resource, dataset) -> bytes:
    """The template as a workbook: numbers as numbers, dates as dates, the example row
    marked in a note."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    from projects.resources import IsoDateWidget, StrictDecimalWidget

    workbook = Workbook()
    sheet = workbook.active
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
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
