"""Bulk import in the admin: upload a CSV or XLSX file, see what each row would do, confirm.

Built on django-import-export's ImportMixin, with the portfolio's rules:

- the preview lists every row of the file, row by row: created, updated, unchanged or refused,
  with the reasons of each refusal (field: message) and the old → new value of each change;
- all or nothing: one refused row and the confirm button is not offered, and the confirming
  request imports again in one transaction that rolls back on any refused row (the file may
  have become invalid since its preview: a partner deleted meanwhile, say);
- a confirmation writes only over what its preview showed: the preview notes each row's
  saved record and its version (or that there was none), signed into the confirm form; a row
  whose record was changed, created or deleted since refuses the whole confirmation, which
  names the records, who and when, and previews the file again;
- files up to settings.IMPORT_MAX_UPLOAD_BYTES, read within the row and size bounds of
  importfiles.py; the format is read from the file's extension when the editor does
  not choose it; a confirm form whose hidden fields were tampered with is refused (400);
- a template file per kind (CSV and XLSX: the header row and one example row);
- no inline script or style (the CSP is strict): our own template, no HTML diff from the
  library, no format-guessing script.

The resources (projects/resources.py) do the checking, the history rows and the change reason.

Over 500 lines for now: the admin's import view, its preview table and the signed
confirmation that refuses stale rows belong together; the preview and the conflict report are
the next to move out (issue 14 is open for it).
"""

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.text import capfirst
from django.views.decorators.http import require_POST
from import_export.admin import ImportMixin
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.results import RowResult
from import_export.tmp_storages import CacheStorage

from aipdash.operations.importfiles import BoundedCSV, BoundedXLSX, FileTooLarge
from aipdash.records import locking
from projects.resources import ChangedSincePreview

STATUS_LABELS = {
    RowResult.IMPORT_TYPE_NEW: "Create",
    RowResult.IMPORT_TYPE_UPDATE: "Update",
    RowResult.IMPORT_TYPE_SKIP: "Unchanged",
    RowResult.IMPORT_TYPE_INVALID: "Refused",
    RowResult.IMPORT_TYPE_ERROR: "Refused",
    RowResult.IMPORT_TYPE_DELETE: "Delete",
}
IMPORT_FORMATS = [BoundedCSV, BoundedXLSX]
EXTENSIONS = {".csv": 0, ".xlsx": 1}  # index in IMPORT_FORMATS
# What the confirm form carries from its preview, signed: the waiting file and how to read it.
PREVIEWED_FIELDS = ("import_file_name", "original_file_name", "format", "resource")


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


def preview_salt(model) -> str:
    """A preview's signature holds for one kind of record only."""
    return f"aipdash.import.preview:{model._meta.label_lower}"


def sign_preview(model, fields, matched) -> str:
    """What a confirmation may write over: the preview's `PREVIEWED_FIELDS` and, row by row,
    the saved record each row matched (PortfolioResource.match), signed so that no one can
    turn a stale version into a current one."""
    payload = {name: fields[name] for name in PREVIEWED_FIELDS} | {"matched": matched}
    return signing.dumps(payload, salt=preview_salt(model), compress=True)


