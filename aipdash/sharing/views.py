"""The share views: issuing, listing, revoking and rotating links (the staff side), and what a
link's viewer gets: the dashboard, a chart's block, its CSV, the workbook, and the embed.

Thin: they parse the request, call `services` (the link) and the dashboard's blocks, pages and
exports, render. A shared view is the dashboard seen through a link, so sharing imports the
dashboard and never the other way (docs/architecture.md, the layers).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.csp import CSP
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aipdash.core.requests import AuthenticatedHttpRequest
from aipdash.dashboard import blocks as dashboard
from aipdash.dashboard.exports import (
    csv_response,
    to_job,
    too_large,
    workbook_response,
    workbook_rows,
)
from aipdash.dashboard.filters import DashboardFilters, FilterError
from aipdash.dashboard.pages import (
    DASHBOARD_TEMPLATE,
    address,
    chart_name,
    dashboard_filters,
    is_partial,
)
from aipdash.dashboard.pages import bad_filters as _bad_filters
from aipdash.sharing import services
from aipdash.sharing.forms import ShareLinkForm
from aipdash.sharing.models import ShareLink

SHARED_TEMPLATE = "sharing/shared.html"
EMBED_TEMPLATE = "sharing/embed.html"

# What the dashboard's templates need (dashboard.blocks.context), for a link's view.
type SharedContext = dict[str, Any]


# Shared links: staff side ---------------------------------------------------------------------


@permission_required("aipdash.add_sharelink", raise_exception=True)
@require_http_methods(["GET", "POST"])
def share_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Share this view": the current filters, a label, an expiry and what the viewer may
    change. The link is shown once, right after it is made."""
    if request.method == "POST":
        form = ShareLinkForm(
            request.POST, partner_slugs=dashboard.partner_slugs(), user=request.user
        )
        if form.is_valid():
            try:
                issued = services.create(
                    user=request.user,
                    label=form.cleaned_data["label"],
                    filters=form.cleaned_data["view"],
                    open_filters=form.cleaned_data["open_filters"],
                    days=form.cleaned_data["days"],
                    frozen=form.cleaned_data["frozen"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _issued(request, issued, "created")
        filters: DashboardFilters | None = form.cleaned_data.get(
            "view"
        )  # the view stays shown when another field fails
    else:
        try:
            filters = dashboard_filters(request)
        except FilterError as error:
            return _bad_filters(
                request, error.errors, DASHBOARD_TEMPLATE, base_path=reverse("dashboard")
            )
        form = ShareLinkForm(
            initial={"view": filters.canonical()},
            partner_slugs=dashboard.partner_slugs(),
            user=request.user,
        )
    view = filters or DashboardFilters()
    return render(
        request,
        "sharing/new.html",
        {
            "form": form,
            "view": view,
            "described": dashboard.describe(view),
            "scenario": view.applied,
            "dashboard_url": address(reverse("dashboard"), view.canonical()),
        },
    )


def _issued(request: HttpRequest, issued: services.IssuedLink, verb: str) -> HttpResponse:
    url = request.build_absolute_uri(reverse("shared", args=[issued.token]))
    response = render(
        request,
        "sharing/issued.html",
        {
            "link": issued.link,
            "url": url,
            "verb": verb,
            "described": dashboard.describe(services.scope_of(issued.link)),
            "open_labels": services.open_labels(issued.link),
        },
    )
    response["Cache-Control"] = "private, no-store"  # the only page that shows the token
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def share_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The links this user made (everyone's, with the permission)."""
    links = list(services.visible_to(request.user))
    rows = [
        (link, dashboard.describe(services.scope_of(link)), services.open_labels(link))
        for link in links
    ]
    return render(
        request,
        "sharing/list.html",
        {"rows": rows, "all": request.user.has_perm("aipdash.manage_all_sharelinks")},
    )


@require_POST
def share_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(services.visible_to(request.user), pk=pk)
    services.revoke(link)
    messages.success(request, f"“{link.label}” is revoked: its address opens nothing now.")
    return redirect("share-list")


@require_POST
def share_rotate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(services.visible_to(request.user), pk=pk)
    try:
        issued = services.rotate(link)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("share-list")
    return _issued(request, issued, "rotated")


# Shared links: what the viewer gets -------------------------------------------------------------


def _private[R: HttpResponseBase](response: R) -> R:
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def shared_view[**P](
    view: Callable[Concatenate[HttpRequest, ShareLink, SharedContext, P], HttpResponseBase],
) -> Callable[Concatenate[HttpRequest, str, P], HttpResponseBase]:
    """Every data path of a shared link: resolve the token, scope the filters, mark the
    response private. An unusable link answers 404/410 with no data on every path. The view
    gets the link and the dashboard's context for its scoped filters in place of the token."""

    @wraps(view)
    @login_not_required
    @require_GET
    def wrapper(
        request: HttpRequest, token: str, *args: P.args, **kwargs: P.kwargs
    ) -> HttpResponseBase:
        try:
            link = services.resolve(token)
        except services.LinkUnavailable as unavailable:
            return _private(render(request, "sharing/unavailable.html", status=unavailable.status))
        base = reverse("shared", args=[token])
        scope = services.scope_of(link)

        def refuse(errors: dict[str, str], template: str) -> HttpResponse:
            # The link's own choices only, as its page offers: never every partner and year.
            return _private(
                _bad_filters(
                    request,
                    errors,
                    template,
                    base_path=base,
                    shared=link,
                    open=set(link.open_filters),
                    options=dashboard.options_for(DashboardFilters(), scope),
                    scope_described=dashboard.describe(scope),
                )
            )

        embed = request.GET.get("embed")
        if embed not in (None, "1") or len(request.GET.getlist("embed")) > 1:
            return refuse(
                {"embed": "Use embed=1 for the charts alone, or leave it out."}, SHARED_TEMPLATE
            )
        try:
            filters, asked = services.scoped_filters(
                link, request.GET, partner_slugs=dashboard.partner_slugs()
            )
        except FilterError as error:
            return refuse(error.errors, EMBED_TEMPLATE if embed else SHARED_TEMPLATE)
        context = dashboard.context(
            filters,
            base_path=base,
            query=asked.canonical(),
            open_filters=link.open_filters,
            scope=scope,
            selected=asked,
            shared=link,
        )
        context["scope_described"] = dashboard.describe(scope)
        context["embed"] = bool(embed)
        response = view(request, link, context, *args, **kwargs)
        if embed:
            response = _embeddable(response)
        return _private(response)

    return wrapper


def _embeddable(response: HttpResponseBase) -> HttpResponseBase:
    """The embed variant may be framed by the origins SHARE_EMBED_ORIGINS lists, no other."""
    origins = settings.SHARE_EMBED_ORIGINS
    # The response's own policy, as Django's csp_override decorator sets it (not in the stubs).
    response._csp_config = {  # type: ignore[attr-defined]
        **settings.SECURE_CSP,
        "frame-ancestors": list(origins) if origins else [CSP.NONE],
    }
    if origins:
        # The CSP above is the rule for this page. XFrameOptionsMiddleware reads this from any
        # response (the stubs declare it on HttpResponse only; an embed's CSV streams).
        response.xframe_options_exempt = True  # type: ignore[attr-defined]
    return response


@shared_view
def shared_dashboard(request: HttpRequest, link: ShareLink, context: SharedContext) -> HttpResponse:
    if is_partial(request):
        return render(request, DASHBOARD_TEMPLATE + "#charts", context)
    services.count_view(link)  # page loads only, not each htmx partial
    return render(request, EMBED_TEMPLATE if context["embed"] else SHARED_TEMPLATE, context)


@shared_view
def shared_chart(
    request: HttpRequest, link: ShareLink, context: SharedContext, chart: str
) -> HttpResponse:
    html = dashboard.chart_html(
        chart_name(chart),
        context["filters"],
        base_path=context["base_path"],
        query=context["query"],
    )
    return HttpResponse(html)


@shared_view
def shared_csv(
    request: HttpRequest, link: ShareLink, context: SharedContext, chart: str
) -> HttpResponseBase:
    name = chart_name(chart)
    data = dashboard.chart(name, context["filters"]).data
    if too_large(len(data.rows)):  # made by a job, its page through the link
        return to_job(f"{context['base_path']}exports/csv/{name}/", context["query"])
    return csv_response(data, context["filters"])


@shared_view
def shared_xlsx(request: HttpRequest, link: ShareLink, context: SharedContext) -> HttpResponseBase:
    """A shared view's charts as a workbook: its scope, narrowed by what the viewer chose.
    The link's address is left out of the file (it is the link's whole authorisation)."""
    if too_large(workbook_rows(context["filters"])):  # made by a job, its page through the link
        return to_job(f"{context['base_path']}exports/xlsx/", context["query"])
    response: FileResponse = workbook_response(
        context["filters"], view=f"Shared view: {link.label}", address="", shared=True
    )
    return response
