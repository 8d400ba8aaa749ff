"""The navigation's "Jobs" link, shown to users who have jobs.

Whether a user has jobs is kept in the cache (`has_jobs`): set when a job of theirs starts
(services.start_job), read from the database when missing, and read at sign-in, so that a page's
navigation costs no query of its own in the usual case. A flag outlives its last job by at most
`HAS_JOBS_SECONDS` (the link then opens an empty "My jobs").
"""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from aipdash.jobs.models import Job

HAS_JOBS_SECONDS = 60 * 60


def _key(user_id: int | None) -> str:
    return f"jobs:has-jobs:{user_id}"


def has_jobs(user_id: int | None) -> bool:
    known = cache.get(_key(user_id))
    if known is None:
        known = Job.objects.filter(owner_id=user_id).exists()
        cache.set(_key(user_id), known, HAS_JOBS_SECONDS)
    return bool(known)


def remember(user_id: int | None) -> None:
    """A job of this user's started: the link shows from now on."""
    cache.set(_key(user_id), True, HAS_JOBS_SECONDS)


@receiver(user_logged_in, dispatch_uid="aipdash.jobs.nav.signed_in")
def signed_in(sender: object, request: HttpRequest | None, user: Any, **kwargs: object) -> None:
    has_jobs(user.pk)


def jobs_nav(request: HttpRequest) -> dict[str, object]:
    """Context processor: `has_jobs`, read only by the pages that show the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"has_jobs": SimpleLazyObject(lambda: has_jobs(user.pk))}
