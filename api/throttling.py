"""How often the API answers one caller (DRF throttling, settings.REST_FRAMEWORK):

- a user: API_THROTTLE_RATE for their personal tokens and their session together, so that
  making more tokens gives no more requests;
- a share link's token (anonymous): API_SHARE_LINK_THROTTLE_RATE per link.

Counted in the cache, which is Redis when REDIS_URL is set: every process counts the same
requests. DRF keeps each caller's recent request times under one key (read, then written: two
requests at the same instant in two processes may both be let through). While Redis is down
the cache fails soft (aipdash/core/cache/failsoft.py) and nothing is counted: the API still
answers. Over the
limit: 429 with Retry-After (seconds) and the API's `{"detail": "..."}` body.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from api.permissions import is_share_link

if TYPE_CHECKING:
    # Not when running: APIView's class reads these throttles from the settings (a cycle).
    from rest_framework.views import APIView


class _SettingsRate(SimpleRateThrottle):
    """The rate read from settings when the throttle is made (per request), not when DRF's
    settings were first read: a changed setting applies."""

    setting = ""

    def get_rate(self) -> str:
        rate: str = getattr(settings, self.setting)
        return rate

    # Not `key`: DRF's allow_request() keeps the cache key in the throttle's `key` attribute.
    def cache_key_for(self, ident: object) -> str:
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PerUser(_SettingsRate):
    scope = "api_user"
    setting = "API_THROTTLE_RATE"

    def get_cache_key(self, request: Request, view: "APIView") -> str | None:
        if is_share_link(request) or not request.user.is_authenticated:
            return None  # a link is counted by PerShareLink; anonymous gets no answer anyway
        return self.cache_key_for(request.user.pk)


class PerShareLink(_SettingsRate):
    scope = "api_share_link"
    setting = "API_SHARE_LINK_THROTTLE_RATE"

    def get_cache_key(self, request: Request, view: "APIView") -> str | None:
        return self.cache_key_for(request.auth.pk) if is_share_link(request) else None
