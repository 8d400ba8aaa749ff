"""Middleware of the site's own: a request id and a structured log line for every request,
private caching by default, and the rule that every signed-in page needs a role.

Order in settings.MIDDLEWARE: `RequestIdMiddleware` first (it times and logs every answer,
errors and redirects included), and `RoleRequiredMiddleware` right after
`LoginRequiredMiddleware` (which answers anonymous requests first).
"""

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.log import log_response

from aipdash.core.logs import current_request_id
from aipdash.core.requestlog import SHARE_TOKEN
from aipdash.core.roles import has_role

request_log = logging.getLogger("aipdash.request")
security_log = logging.getLogger("aipdash.security")
# Where aipdash/urls.py mounts the API, whose errors are JSON.
API_PREFIX = "/api/"

# An incoming X-Request-ID (from a load balancer) is kept when it is short and plain;
# anything else is replaced by a fresh one, so that a log line never carries hostile text.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

# What a middleware wraps: the next middleware, or the view; any response (a page, a file).
type GetResponse = Callable[[HttpRequest], HttpResponseBase]


def request_id_of(request: HttpRequest | None) -> str:
    """The request's id ("" outside a request that passed RequestIdMiddleware)."""
    request_id: str = getattr(request, "request_id", "") if request is not None else ""
    return request_id


class RequestIdMiddleware:
    """Give every request an id (`request.request_id`, the `X-Request-ID` response header, and
    every log line written while answering it: aipdash/core/logs.py) and write one line per request
    to the `aipdash.request` logger: id, method, path (share tokens shortened), status,
    duration in ms, user id."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        # Our own attribute on Django's request (read with request_id_of), not in its stubs.
        request.request_id = request_id  # type: ignore[attr-defined]
        started = time.perf_counter()
        answering = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(answering)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        response["X-Request-ID"] = request_id
        user = getattr(request, "user", None)
        fields = {
            "request_id": request_id,
            "method": request.method,
            "path": SHARE_TOKEN.sub(r"\1…", request.path),
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": user.pk
            if user is not None and user.is_authenticated
            else getattr(request, "fastpath_user_id", None),
        }
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        request_log.log(
            level,
            "%s %s %s in %s ms",
            fields["method"],
            fields["path"],
            fields["status"],
            duration_ms,
            extra={**fields, "request": request},
        )
        return response


class RequestSizeLimitMiddleware:
    """Refuse a request whose body (form data and files together) is larger than
    settings.MAX_REQUEST_BODY_SIZE before any of it is read: the 413 page (aipdash/core/errors.py).
    DATA_UPLOAD_MAX_MEMORY_SIZE alone does not count uploaded files."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            length = int(request.headers.get("content-length") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BODY_SIZE:
            raise RequestDataTooBig(f"Request body of {length} bytes is over the limit.")
        return self.get_response(request)


class NumberOutOfRangeMiddleware:
    """A number in the request too large for the database to compare (a key of 20 digits in
    a form's choice, say): SQLite's driver raises OverflowError before it sends the query, and
    Django's forms do not catch it (found by tests/security/test_fuzz.py in the auth group
    admin's permissions). That is bad input: the 400 page, not a 500."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, OverflowError):
            raise BadRequest("A number in the request is too large.") from exception


class RejectNulMiddleware:
    """A NUL character anywhere in the address, its path or its query string (`%00`), is never
    meant: 400, naming it. PostgreSQL refuses NUL in text, so it would otherwise reach a query
    and fail there with a 500 (checked: `/api/projects/%00/`, `/projects/a%00b/`, an admin
    changelist filter `?stage__exact=%00` each raised DataError). Answered here, as JSON under
    `/api/` like the API's other errors, and logged as one warning line (an exception would
    have Django log its traceback at ERROR). Form fields refuse NUL themselves (Django's
    CharField).

    A cookie whose value holds a NUL (an octal escape, `"\\000…"`, in a quoted value) is
    dropped instead, with a warning: the session's lookup failed the same way on every page,
    and a 400 would lock the browser out until its cookies are cleared."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        for name in [name for name, value in request.COOKIES.items() if "\x00" in value]:
            del request.COOKIES[name]
            security_log.warning("Dropped a cookie with a NUL character: %s.", json.dumps(name))
        if "\x00" in request.path:
            part, names = "path", []
        else:
            names = sorted(
                {
                    name
                    for name, values in request.GET.lists()
                    if "\x00" in name or any("\x00" in value for value in values)
                }
            )
            if not names:
                return self.get_response(request)
            part = "query string"
        problem = f"The address has a NUL character (%00) in its {part}, which no address uses."
        if request.path_info.startswith(API_PREFIX):
            # As the API's other 400s: by query parameter where one is at fault.
            body = {"errors": dict.fromkeys(names, problem)} if names else {"detail": problem}
            response: HttpResponse = JsonResponse(body, status=400)
        else:
            context = {"request_id": request_id_of(request), "problem": problem}
            response = render(request, "400.html", context, status=400)
        # Django's one line for a 4xx (django.request, WARNING, with the request id), saying why;
        # it escapes the path.
        log_response(
            "Bad Request (a NUL character in its %s): %s",
            part,
            request.path,
            response=response,
            request=request,
        )
        return response


class PrivateByDefaultMiddleware:
    """`Cache-Control: private, no-store` on every response that says nothing of caching:
    pages, partials and exports carry portfolio data for a signed-in user or for whoever holds a
    shared link's secret address, and no shared cache or browser disk may keep them. Responses
    that set their own keep it: static files (WhiteNoise's long caching), the API, never_cache
    views. It sits outside the chart fast path, so that path's answers get it too."""

    VALUE = "private, no-store"

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.setdefault("Cache-Control", self.VALUE)
        return response


# The one rule for the site's own pages (not the admin, which checks its own permissions:
# is_staff and each model's view/add/change/delete). A signed-in user who is in neither the
# viewer nor the editor group holds no view permission and gets 403 on every data page and
# export; only logging out stays open to them.
OPEN_TO_ANY_SIGNED_IN_USER = {"logout"}


class RoleRequiredMiddleware:
    """Every view that needs a login also needs a role (`roles.has_role`) (viewer, editor and
    superuser have it). Views marked `login_not_required` (login, /healthz, shared links)
    and the admin site are left to their own checks."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        if not getattr(view_func, "login_required", True):
            return None
        match = request.resolver_match
        if match is not None and (
            "admin" in match.namespaces or match.url_name in OPEN_TO_ANY_SIGNED_IN_USER
        ):
            return None
        if not request.user.is_authenticated:
            return None  # LoginRequiredMiddleware sends them to the login page
        if not has_role(request.user):
            raise PermissionDenied("No role on this site.")
        return None
