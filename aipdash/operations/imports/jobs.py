"""The bulk import's two jobs: the preview of an uploaded file, and its confirmation.

The upload waits in the preview job's input file (the database: every web process and worker
reads it) until its confirmation imports it, or the job is pruned (JOB_RESULT_DAYS). Both
jobs read the file row by row and run it through the resource (running.py), reporting each
row as progress; the preview keeps what its page shows (the rows of `KeptRows`, the counts, the
records each row matched) as a JSON file of the job, and every row as a CSV to download. The
confirmation imports all or nothing with the job's commit mark in the same transaction, so a
worker killed at any point leaves either the whole import and the mark, or nothing
(aipdash/jobs/services.py then finishes the job from the mark, or runs it again).

A confirmation's result says what the admin's import page does next (admin.py): "imported"
(to the list, with the library's message), "conflicts" (the records changed since the preview,
and a new preview to confirm), "refused" or "start_again" (back to the upload, with why).
"""

import json
import uuid
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Model
from django.urls import reverse
from import_export.formats.base_formats import Format
from import_export.signals import post_import

from aipdash.jobs.context import JobContext, JobFailed
from aipdash.jobs.kinds import JobKind, register
from aipdash.jobs.models import Job, JobFile
from aipdash.jobs.services import start_job
from aipdash.operations.imports.conflicts import ImportConflict
from aipdash.operations.imports.preview import PreviewRow, row_to_json
from aipdash.operations.imports.reading import FileTooLarge
from aipdash.operations.imports.running import ImportRun, PreviewCsv, run_import
from projects.resources import PortfolioResource

NO_DATA = "No valid data to import. Ensure your file has the correct headers or data for import."
NO_LONGER_WAITING = (
    "The uploaded file is no longer waiting for its confirmation: upload it again. "
    "Nothing was imported."
)


def import_admin(label: str) -> tuple[Any, type[Model]]:
    """The model (by its label, "projects.project") and its admin, which names the formats
    and the resources."""
    model = apps.get_model(label)
    return admin.site.get_model_admin(model), model


def import_page(job: Job) -> str:
    """The admin's import page showing this job."""
    model = apps.get_model(job.params["model"])
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_import")
    return f"{url}?job={job.id}"


def _format(model_admin: Any, index: str) -> Format:
    fmt: Format = model_admin.get_import_formats()[int(index)](encoding=model_admin.from_encoding)
    return fmt


def _resource(model_admin: Any, index: str) -> PortfolioResource:
    classes = model_admin.get_import_resource_classes(None)
    resource: PortfolioResource = classes[int(index or 0)]()
    return resource


def _read(fmt: Format, content: bytes) -> tuple[list[Any], Iterator[list[Any]]]:
    data: bytes | str = content
    if not fmt.is_binary():
        data = content.decode(fmt.encoding or "utf-8-sig")
    headers, rows = fmt.read_rows(data)  # reading.py's formats
    return headers, rows


def _count(ctx: JobContext, fmt: Format, content: bytes) -> tuple[list[Any], int]:
    """The file's header and its number of rows, read once within the bounds: the progress
    bar's total, and the file refused with words (a job failure) before anything is run."""
    ctx.progress(0, None, "Reading the file")
    try:
        headers, rows = _read(fmt, content)
        total = 0
        for total, _row in enumerate(rows, 1):
            if total % 1000 == 0:
                ctx.progress(0, None, f"Reading the file: {total:,} rows")
    except FileTooLarge as error:
        raise JobFailed(str(error)) from None
    except Exception as error:  # any reader's failure: an unreadable file
        kind = fmt.get_title().upper()
        raise JobFailed(
            f"This file could not be read as {kind} ({type(error).__name__}). Check that it is "
            f"a whole {kind} file."
        ) from None
    if not headers or not total:
        raise JobFailed(NO_DATA)
    return headers, total


def _pass(
    ctx: JobContext,
    *,
    model_admin: Any,
    params: dict[str, Any],
    content: bytes,
    dry_run: bool,
    previewed: list[Any] | None = None,
    csv_file: PreviewCsv | None = None,
) -> ImportRun:
    fmt = _format(model_admin, params["format"])
    headers, total = _count(ctx, fmt, content)
    verb = "Checking" if dry_run else "Importing"
    ctx.progress(0, total, f"{verb} {total:,} rows")

    def report(done: int) -> None:
        ctx.progress(done, total, f"{verb} row {done:,} of {total:,}")

    user = ctx.owner()
    _headers, rows = _read(fmt, content)
    return run_import(
        resource=_resource(model_admin, params.get("resource", "0")),
        headers=headers,
        rows=rows,
        dry_run=dry_run,
        file_name=params["file_name"],
        user=user,
        previewed=previewed,
        report=report,
        on_row=csv_file.add if csv_file is not None else None,
        commit_mark=(lambda run: ctx.commit(_imported(run, params))) if not dry_run else None,
    )


def _keep_preview(ctx: JobContext, run: ImportRun, conflicts: list[ImportConflict]) -> None:
    rows: list[PreviewRow] = run.kept.rows()
    data = {
        "headers": run.headers,
        "rows": [row_to_json(row) for row in rows],
        "counts": run.counts,
        "base_errors": run.base_errors,
        "matched": run.matched,
        "total": run.rows,
        "conflicts": [conflict.as_json() for conflict in conflicts],
    }
    ctx.save_file(JobFile.DATA, "preview.json", json.dumps(data).encode(), "application/json")