class PortfolioConfirmImportForm(ConfirmImportForm):
    """The confirmation of a preview: the waiting file, how to read it (hidden fields the
    editor does not change) and what the preview saw (`previewed`, signed). Any of them
    tampered with is an error of this form; nothing is imported then."""

    format = forms.ChoiceField(widget=forms.HiddenInput)
    resource = forms.ChoiceField(widget=forms.HiddenInput, required=False)
    previewed = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, formats, resources, model, **kwargs):
        super().__init__(*args, **kwargs)
        self.model = model
        choices = {
            "format": [(str(i), f().get_title()) for i, f in enumerate(formats)],
            "resource": [("", "")] + [(str(i), r.__name__) for i, r in enumerate(resources)],
        }
        for name, field_choices in choices.items():
            self.fields[name].choices = field_choices
            self.fields[name].error_messages["invalid_choice"] = (
                f"The {name} “%(value)s” is not one this import offers."
            )
        self.fields["previewed"].error_messages["required"] = (
            "The confirmation does not say what its preview saw."
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            previewed = signing.loads(
                cleaned["previewed"],
                salt=preview_salt(self.model),
                max_age=CacheStorage.CACHE_LIFETIME,
            )
        except signing.SignatureExpired:
            raise ValidationError("The preview is over a day old.") from None
        except signing.BadSignature:
            raise ValidationError("The confirmation does not come from a preview.") from None
        if any(previewed.get(name) != cleaned.get(name) for name in PREVIEWED_FIELDS):
            raise ValidationError("The confirmation does not match its preview.")
        cleaned["matched"] = previewed["matched"]
        return cleaned


@dataclass
class ImportConflict:
    """A record that someone changed, created or deleted between a preview and its
    confirmation: what the refusal says about it."""

    line: int  # the row's line in the file
    record: str  # the record, for people ("project “Lakeside Campus”")
    what: str  # what happened, by whom and when
    changes: list[str] = field(default_factory=list)  # each field: before → after, the file's

    @classmethod
    def of(cls, error):
        """From a row's error at the confirmation: a ChangedSincePreview, or a StaleEditError
        (the record changed between the confirmation's check and its save)."""
        line, row = error.number + 1, error.row or {}
        if isinstance(error.error, locking.StaleEditError):
            return cls._changed(error.error.model, line, row, error.error.conflict)
        model, previewed = error.error.model, error.error.previewed
        if previewed is not None:
            return cls._changed(model, line, row, locking.conflict(model, *previewed))
        key = error.error.now[0]  # previewed as a create, and the record exists now
        since = locking.conflict(model, key, 0)
        creator, *others = since.changed_by or ["someone else"]
        then = f", then changed by {', '.join(others)}" if others else ""
        when = f" (last on {locking.moment(since.changed_at)})" if since.changed_at else ""
        return cls(
            line=line,
            record=_record_name(model, key),
            what=f"did not exist when you previewed: it was created by {creator}{then}{when}. "
            "Your row would now change it instead of creating it.",
        )

    @classmethod
    def _changed(cls, model, line, row, conflict):
        who = ", ".join(conflict.changed_by) or "someone else"
        when = f" on {locking.moment(conflict.changed_at)}" if conflict.changed_at else ""
        if conflict.deleted:
            what = f"was deleted by {who}{when}, after your preview. Your row would add it again."
        else:
            what = (
                f"was changed by {who}{when}, after your preview (version "
                f"{conflict.loaded_version}, now {conflict.current_version}):"
            )
        changes = []
        for change in conflict.changes:
            text = capfirst(str(change))
            if change.field in row:  # the columns are named after the fields
                typed = _text(row[change.field])
                text += f" (your file has {typed})" if typed else " (your file has it empty)"
            changes.append(text)
        return cls(line=line, record=_record_name(model, conflict.pk), what=what, changes=changes)


def _record_name(model, key) -> str:
    """The record as it is now, or as its history last knew it (a deleted one)."""
    record = model._base_manager.filter(pk=key).first()
    if record is None and hasattr(model, "history"):
        last = model.history.filter(id=key).order_by("-history_date").first()
        record = last.instance if last is not None else None
    name = model._meta.verbose_name
    return f"{name} “{record}”" if record is not None else f"{name} #{key}"


def _messages_of(form) -> list[str]:
    """A form's errors as sentences (its fields are hidden: the field's name adds nothing)."""
    return [str(message) for errors in form.errors.values() for message in errors]


def conflicts_of(result) -> list[ImportConflict]:
    """The rows a confirmation refused because their records changed since the preview."""
    return [
        ImportConflict.of(error)
        for _number, errors in result.row_errors()
        for error in errors
        if isinstance(error.error, (ChangedSincePreview, locking.StaleEditError))
    ]


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
    confirm_form_class = PortfolioConfirmImportForm
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

    def get_confirm_form_kwargs(self, request, import_form=None):
        return {
            **super().get_confirm_form_kwargs(request, import_form),
            "formats": self.get_import_formats(),
            "resources": self.get_import_resource_classes(request),
            "model": self.model,
        }

    def add_data_read_fail_error_to_form(self, form, e):
        """A file past a bound, or one that is not what its format says (a damaged archive, a
        sheet whose data is larger than its archive claims): the message says which."""
        if isinstance(e, FileTooLarge):
            form.add_error("import_file", str(e))
            return
        kind = self.get_import_formats()[int(form.cleaned_data["format"])]().get_title().upper()
        form.add_error(
            "import_file",
            f"This file could not be read as {kind} ({type(e).__name__}). Check that it is "
            f"a whole {kind} file.",
        )

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if context is not None:
            self._add_preview(request, context)
        return response

    def _add_preview(self, request, context):
        """The import page's own parts: template links, the preview of a dry run, and the
        signed record of what the preview saw for its confirm form."""
        context["template_links"] = self.template_links()
        resource_class = self.get_import_resource_classes(request)[0]
        context["import_id_columns"] = resource_class._meta.import_id_fields
        result, confirm_form = context.get("result"), context.get("confirm_form")
        if result is not None:
            context["preview"] = preview(result, resource_class())
        if confirm_form is not None:
            confirm_form.initial["previewed"] = sign_preview(
                self.model, confirm_form.initial, result.matched
            )

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """The confirmation: the file has waited in the cache (a day) since its preview. It is
        imported in one transaction, all or nothing, and only over what the preview showed;
        otherwise the page says why and nothing is written."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_confirm_form(request)
        if not form.is_valid():
            return self._render(request, {"confirm_errors": _messages_of(form)}, status=400)
        input_format = self.get_import_formats()[int(form.cleaned_data["format"])](
            encoding=self.from_encoding
        )
        storage = self.get_tmp_storage_class()(
            name=form.cleaned_data["import_file_name"],
            encoding=None if input_format.is_binary() else self.from_encoding,
            read_mode=input_format.get_read_mode(),
            **self.get_tmp_storage_class_kwargs(),
        )
        data = storage.read()
        if data is None:  # expired or evicted
            return self._start_again(
                request,
                "The uploaded file is no longer waiting for its confirmation: upload it "
                "again. Nothing was imported.",
            )
        try:
            dataset = input_format.create_dataset(data)
        except FileTooLarge as error:  # the bounds were lowered since the preview
            storage.remove()
            return self._start_again(request, f"Nothing was imported. {error}")
        result = self.process_dataset(
            dataset, form, request, previewed=form.cleaned_data["matched"], **kwargs
        )
        conflicts = conflicts_of(result)
        if conflicts:
            return self._preview_again(request, form, dataset, conflicts)
        storage.remove()
        return self.process_result(result, request)

    def _preview_again(self, request, form, dataset, conflicts):
        """The refusal of a confirmation whose records changed since the preview: the
        changes, and the file previewed again against the records as they are now, to be
        confirmed anew (over those changes, knowingly) or dropped."""
        resource = self.choose_import_resource_class(form, request)(
            **self.get_import_resource_kwargs(request, form=form)
        )
        result = resource.import_data(
            dataset,
            dry_run=True,
            raise_errors=False,
            file_name=form.cleaned_data["original_file_name"],
            user=request.user,
            **self.get_import_data_kwargs(request=request, form=form),
        )
        confirm_form = None
        if not result.has_errors() and not result.has_validation_errors():
            confirm_form = self.create_confirm_form(request, import_form=form)
        context = {
            "conflicts": conflicts,
            "conflict_lines": {conflict.line for conflict in conflicts},
            "result": result,
            "confirm_form": confirm_form,
        }
        return self._render(request, context)

    def get_confirm_form_initial(self, request, import_form):
        if isinstance(import_form, PortfolioConfirmImportForm):  # previewed again
            return {name: import_form.cleaned_data[name] for name in PREVIEWED_FIELDS}
        return super().get_confirm_form_initial(request, import_form)

    def _render(self, request, extra, status=200):
        """The import page (upload form, preview) with `extra` in its context."""
        context = {
            **self.admin_site.each_context(request),
            **self.get_import_context_data(),
            "title": "Import",
            "opts": self.opts,
            "form": self.get_import_form_class(request)(
                self.get_import_formats(), self.get_import_resource_classes(request)
            ),
            **extra,
        }
        self._add_preview(request, context)
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context, status=status)

    def _start_again(self, request, message):
        messages.error(request, message)
        return HttpResponseRedirect(self._import_url())

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
