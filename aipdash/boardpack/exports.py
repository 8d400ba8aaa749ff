"""The large exports as a job: a chart's CSV, or the whole view's Excel workbook, of more rows
than EXPORT_JOB_ROWS (smaller ones download at once: aipdash/dashboard/exports.py). The job
makes the same file as the direct download, for the same view (pack.py resolves it, a shared
link's scope included), and keeps it for its owner to download.
"""

from typing import Any

from django.utils import timezone

from aipdash.boardpack.pack import PackView, ViewUnavailable, resolve
from aipdash.charts import xlsx
from aipdash.dashboard import blocks
from aipdash.dashboard import exports as files
from aipdash.jobs.context import JobContext, JobFailed
from aipdash.jobs.kinds import JobKind, register
from aipdash.jobs.models import JobFile

KIND_NAME = "export"
FORMATS = {"csv": "CSV", "xlsx": "Excel workbook"}


def _run(ctx: JobContext) -> dict[str, Any]:
    params = ctx.params
    link = params.get("link")
    view = PackView(
        query=params.get("query", ""), link_id=link, reader_id=None if link else ctx.job.owner_id
    )
    try:
        resolved = resolve(view)
    except ViewUnavailable as error:
        raise JobFailed(str(error)) from None
    filters = resolved.filters
    if params.get("format") == "csv":
        chart = params.get("chart", "")
        if chart not in blocks.CHART_NAMES:
            raise JobFailed(f"No chart “{chart}”.")
        ctx.progress(0, 2, "Reading the rows")
        data = blocks.chart(chart, filters).data
        ctx.progress(1, 2, f"Writing {len(data.rows):,} rows")
        content = "".join(files.csv_lines(data)).encode()
        name, kind, rows = files.csv_filename(data, filters), "text/csv", len(data.rows)
    else:
        ctx.progress(0, 2, "Reading the rows")
        rows = files.workbook_rows(filters)
        ctx.progress(1, 2, f"Writing {rows:,} rows")
        view_name = (
            f"Shared view: {resolved.title}" if resolved.link is not None else resolved.title
        )
        with files.workbook_file(
            filters, view=view_name, address=params.get("address", "")
        ) as file:
            content = file.read()
        shared, filtered = resolved.link is not None, not filters.is_default
        name, kind = xlsx.filename(shared=shared, filtered=filtered), xlsx.CONTENT_TYPE
    ctx.save_file(JobFile.RESULT, name, content, kind)
    ctx.summary = f"Your file is ready: {rows:,} rows, {len(content) // 1024:,} KB."
    return {"rows": rows, "bytes": len(content), "made_at": timezone.now().isoformat()}


EXPORT = register(
    JobKind(name=KIND_NAME, title="Export (large file)", run=_run, retry_when_lost=True)
)
