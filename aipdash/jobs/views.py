"""The jobs' pages: "My jobs", a job's page, its result to download, and the progress bar's
poll.

The poll (`progress`) is asked for every second while a job runs, so it costs one small query:
its address carries the job and its owner signed (the job's page, which checked the owner,
made it), and it reads no session and no user. What it shows is the job's state, progress and
message; the result itself is downloaded only through the session, by the job's owner
(`result`: 404 for anyone else).
"""

import logging
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from aipdash.jobs.kinds import kind_of, title_of
from aipdash.jobs.models import Job, JobFile

logger = logging.getLogger("aipdash.jobs")

POLL_SALT = "aipdash.jobs.poll"
POLL_FIELDS = ("id", "owner_id", "kind", "state", "done", "total", "message")


def poll_url(job: Job, *, reload: bool = False) -> str:
    """The address a job's progress bar polls, signed for the job's owner; `reload`: the page
    reloads once the job finishes (to show what it made)."""
    token = signing.dumps([str(job.id), job.owner_id], salt=POLL_SALT)
    url = reverse("jobs:progress", args=[token])
    return f"{url}?reload=1" if reload else url


def _poll_max_age() -> int:
    days: int = settings.JOB_RESULT_DAYS
    return max(1, days) * 24 * 60 * 60


@login_not_required
@require_GET
def progress(request: HttpRequest, token: str) -> HttpResponse:
    try:
        job_id, owner_id = signing.loads(token, salt=POLL_SALT, max_age=_poll_max_age())
    except signing.BadSignature:
        raise Http404("No such job.") from None
    # Answered on its signed address, never the session: no session or user is read (the
    # request's log line names the job's owner, as the charts' fast path names its user).
    request.user = AnonymousUser()
    request.fastpath_user_id = owner_id  # type: ignore[attr-defined]
    reload = request.GET.get("reload") == "1"
    try:
        job = Job.objects.filter(pk=job_id, owner_id=owner_id).only(*POLL_FIELDS).first()
    except DatabaseError:
        # Fails soft: a database that cannot answer this second is asked again the next; the
        # bar stays as it was (the element is swapped for one that polls on).
        logger.warning("job %s: progress not read (the database did not answer)", job_id)
        return render(
            request, "jobs/progress_again.html", {"job_id": job_id, "poll": request.get_full_path()}
        )
    if job is None:
        raise Http404("No such job.")
    response = render(
        request,
        "jobs/progress.html",
        {"job": job, "poll": request.get_full_path(), "reload": reload},
    )
    if job.finished and reload:
        response["HX-Refresh"] = "true"
    return response


@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = list(
        Job.objects.filter(owner_id=request.user.pk)
        .only(*POLL_FIELDS, "created_at", "finished_at")
        .order_by("-created_at")[:100]
    )
    for job in jobs:
        job.title = title_of(job.kind)  # type: ignore[attr-defined]
    return render(
        request,
        "jobs/list.html",
        {"jobs": jobs, "keep_days": settings.JOB_RESULT_DAYS},
    )


@require_GET
def job_page(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    job = get_object_or_404(Job.objects.defer("params"), pk=job_id, owner_id=request.user.pk)
    kind = kind_of(job.kind)
    result_file = (
        JobFile.objects.filter(job_id=job.id, role=JobFile.RESULT).only("name", "size").first()
        if job.state == Job.State.DONE
        else None
    )
    return render(
        request,
        "jobs/job.html",
        {
            "job": job,
            "title": title_of(job.kind),
            "poll": poll_url(job, reload=True),
            "result_file": result_file,
            "page": kind.page(job) if kind is not None and kind.page is not None else None,
            "keep_days": settings.JOB_RESULT_DAYS,
        },
    )


@require_GET
def result(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """The job's result file, to its owner only."""
    file = get_object_or_404(
        JobFile,
        job_id=job_id,
        job__owner_id=request.user.pk,
        job__state=Job.State.DONE,
        role=JobFile.RESULT,
    )
    response = HttpResponse(bytes(file.content), content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.name}"'
    return response
