"""The admin's import pages: PortfolioImportMixin joins the parts of the bulk import.

A portfolio admin takes it as a base and names its `resource_classes`. It is the library's
ImportMixin with the portfolio's forms (forms.py), and the preview and the confirmation run as
jobs (jobs.py): an upload starts its preview job and the page follows it (`?job=<id>`: the
progress bar, then the preview table, preview.py); the signed confirmation starts the job that
imports all or nothing and only over what its preview saw, refusing with the conflict report
(conflicts.py) otherwise. Also the template and export downloads (downloads.py). The rules are
in the package's docstring (__init__.py).
"""

import datetime as dt
import json
import uuid
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

from aipdash.jobs.models import Job, JobFile
from aipdash.jobs.views import poll_url
from aipdash.operations.imports.conflicts import ImportConflict
from aipdash.operations.imports.downloads import CONTENT_TYPES, records_file, template_xlsx
from aipdash.operations.imports.forms import (
    PortfolioConfirmImportForm,
    PortfolioImportForm,
    error_sentences,
    sign_preview,
)
from aipdash.operations.imports.jobs import (
    CONFIRM,
    NO_LONGER_WAITING,
    PREVIEW,
    file_waits,
    import_page,
    start_confirm,
    start_preview,
)
from aipdash.operations.imports.preview import Preview, row_from_json
from aipdash.operations.imports.reading import IMPORT_FORMATS


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

    def get_confirm_form_kwargs(
        self, request: HttpRequest, import_form: forms.Form | None = None
    ) -> dict[str, Any]:
        return {
            **super().get_confirm_form_kwargs(request, import_form),
            "formats": self.get_import_formats(),
            "resources": self.get_import_resource_classes(request),
            "model": self.model,
        }

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        """The upload form; a valid upload starts its preview job and shows it (?job=)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            if "job" in request.GET:
                return self._job_page(request, request.GET["job"])
            return self._render(request, {})
        form = self.create_import_form(request)
        if not form.is_valid():
            return self._render(request, {"form": form})
        upload = form.cleaned_data["import_file"]
        job = start_preview(
            user=request.user,  # type: ignore[arg-type]  # signed in: the admin's check
            model=self.model,
            params={
                "file_name": upload.name,
                "format": str(form.cleaned_data["format"]),
                "resource": str(form.cleaned_data.get("resource") or "0"),
            },
            upload=b"".join(upload.chunks()),
        )
        return HttpResponseRedirect(import_page(job))

    # The jobs: running, failed, or done ------------------------------------------------------

    def _job_page(self, request: HttpRequest, job_id: str) -> HttpResponse:
        """The import page of one of the editor's import jobs: its progress bar while it runs,
        then its preview (or its failure), or where its confirmation leads."""
        job = self._job(request, job_id)
        if not job.finished:
            return self._render(request, {"job": job, "poll": poll_url(job, reload=True)})
        if job.kind == PREVIEW.name:
            if job.state == Job.State.FAILED:
                form = self.get_import_form_class(request)(
                    self.get_import_formats(), self.get_import_resource_classes(request)
                )
                form.cleaned_data = {}  # an unbound form, shown with the job's reason
                form.add_error("import_file", job.message)
                return self._render(request, {"form": form, "finished_job": job})
            return self._render(request, self._preview_context(request, job, job))
        # A confirmation.
        if job.state == Job.State.FAILED:
            return self._render(request, {"confirm_errors": [job.message], "finished_job": job})
        result: dict[str, Any] = job.result or {}
        outcome = result.get("outcome")
        if outcome == "imported":
            messages.success(request, result["message"])
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
            )
        if outcome == "conflicts":
            source = self._job(request, job.params["file_job"], kinds=(PREVIEW.name,))
            return self._render(request, self._preview_context(request, job, source))
        return self._start_again(request, result.get("message") or job.message)

    def _job(
        self,
        request: HttpRequest,
        job_id: str,
        kinds: tuple[str, ...] = (PREVIEW.name, CONFIRM.name),
    ) -> Job:
        """One of this editor's import jobs for this model, or 404."""
        try:
            key = uuid.UUID(str(job_id))
        except ValueError:
            raise Http404("No such import.") from None
        job = Job.objects.filter(pk=key, owner_id=request.user.pk, kind__in=kinds).first()
        if job is None or job.params.get("model") != self.opts.label_lower:
            raise Http404("No such import.")
        return job

    def _preview_context(self, request: HttpRequest, job: Job, source: Job) -> dict[str, Any]:
        """The preview a job kept (preview.json) and, when it has no refused row, the signed
        confirm form for the file waiting in `source` (the preview job that holds it)."""
        data_file = JobFile.objects.filter(job_id=job.id, role=JobFile.DATA).first()
        if data_file is None:
            raise Http404("This import's preview is no longer kept.")
        data = json.loads(bytes(data_file.content))
        rows = [row_from_json(row) for row in data["rows"]]
        shown: Preview = {
            "headers": data["headers"],
            "rows": rows,
            "counts": data["counts"],
            "base_errors": data["base_errors"],
        }
        conflicts = [ImportConflict.from_json(item) for item in data.get("conflicts", [])]
        context: dict[str, Any] = {
            "preview": shown,
            "preview_total": data["total"],
            "preview_job": job,
            "preview_download": (
                reverse("jobs:result", args=[job.id])
                if JobFile.objects.filter(job_id=job.id, role=JobFile.RESULT).exists()
                else None
            ),
            "conflicts": conflicts,
            "conflict_lines": {conflict.line for conflict in conflicts},
        }
        if not shown["counts"]["refused"] and not shown["base_errors"]:
            initial = {
                "import_file_name": str(source.id),
                "original_file_name": source.params["file_name"],
                "format": source.params["format"],
                "resource": source.params.get("resource", ""),
            }
            initial["previewed"] = sign_preview(self.model, initial, data["matched"])
            context["confirm_form"] = self.get_confirm_form_class(request)(
                initial=initial, **self._confirm_form_extras(request)
            )
        return context

    def _confirm_form_extras(self, request: HttpRequest) -> dict[str, Any]:
        return {
            "formats": self.get_import_formats(),
            "resources": self.get_import_resource_classes(request),
            "model": self.model,
        }

    # The confirmation: all or nothing, only over what the preview saw ------------------------

    @method_decorator(require_POST)
    def process_import(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        """The confirmation of a preview: its signed record is checked here, then a job
        imports the file waiting in the preview's job, all or nothing and only over what the
        preview showed (jobs.py); the page follows it (?job=)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_confirm_form(request)
        if not form.is_valid():
            return self._render(request, {"confirm_errors": error_sentences(form)}, status=400)
        file_job = form.cleaned_data["import_file_name"]
        if not file_waits(request.user, file_job):  # type: ignore[arg-type]  # signed in
            return self._start_again(request, NO_LONGER_WAITING)
        job = start_confirm(
            user=request.user,  # type: ignore[arg-type]  # signed in
            model=self.model,
            params={
                "file_job": file_job,
                "file_name": form.cleaned_data["original_file_name"],
                "format": str(form.cleaned_data["format"]),
                "resource": str(form.cleaned_data.get("resource") or "0"),
            },
            matched=form.cleaned_data["matched"],
        )
        return HttpResponseRedirect(import_page(job))

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
        context["media"] = self.media + context["form"].media
        context["template_links"] = self.template_links()
        resource_class = self.get_import_resource_classes(request)[0]
        context["import_id_columns"] = resource_class._meta.import_id_fields
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context, status=status)

    def _start_again(self, request: HttpRequest, message: str) -> HttpResponseRedirect:
        messages.error(request, message)
        return HttpResponseRedirect(self._import_url())

    def _import_url(self) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")

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
