"""The board pack's pages: start a pack of the dashboard's view (then the job's own page, under
/jobs/), the print view itself in a browser, and for a shared link: start its pack, the pack's
page (progress bar, then the PDF) and the PDF, all reached through the link.

A shared view's viewer has no account: its pack is a job of the link's maker (jobs.py), and
only the link opens its page and PDF (a revoked or expired link opens nothing, its packs
included). The link's query is checked as its page checks it, and the pack is made from the
link's scope (pack.py).
"""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aipdash.boardpack import pack
from aipdash.boardpack.exports import EXPORT, FORMATS
from aipdash.boardpack.jobs import VIEW_KINDS, TooManyPacks, start_for_view, start_pack
from aipdash.boardpack.pack import PackView, ViewUnavailable
from aipdash.core.requests import AuthenticatedHttpRequest
from aipdash.dashboard import blocks, exports
from aipdash.dashboard.filters import DashboardFilters, FilterError
from aipdash.dashboard.pages import DASHBOARD_TEMPLATE, address, bad_filters, dashboard_filters
from aipdash.jobs.kinds import title_of
from aipdash.jobs.models import Job, JobFile
from aipdash.jobs.views import poll_url
from aipdash.sharing import services
from aipdash.sharing.models import ShareLink

SHARED_JOB_TEMPLATE = "boardpack/shared_job.html"
REFUSED_TEMPLATE = "boardpack/refused.html"
EXPORT_TEMPLATE = "boardpack/export.html"
TOO_MANY = (
    "This shared view is already making several files: wait for them to finish, then try again."
)


def made_by(request: AuthenticatedHttpRequest) -> str:
    return request.user.get_full_name() or request.user.get_username()


def _query(request: HttpRequest) -> str:
    return str(request.META.get("QUERY_STRING", ""))


@require_POST
def start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The dashboard's "Board pack" button: a job for the view of the query string (checked
    now, as the dashboard checks it), then its page."""
    try:
        dashboard_filters(request)
    except FilterError as error:
        return bad_filters(
            request, error.errors, DASHBOARD_TEMPLATE, base_path=reverse("dashboard")
        )
    job = start_pack(
        owner=request.user,
        view=PackView(query=_query(request), reader_id=request.user.pk),
        made_by=made_by(request),
    )
    return redirect("jobs:detail", job.id)


@require_GET
def print_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The print view the pack is printed from, in the browser (what Chromium is given)."""
    try:
        resolved = pack.resolve(PackView(query=_query(request), reader_id=request.user.pk))
    except ViewUnavailable as error:
        return render(request, REFUSED_TEMPLATE, {"reason": str(error)}, status=400)
    return render(request, pack.PACK_TEMPLATE, pack.context(resolved, made_by=made_by(request)))


# Through a shared link -----------------------------------------------------------------------


def _private[R: HttpResponseBase](response: R) -> R:
    """As every page of a shared link: never cached, no referrer, not indexed."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _link(request: HttpRequest, token: str) -> ShareLink | HttpResponse:
    try:
        return services.resolve(token)
    except services.LinkUnavailable as unavailable:
        return _private(render(request, "sharing/unavailable.html", status=unavailable.status))


def _refused(
    request: HttpRequest, link: ShareLink, token: str, reason: str, status: int
) -> HttpResponse:
    context = {"reason": reason, "shared": link, "base_path": reverse("shared", args=[token])}
    return _private(render(request, REFUSED_TEMPLATE, context, status=status))


# Not CSRF-checked, as every POST of a shared view: no cookie or session gives it any power (the
# token in its address is the whole authorisation, which a forger would need already), and the
# shared pages' no-referrer policy makes Chromium send "Origin: null", which the check refuses.
@csrf_exempt
@login_not_required
@require_POST
def shared_start(request: HttpRequest, token: str) -> HttpResponse:
    """A shared view's "Board pack" button: its pack, made from the link's scope."""
    link = _link(request, token)
    if isinstance(link, HttpResponse):
        return link
    view = PackView(query=_query(request), link_id=link.pk)
    try:
        pack.resolve(view)  # the viewer's query within the link's scope, as its page checks it
    except ViewUnavailable as error:
        return _refused(request, link, token, str(error), 400)
    if link.created_by is None:
        return _refused(
            request, link, token, "This shared view cannot make board packs any more.", 410
        )
    try:
        job = start_pack(
            owner=link.created_by, view=view, made_by=f"A viewer of the shared view “{link.label}”"
        )
    except TooManyPacks:
        return _refused(request, link, token, TOO_MANY, 429)
    return _private(redirect("boardpack:shared-job", token, job.id))


def _shared_job(link: ShareLink, job_id: str) -> Job:
    job = Job.objects.filter(pk=job_id, kind__in=VIEW_KINDS, params__link=link.pk).first()
    if job is None:
        raise Http404("No such file.")
    return job


@login_not_required
@require_GET
def shared_job(request: HttpRequest, token: str, job_id: str) -> HttpResponse:
    """A shared view's pack or large export: the progress bar, then the file."""
    link = _link(request, token)
    if isinstance(link, HttpResponse):
        return link
    job = _shared_job(link, job_id)
    result = (
        JobFile.objects.filter(job_id=job.id, role=JobFile.RESULT).only("name", "size").first()
        if job.state == Job.State.DONE
        else None
    )
    context = {
        "job": job,
        "shared": link,
        "base_path": reverse("shared", args=[token]),
        "poll": poll_url(job, reload=True),
        "result_file": result,
        "title": title_of(job.kind),
        "download": reverse("boardpack:shared-file", args=[token, job.id]),
    }
    return _private(render(request, SHARED_JOB_TEMPLATE, context))


