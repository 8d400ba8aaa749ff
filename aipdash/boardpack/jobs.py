"""The board pack's job: its kind (registered at app start) and starting one.

A pack is made for a view (its query string, and the shared link's id for a shared view): the
job's parameters. The dashboard's pack belongs to the user who asked; a shared view's to the
link's maker (its viewers have no account), and its page and PDF are reached through the link
(views.py). Asking again for the same view while its pack is queued or running gives that job,
not another; a shared link may have at most BOARDPACK_PER_LINK packs under way.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from aipdash.boardpack.pack import PackView, ViewUnavailable
from aipdash.boardpack.render import STEPS, PackFailed, make_pack
from aipdash.jobs.context import JobContext, JobFailed
from aipdash.jobs.kinds import JobKind, register
from aipdash.jobs.models import Job, JobFile
from aipdash.jobs.services import start_job

KIND_NAME = "boardpack"
PDF = "application/pdf"


class TooManyPacks(Exception):
    """A shared link already has BOARDPACK_PER_LINK packs (or large exports) under way."""


def view_of(job: Job) -> PackView:
    params: dict[str, Any] = job.params
    link = params.get("link")
    return PackView(
        query=params.get("query", ""), link_id=link, reader_id=None if link else job.owner_id
    )


def filename(job: Job, made_at: Any) -> str:
    suffix = "-shared" if job.params.get("link") else ""
    suffix += "-filtered" if job.params.get("query") else ""
    return f"aip-board-pack{suffix}-{made_at:%Y-%m-%d}.pdf"


def _run(ctx: JobContext) -> dict[str, Any]:
    view = view_of(ctx.job)
    made_by = ctx.params.get("made_by") or "AIP Dashboard"
    made_at = timezone.now()

    def report(step: int, words: str) -> None:
        ctx.progress(step, STEPS, words)

    try:
        made = make_pack(view, made_by=made_by, made_at=made_at, progress=report)
    except (ViewUnavailable, PackFailed) as error:
        raise JobFailed(str(error)) from None
    report(4, "Saving the PDF")
    name = filename(ctx.job, timezone.localtime(made_at))
    ctx.save_file(JobFile.RESULT, name, made.pdf, PDF)
    t = made.timings
    ctx.summary = f"Your board pack is ready ({len(made.pdf) // 1024} KB, made in {t.total:.1f} s)."
    return {
        "bytes": len(made.pdf),
        "seconds": {
            "html": round(t.html, 3),
            "browser": round(t.browser, 3),
            "load": round(t.load, 3),
            "print": round(t.print, 3),
        },
    }


BOARD_PACK = register(
    JobKind(
        name=KIND_NAME,
        title="Board pack (PDF)",
        run=_run,
        retry_when_lost=True,  # it writes nothing until its PDF: running it again is safe
    )
)


def start_pack(*, owner: AbstractBaseUser, view: PackView, made_by: str) -> Job:
    """The job making `view`'s pack for `owner` (start_for_view)."""
    return start_for_view(
        owner=owner, kind=BOARD_PACK, view=view, params={"query": view.query, "made_by": made_by}
    )


# The kinds made for a view through a shared link (the pack, the large exports): a link's jobs
# under way are counted together against BOARDPACK_PER_LINK.
VIEW_KINDS = {KIND_NAME, "export"}


def start_for_view(
    *, owner: AbstractBaseUser, kind: JobKind, view: PackView, params: dict[str, Any]
) -> Job:
    """A job of `kind` for `view`: the one of `owner` under way with the same parameters, or a
    new one (TooManyPacks when the view's shared link has too many under way)."""
    params = {**params, "query": view.query}
    if view.link_id is not None:
        params["link"] = view.link_id
    under_way = Job.objects.filter(
        kind__in=VIEW_KINDS, owner_id=owner.pk, state__in=(Job.State.QUEUED, Job.State.RUNNING)
    ).only("id", "kind", "params", "owner_id", "state")
    for job in under_way:
        if job.kind == kind.name and job.params == params:
            return job
    if view.link_id is not None:
        for_link = [job for job in under_way if job.params.get("link") == view.link_id]
        if len(for_link) >= settings.BOARDPACK_PER_LINK:
            raise TooManyPacks(view.link_id)
    return start_job(owner=owner, kind=kind, params=params)
