"""Login throttling helpers for django-axes (settings: "Login throttling").

The client address is what a lockout is counted against (with the username). Directly exposed,
it is REMOTE_ADDR. Behind TRUSTED_PROXY_COUNT proxies (a load balancer, nginx) REMOTE_ADDR is
the last proxy's, so the client is the entry that many places from the right of
X-Forwarded-For: the entries to its left are whatever the client sent and cannot be trusted.
"""

from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str | None:
    remote: str | None = request.META.get("REMOTE_ADDR")
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    chain = [
        part.strip()
        for part in request.headers.get("x-forwarded-for", "").split(",")
        if part.strip()
    ]
    if len(chain) < proxies:
        return remote  # not through the expected proxies: the direct peer is all we know
    return chain[-proxies]


def cooloff_text(minutes: int) -> str:
    """15 -> "15 minutes", 60 -> "1 hour", 90 -> "1 hour 30 minutes"."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the lockout page in the site's look, 429 with Retry-After."""
    minutes = int(get_cool_off(request).total_seconds() // 60)
    response = render(
        request,
        "registration/locked_out.html",
        {
            "cooloff": cooloff_text(minutes),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "username": (credentials or {}).get("username") or request.POST.get("username", ""),
        },
        status=429,
    )
    response["Retry-After"] = str(minutes * 60)
    return response