@login_not_required
@require_GET
def shared_file(request: HttpRequest, token: str, job_id: str) -> HttpResponseBase:
    link = _link(request, token)
    if isinstance(link, HttpResponse):
        return link
    job = _shared_job(link, job_id)
    file = JobFile.objects.filter(
        job_id=job.id, role=JobFile.RESULT, job__state=Job.State.DONE
    ).first()
    if file is None:
        raise Http404("This file is not ready.")
    response = HttpResponse(bytes(file.content), content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.name}"'
    return _private(response)


# The large exports --------------------------------------------------------------------------


def _export_context(fmt: str, chart: str | None, filters: DashboardFilters) -> dict[str, object]:
    if fmt not in FORMATS or (fmt == "csv") != (chart is not None):
        raise Http404("No such export.")
    if chart is not None and chart not in blocks.CHART_NAMES:
        raise Http404("No such chart.")
    if chart is None:
        rows, title = exports.workbook_rows(filters), "All charts"
    else:
        data = blocks.chart(chart, filters).data
        rows, title = len(data.rows), data.title
    return {"format": FORMATS[fmt], "chart_title": title, "rows": f"{rows:,}"}


def _export_params(fmt: str, chart: str | None, address: str = "") -> dict[str, object]:
    return {"format": fmt, "chart": chart or "", "address": address}


@require_http_methods(["GET", "POST"])
def export(request: AuthenticatedHttpRequest, fmt: str, chart: str | None = None) -> HttpResponse:
    """A file too large to make in a request: what it is (GET), then its job (POST)."""
    try:
        filters = dashboard_filters(request)
    except FilterError as error:
        return bad_filters(
            request, error.errors, DASHBOARD_TEMPLATE, base_path=reverse("dashboard")
        )
    context = _export_context(fmt, chart, filters)
    if request.method == "POST":
        here = request.build_absolute_uri(address(reverse("dashboard"), filters.canonical()))
        job = start_for_view(
            owner=request.user,
            kind=EXPORT,
            view=PackView(query=filters.canonical(), reader_id=request.user.pk),
            params=_export_params(fmt, chart, here),
        )
        return redirect("jobs:detail", job.id)
    context["described"] = blocks.describe(filters)
    return render(request, EXPORT_TEMPLATE, context)


@csrf_exempt  # as shared_start
@login_not_required
@require_http_methods(["GET", "POST"])
def shared_export(
    request: HttpRequest, token: str, fmt: str, chart: str | None = None
) -> HttpResponse:
    link = _link(request, token)
    if isinstance(link, HttpResponse):
        return link
    view = PackView(query=_query(request), link_id=link.pk)
    try:
        filters = pack.resolve(view).filters
    except ViewUnavailable as error:
        return _refused(request, link, token, str(error), 400)
    context = _export_context(fmt, chart, filters)
    if request.method == "POST":
        if link.created_by is None:
            return _refused(
                request, link, token, "This shared view cannot make files any more.", 410
            )
        try:
            job = start_for_view(
                owner=link.created_by, kind=EXPORT, view=view, params=_export_params(fmt, chart)
            )
        except TooManyPacks:
            return _refused(request, link, token, TOO_MANY, 429)
        return _private(redirect("boardpack:shared-job", token, job.id))
    context.update(
        shared=link, base_path=reverse("shared", args=[token]), described=blocks.describe(filters)
    )
    return _private(render(request, EXPORT_TEMPLATE, context))