def _summary(run: ImportRun) -> str:
    counts = run.counts
    return (
        f"{run.rows:,} row{'s' if run.rows != 1 else ''}: {counts['new']} to create, "
        f"{counts['update']} to update, {counts['skip']} unchanged, {counts['refused']} refused."
    )


def run_preview(ctx: JobContext) -> dict[str, Any]:
    params = ctx.params
    model_admin, _model = import_admin(params["model"])
    upload = ctx.read_file(JobFile.INPUT)
    if upload is None:
        raise JobFailed(NO_LONGER_WAITING)
    content = bytes(upload.content)
    resource = _resource(model_admin, params.get("resource", "0"))
    csv_file = PreviewCsv([f.column_name for f in resource.get_import_fields()])
    run = _pass(
        ctx,
        model_admin=model_admin,
        params=params,
        content=content,
        dry_run=True,
        csv_file=csv_file,
    )
    _keep_preview(ctx, run, [])
    stem = PurePath(params["file_name"]).stem or "import"
    ctx.save_file(JobFile.RESULT, f"{stem}-preview.csv", csv_file.content(), "text/csv")
    ctx.summary = _summary(run)
    return {"outcome": "preview", "counts": dict(run.counts), "rows": run.rows}


def _imported(run: ImportRun, params: dict[str, Any]) -> dict[str, Any]:
    _admin, model = import_admin(params["model"])
    totals = run.totals
    message = (
        f"Import finished: {totals.get('new', 0)} new, {totals.get('update', 0)} updated, "
        f"{totals.get('delete', 0)} deleted and {totals.get('skip', 0)} skipped "
        f"{model._meta.verbose_name_plural}."
    )
    return {"outcome": "imported", "totals": totals, "message": message}


def run_confirm(ctx: JobContext) -> dict[str, Any]:
    params = ctx.params
    model_admin, model = import_admin(params["model"])
    upload = ctx.read_file(JobFile.INPUT, job_id=params["file_job"])
    if upload is None:
        ctx.summary = NO_LONGER_WAITING
        return {"outcome": "start_again", "message": NO_LONGER_WAITING}
    content = bytes(upload.content)
    try:
        run = _pass(
            ctx,
            model_admin=model_admin,
            params=params,
            content=content,
            dry_run=False,
            previewed=params["matched"],
        )
    except JobFailed as error:  # the bounds were lowered since the preview
        message = f"Nothing was imported. {error}"
        ctx.summary = message
        return {"outcome": "start_again", "message": message}
    if run.conflicts:
        again = _pass(ctx, model_admin=model_admin, params=params, content=content, dry_run=True)
        _keep_preview(ctx, again, run.conflicts)
        many = len(run.conflicts)
        ctx.summary = (
            f"Nothing was imported: {many} record{'s' if many != 1 else ''} in the file "
            f"{'were' if many != 1 else 'was'} changed by someone else after the preview."
        )
        return {"outcome": "conflicts", "counts": dict(again.counts)}
    if not run.committed:
        refused = run.refused
        message = (
            f"Nothing was imported: {refused or 'some'} row(s) were refused when the import was "
            "confirmed (the data changed since the preview). Upload the file again to see why."
        )
        ctx.summary = message
        return {"outcome": "refused", "message": message}
    JobFile.objects.filter(job_id=params["file_job"], role=JobFile.INPUT).delete()
    post_import.send(sender=None, model=model)
    result = _imported(run, params)
    ctx.summary = result["message"]
    return result


PREVIEW = register(
    JobKind(name="import.preview", title="Import preview", run=run_preview, page=import_page)
)
CONFIRM = register(
    JobKind(
        name="import.confirm",
        title="Import",
        run=run_confirm,
        page=import_page,
        lost_message=(
            "The worker running this import stopped before it finished (it was killed or "
            "crashed), and again when it was run once more. Nothing was imported: an import "
            "is written in one transaction. Confirm it again."
        ),
    )
)


def start_preview(
    *, user: AbstractBaseUser, model: type[Model], params: dict[str, Any], upload: bytes
) -> Job:
    """The preview job of an upload (the file waits in it for its confirmation)."""
    return start_job(
        owner=user,
        kind=PREVIEW,
        params={"model": model._meta.label_lower, **params},
        files=[(JobFile.INPUT, params["file_name"], upload, "application/octet-stream")],
    )


def start_confirm(
    *, user: AbstractBaseUser, model: type[Model], params: dict[str, Any], matched: list[Any]
) -> Job:
    """The confirmation of the preview whose job holds the file (params["file_job"])."""
    return start_job(
        owner=user,
        kind=CONFIRM,
        params={"model": model._meta.label_lower, **params, "matched": matched},
    )


def file_waits(user: AbstractBaseUser, job_id: str) -> bool:
    """The upload of the preview job `job_id` (its owner's) still waits for a confirmation."""
    try:
        key = uuid.UUID(job_id)
    except ValueError:
        return False
    return JobFile.objects.filter(job_id=key, job__owner_id=user.pk, role=JobFile.INPUT).exists()
