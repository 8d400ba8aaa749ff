"""The admin's import pages: PortfolioImportMixin joins the parts of the bulk import.

A portfolio admin takes it as a base and names its `resource_classes`. It is the library's
ImportMixin with the portfolio's forms (forms.py), the preview table (preview.py), the
confirmation that imports all or nothing and only over what its preview saw, refusing with
the conflict report (conflicts.py) otherwise, and the template and export downloads
(downloads.py). The rules are in the package's docstring (__init__.py).
"""

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from import_export.admin import ImportMixin
from import_export.formats.base_formats import Format
from import_export.results import Result
from import_export.tmp_storages import BaseStorage
from tablib import Dataset

from aipdash.operations.imports.conflicts import ImportConflict, conflicts_of
from aipdash.operations.imports.downloads import CONTENT_TYPES, records_file, template_xlsx
from aipdash.operations.imports.forms import (
    PREVIEWED_FIELDS,
    PortfolioConfirmImportForm,
    PortfolioImportForm,
    error_sentences,
    sign_preview,
)
from aipdash.operations.imports.preview import preview
from aipdash.operations.imports.reading import IMPORT_FORMATS, FileTooLarge


class PortfolioImportMixin(ImportMixin):
    """Bulk import for a portfolio admin: add to the bases and set `resource_classes`."""

    import_form_class = PortfolioImportForm
    confirm_form_class = PortfolioConfirmImportForm
    import_template_name = "admin/import_export/portfolio_import.html"

    # The upload and its preview -------------------------------------------------------------

    @property
    def import_formats(self) -> list[type[Format]]:
        return IMPORT_FORMATS

    def has_import_permission(self, request: HttpRequest) -> bool:
        """Importing adds and changes records: both permissions."""
        opts = self.opts
        return request.user.has_perm(
            f"{opts.app_label}.add_{opts.model_name}"
        ) and request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    def get_import_data_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def get_confirm_form_kwargs(
        self, request: HttpRequest, import_form: forms.Form | None = None
    ) -> dict[str, Any]:
        return {
            **super().get_confirm_form_kwargs(request, import_form),
            "formats": self.get_import_formats(),
            "resources": self.get_import_resource_classes(request),
            "model": self.model,
        }

    def add_data_read_fail_error_to_form(self, form: forms.Form, e: Exception) -> None:
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

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if context is not None:
            self._add_preview(request, context)
        return response

    def _add_preview(self, request: HttpRequest, context: dict[str, Any]) -> None:
        """The import page's own parts: template links, the preview of a dry run, and the
        signed record of what the preview saw for its confirm form."""
        context["template_links"] = self.template_links()
        resource_class = self.get_import_resource_classes(request)[0]
        context["import_id_columns"] = resource_class._meta.import_id_fields
        result, confirm_form = context.get("result"), context.get("confirm_form")
        if result is None:
            return
        context["preview"] = preview(result, resource_class())
        if confirm_form is not None:  # only with a result: the form confirms its preview
            confirm_form.initial["previewed"] = sign_preview(
                self.model, confirm_form.initial, result.matched
            )

    # The confirmation: all or nothing, only over what the preview saw ------------------------

    @method_decorator(require_POST)
    def process_import(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        """The confirmation: the file has waited in the cache (a day) since its preview. It is
        imported in one transaction, all or nothing, and only over what the preview showed;
        otherwise the page says why and nothing is written."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_confirm_form(request)
        if not form.is_valid():
            return self._render(request, {"confirm_errors": error_sentences(form)}, status=400)
        input_format, storage = self._waiting_file(form)
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

    def _waiting_file(self, form: PortfolioConfirmImportForm) -> tuple[Format, BaseStorage]:
        """How to read the file a confirmation names, and where it waits since its preview."""
        input_format: Format = self.get_import_formats()[int(form.cleaned_data["format"])](
            encoding=self.from_encoding
        )
        storage: BaseStorage = self.get_tmp_storage_class()(
            name=form.cleaned_data["import_file_name"],
            encoding=None if input_format.is_binary() else self.from_encoding,
            read_mode=input_format.get_read_mode(),
            **self.get_tmp_storage_class_kwargs(),
        )
        return input_format, storage

    def _preview_again(
        self,
        request: HttpRequest,
        form: PortfolioConfirmImportForm,
        dataset: Dataset,
        conflicts: list[ImportConflict],
    ) -> HttpResponse:
        """The refusal of a confirmation whose records changed since the preview: the
        changes, and the file previewed again against the records as they are now, to be
        confirmed anew (over those changes, knowingly) or dropped."""
        resource = self.choose_import_resource_class(form, request)(
            **self.get_import_resource_kwargs(request, form=form)
        )
        result: Result = resource.import_data(
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

    def get_confirm_form_initial(
        self, request: HttpRequest, import_form: forms.Form
    ) -> dict[str, Any]:
        if isinstance(import_form, PortfolioConfirmImportForm):  # previewed again
            return {name: import_form.cleaned_data[name] for name in PREVIEWED_FIELDS}
        initial: dict[str, Any] = super().get_confirm_form_initial(request, import_form)
        return initial

    def _render(
        self, request: HttpRequest, extra: dict[str, Any], status: int = 200
    ) -> TemplateResponse:
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

    def _start_again(self, request: HttpRequest, message: str) -> HttpResponseRedirect:
        messages.error(request, message)
        return HttpResponseRedirect(self._import_url())

    def _import_url(self) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")

    def process_result(self, result: Result, request: HttpRequest) -> HttpResponse:
        if result.has_errors() or result.has_validation_errors():
            refused = len(result.invalid_rows) + len(result.row_errors())
            messages.error(
                request,
                f"Nothing was imported: {refused or 'some'} row(s) were refused when the "
                "import was confirmed (the data changed since the preview). Upload the file "
                "again to see why.",
            )
            return HttpResponseRedirect(self._import_url())
        response: HttpResponse = super().process_result(result, request)
        return response

    # Export for re-import -------------------------------------------------------------------

    actions = ["export_rows_csv", "export_rows_xlsx"]

    @admin.action(description="Export selected rows as CSV (the import's columns)")
    def export_rows_csv(self, request: HttpRequest, queryset: QuerySet[Model]) -> HttpResponse:
        return self._export_rows(request, queryset, "csv")

    @admin.action(description="Export selected rows as XLSX (the import's columns)")
    def export_rows_xlsx(self, request: HttpRequest, queryset: QuerySet[Model]) -> HttpResponse:
        return self._export_rows(request, queryset, "xlsx")

    def _export_rows(
        self, request: HttpRequest, queryset: QuerySet[Model], extension: str
    ) -> HttpResponse:
        resource = self.get_import_resource_classes(request)[0]()
        name = f"aip-{self.opts.model_name}-{dt.date.today():%Y-%m-%d}.{extension}"
        response = HttpResponse(
            records_file(resource, queryset, extension), content_type=CONTENT_TYPES[extension]
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    # Template files ------------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern | URLResolver]:
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/template.<str:extension>",
                self.admin_site.admin_view(self.import_template_view),
                name="{}_{}_import_template".format(*info),
            ),
            *super().get_urls(),
        ]

    def template_links(self) -> list[tuple[str, str]]:
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_import_template"
        return [(ext.upper(), reverse(name, args=[ext])) for ext in ("csv", "xlsx")]

    def import_template_view(self, request: HttpRequest, extension: str) -> HttpResponse:
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
