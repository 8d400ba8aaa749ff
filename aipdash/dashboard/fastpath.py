"""Chart partials for a signed-in viewer without the whole middleware stack.

A warm chart partial is a cached block of HTML; through every middleware (session, user,
permissions, CSRF, messages, history) it cost ~3 ms of CPU, five times a static file of the
same size. `WarmChartMiddleware` sits right after WhiteNoise and answers `GET /charts/<chart>/`
itself when the session cookie is one that the full stack has already let through to that
view: the outer middleware (request id and log, security headers, CSP, gzip, size and NUL
checks) still apply; sessions, users and permissions are not loaded again.

The rule:
- `chart_partial` (reached only through login and the role check) calls `remember(request)`:
  the session's key, hashed, is stored in Redis with the *auth version* and the user id, for
  at most PASS_TTL seconds and never beyond the session's own expiry.
- The auth version is a token in the database that triggers replace on every write to users,
  groups, permissions and memberships, however it is made (admin, a queryset's update(), raw
  SQL; aipdash/core/cache/authversion.py), and a logout replaces too. The fast path reads it on
  every
  request (one query by key) and honours a pass made under the same token only: a revoked
  role, a deactivated user or a changed password takes effect on the next request. Logging
  out also deletes the pass itself.
- The host is checked as Django checks it (ALLOWED_HOSTS): any other goes to the full stack,
  which answers 400.
- When Redis or the database can't be read, no pass is valid: every request takes the full
  path.
- Anything unusual (bad filters, an unknown chart, no cookie, no pass) falls through to the full
  stack, which answers as before (400 page, 404, login redirect, 403).

The response is the view's own (`blocks.partial_response`) with the headers the skipped
middleware would add (Vary: Cookie from the session, X-Frame-Options); tests/dashboard/
test_fastpath.py compares both paths header by header.

Each process keeps the last BODIES_KEPT bodies it answered, under (data version, chart, query
string as sent): a repeated partial then parses no filters and hashes no cache key, and the
block is the same for every viewer (it holds no user, token or nonce). A new data version
misses them all, as it misses every cached payload.
"""

import hashlib
import re
import threading
from collections import OrderedDict
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers

from aipdash.core.cache import authversion
from aipdash.core.cache.versions import data_version, read_with_versions
from aipdash.core.middleware import GetResponse
from aipdash.dashboard import blocks

PASS_TTL = 300  # seconds: a pass is re-earned through the full stack at least this often
CHART_PATH = re.compile(r"/charts/([a-z_]{1,40})/")
BODIES_KEPT = 32  # blocks are 5-70 kB: at most ~2 MB a process
_bodies: OrderedDict[tuple[str, str, str], bytes] = OrderedDict()  # most recent last
_bodies_lock = threading.Lock()


def _pass_key(session_key: str) -> str:
    return "aipdash:fastpass:" + hashlib.sha256(session_key.encode()).hexdigest()


def remember(request: HttpRequest) -> None:
    """The full stack let this session through to a chart partial: let its next ones skip it.
    The pass carries the auth version read before the full stack checked anything
    (WarmChartMiddleware), so that a change committed while it checked voids it."""
    session_key = request.session.session_key
    version = getattr(request, "auth_version_before_checks", None)
    if not session_key or version is None or not request.user.is_authenticated:
        return
    timeout = min(PASS_TTL, request.session.get_expiry_age())
    if timeout > 0:
        cache.set(_pass_key(session_key), f"{version}:{request.user.pk}", timeout=timeout)


def _session_key(request: HttpRequest) -> str | None:
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    return session_key if session_key and len(session_key) <= 64 else None


def passed_user_id(request: HttpRequest, auth_version: str | None) -> int | None:
    """The user id of a session that holds a pass made under `auth_version`, else None."""
    session_key = _session_key(request)
    if session_key is None or auth_version is None:
        return None
    stored: str | None = read_with_versions(_pass_key(session_key))  # data version in one trip
    if not stored:
        return None
    version, _, user_id = stored.partition(":")
    return int(user_id) if version == auth_version else None


def _host_allowed(request: HttpRequest) -> bool:
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return True


def _partial(request: HttpRequest, chart: str) -> HttpResponse | None:
    """blocks.partial_response, its body kept for the next request (see the module)."""
    version = data_version()  # read with the pass: no round trip
    if version is None:
        return blocks.partial_response(request, chart)
    key = (version, chart, request.META.get("QUERY_STRING", ""))
    with _bodies_lock:
        body = _bodies.get(key)
        if body is not None:
            _bodies.move_to_end(key)
    if body is not None:
        return HttpResponse(body)
    response = blocks.partial_response(request, chart)
    if response is not None:
        with _bodies_lock:
            _bodies[key] = response.content
            while len(_bodies) > BODIES_KEPT:
                _bodies.popitem(last=False)
    return response


class WarmChartMiddleware:
    """Answer a chart partial for a session that holds a current pass (see the module)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self._answer(request)
        return response if response is not None else self.get_response(request)

    def _answer(self, request: HttpRequest) -> HttpResponse | None:
        if request.method != "GET":
            return None
        match = CHART_PATH.fullmatch(request.path_info)
        if match is None:
            return None
        if _session_key(request) is None:
            return None  # no session: nothing to pass, nor to earn a pass
        if not _host_allowed(request):
            return None  # the full stack answers 400, as for any page
        # Read before the full stack checks anything: a pass this request earns is stored
        # under it, so that a change committed meanwhile voids it (remember()).
        auth_version = authversion.current()
        request.auth_version_before_checks = auth_version  # type: ignore[attr-defined]  # our mark
        user_id = passed_user_id(request, auth_version)
        if user_id is None:
            return None
        response = _partial(request, match.group(1))
        if response is None:
            return None  # bad filters or no such chart: the full stack says so
        request.fastpath_user_id = user_id  # type: ignore[attr-defined]  # for the request log
        patch_vary_headers(response, ("Cookie",))
        response.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        return response


# Logging out: the pass goes, and every pass made before (should the delete not reach Redis).


def _logged_out(sender: object, request: HttpRequest | None, **kwargs: Any) -> None:
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key:
        cache.delete(_pass_key(session_key))
    authversion.bump()


def connect_signals() -> None:
    # Every other change to who may see what writes an auth table, and its triggers replace
    # the auth version (logging in too: Django saves the user's last_login).
    user_logged_out.connect(_logged_out, dispatch_uid="fastpath-logout")
