"""Chart partials for a signed-in viewer without the whole middleware stack.

A warm chart partial is a cached block of HTML; through every middleware (session, user,
permissions, CSRF, messages, history) it cost ~3 ms of CPU, five times a static file of the
same size. `WarmChartMiddleware` sits right after WhiteNoise and answers `GET /charts/<chart>/`
itself when the session cookie is one that the full stack has already let through to that
view: the outer middleware (request id and log, security headers, CSP, gzip, size and NUL
checks) still apply; sessions, users and permissions are not loaded again.

The rule, kept in Redis:
- `chart_partial` (reached only through login and the role check) calls `remember(request)`:
  the session's key, hashed, is stored with the current *auth version* and the user id, for at
  most PASS_TTL seconds and never beyond the session's own expiry.
- The auth version (datacache.AUTH) is replaced on every change to who may see what: a user,
  group or permission saved or deleted, group or permission memberships changed, anyone
  logging in or out. A pass made under an older version is ignored, so a revoked role, a
  deactivated user or a changed password takes effect on the next request. Logging out also
  deletes the pass itself.
- When Redis can't be reached the pass can't be read: every request takes the full path. After
  an outage, a process trusts no auth version until it has stored a new one (datacache.Version).
- Anything unusual (bad filters, an unknown chart, no cookie, no pass) falls through to the full
  stack, which answers as before (400 page, 404, login redirect, 403).

The response is the view's own (`views.chart_partial_response`) with the headers the skipped
middleware would add (Vary: Cookie from the session, X-Frame-Options); tests/perf compares
both paths header by header.
"""

import hashlib
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.cache import patch_vary_headers

from aipdash.datacache import AUTH, read_with_versions

PASS_TTL = 300  # seconds: a pass is re-earned through the full stack at least this often
CHART_PATH = re.compile(r"/charts/([a-z_]{1,40})/")


def _pass_key(session_key: str) -> str:
    return "aipdash:fastpass:" + hashlib.sha256(session_key.encode()).hexdigest()


def remember(request) -> None:
    """The full stack let this session through to a chart partial: let its next ones skip it."""
    session_key = request.session.session_key
    version = AUTH.current()
    if not session_key or version is None or not request.user.is_authenticated:
        return
    timeout = min(PASS_TTL, request.session.get_expiry_age())
    if timeout > 0:
        cache.set(_pass_key(session_key), f"{version}:{request.user.pk}", timeout=timeout)


def passed_user_id(request) -> int | None:
    """The user id of a session that holds a current pass, else None."""
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not session_key or len(session_key) > 64:
        return None
    stored = read_with_versions(_pass_key(session_key))  # one round trip for all three
    if not stored:
        return None
    version, _, user_id = stored.partition(":")
    current = AUTH.current()
    if current is None or version != current:
        return None
    return int(user_id)


class WarmChartMiddleware:
    """Answer a chart partial for a session that holds a current pass (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._answer(request)
        return response if response is not None else self.get_response(request)

    def _answer(self, request):
        if request.method != "GET":
            return None
        match = CHART_PATH.fullmatch(request.path_info)
        if match is None:
            return None
        # The auth version is read (here, or by passed_user_id) before the full stack checks
        # anything: a pass this request earns is stored under it, so that a change committed
        # meanwhile voids it (remember()).
        user_id = passed_user_id(request)
        if user_id is None:
            AUTH.current()
            return None
        from aipdash import views  # views import the whole app; this module is imported early

        response = views.chart_partial_response(request, match.group(1))
        if response is None:
            return None  # bad filters or no such chart: the full stack says so
        request.fastpath_user_id = user_id  # for the request log line
        patch_vary_headers(response, ("Cookie",))
        response.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        return response


# Who may see what changed: every pass made before is void. -----------------------------------


def _auth_changed(sender, **kwargs):
    AUTH.bump()


def _logged_out(sender, request, **kwargs):
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key:
        cache.delete(_pass_key(session_key))
    AUTH.bump()


def connect_signals():
    user = get_user_model()
    for model in (user, Group, Permission):
        post_save.connect(_auth_changed, sender=model, dispatch_uid=f"fastpath-{model.__name__}")
        post_delete.connect(
            _auth_changed, sender=model, dispatch_uid=f"fastpath-del-{model.__name__}"
        )
    for through in (user.groups.through, user.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(_auth_changed, sender=through, dispatch_uid=f"fastpath-{through}")
    user_logged_in.connect(_auth_changed, dispatch_uid="fastpath-login")
    user_logged_out.connect(_logged_out, dispatch_uid="fastpath-logout")
