"""Shared dashboard links: create, resolve, scope, count, revoke, rotate.

A link is a 256-bit random token in the URL (`/s/<token>/`); the database keeps only its
SHA-256 hash, so nothing read from the database opens a link. Visiting resolves the token by
hash lookup; expired and revoked links answer 410, unknown (forged, rotated) ones 404, and
neither shows any data. Every data path of a shared view (page, htmx partials, CSV) goes
through `resolve()` and `scoped_filters()`; the cache keys are the scoped filters' canonical
form, so a shared view can only ever be served data of its own scope.

Frozen: a link made with `frozen=True` keeps the moment it was made (`frozen_at`); it then shows
the portfolio as it stood at that moment, and rotating it keeps that moment.

Scope: the link captures the staff member's filters at creation. The viewer may narrow the
filters listed in `open_filters` (pick one of the shared partners, a later year...), never
widen them; any other parameter is refused with a 400 that says why.
"""

import datetime as dt
import hashlib
import secrets
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from aipdash.dashboard.filters import (
    DATES,
    MULTI,
    OPENABLE,
    OPENABLE_LABELS,
    YEARS,
    DashboardFilters,
    FilterError,
    years_text,
)
from aipdash.scenarios.applied import AppliedScenario
from aipdash.sharing.models import ShareLink

TOKEN_BYTES = 32  # 256 bits
TOKEN_LENGTH = 43  # urlsafe base64 of 32 bytes, without padding
# What a viewer may be allowed to change: each categorical filter, and the year range as one.
# Query parameters of a shared view that are not filters.
VIEW_PARAMETERS = frozenset({"embed"})
# A scenario's figures read today's portfolio (docs/scenarios.md): not a frozen moment's.
FROZEN_SCENARIO = (
    "A link under a scenario cannot be frozen: a scenario's figures are of today's portfolio. "
    "Untick “Freeze the figures”, or share the view without the scenario."
)


class LinkUnavailable(Exception):
    """The link opens nothing: `status` is 404 (unknown) or 410 (expired or revoked)."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


@dataclass(frozen=True)
class IssuedLink:
    """A link just created or rotated: the only moment its token is known."""

    link: ShareLink
    token: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def redact(token: str) -> str:
    """What logs and pages may show of a token."""
    return token[:6] + "…"


def max_days() -> int:
    days: int = settings.SHARE_LINK_MAX_DAYS
    return days


def _issue(link: ShareLink) -> str:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link.token_hash = hash_token(token)
    link.token_hint = token[:6]
    return token


def create(
    *,
    user: User,
    label: str,
    filters: DashboardFilters,
    open_filters: Iterable[str],
    days: int,
    frozen: bool = False,
) -> IssuedLink:
    """A new link to `filters` (resolved for `user`: under a scenario, its copy goes with the
    link, so that later saves of the scenario do not change what the link shows)."""
    opened = sorted(set(open_filters))
    errors: dict[str, str] = {}
    if not label.strip():
        errors["label"] = "Give the link a label, such as who it is for."
    if not 1 <= days <= max_days():
        errors["days"] = f"A link lasts from 1 to {max_days()} days."
    unknown = [key for key in opened if key not in OPENABLE]
    if unknown:
        errors["open_filters"] = f"“{unknown[0]}” is not a filter."
    if (filters.scenario is not None or filters.draft) and filters.applied is None:
        errors["scenario"] = "The view's scenario was not checked for you."  # a caller's slip
    if filters.applied is not None and frozen:
        errors["frozen"] = FROZEN_SCENARIO
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    link = ShareLink(
        label=label.strip(),
        filters=filters.to_json(),
        open_filters=opened,
        created_by=user,
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
        frozen_at=now if frozen else None,
        scenario=filters.applied.to_json() if filters.applied is not None else None,
    )
    token = _issue(link)
    link.full_clean()
    link.save()
    return IssuedLink(link=link, token=token)


def resolve(token: str) -> ShareLink:
    """The link a token opens, or LinkUnavailable."""
    if len(token) != TOKEN_LENGTH:
        raise LinkUnavailable(404)
    link = ShareLink.objects.filter(token_hash=hash_token(token)).first()
    if link is None:
        raise LinkUnavailable(404)
    if not link.is_active:
        raise LinkUnavailable(410)
    return link


def scoped_filters(
    link: ShareLink, query: QueryDict, *, partner_slugs: Collection[str]
) -> tuple[DashboardFilters, DashboardFilters]:
    """(the view to show, what the viewer asked for) within the link's scope; FilterError
    when the viewer asks for anything outside it."""
    captured = scope_of(link)
    filters_only = query.copy()
    for key in VIEW_PARAMETERS:
        filters_only.pop(key, None)
    # Partners outside a partner-scoped view are not even named as existing.
    slugs = frozenset(captured.partner) if captured.partner else partner_slugs
    asked = DashboardFilters.from_query(filters_only, partner_slugs=slugs)
    opened = set(link.open_filters)
    errors: dict[str, str] = {}
    if asked.scenario is not None:
        errors["scenario"] = (
            "A shared view shows the scenario it was made with, or none: not one of yours."
        )
    for name, _value in asked.draft:
        errors[name] = (
            "A shared view shows the assumptions it was made with: they cannot be changed."
        )
    values: dict[str, Any] = {}  # DashboardFilters' fields: a tuple of values, or a year
    for key in MULTI:
        mine, base = getattr(asked, key), getattr(captured, key)
        if not mine:
            values[key] = base
        elif key not in opened:
            errors[key] = "This shared view does not let you change this filter."
        elif base and not set(mine) <= set(base):
            errors[key] = "Outside this shared view: pick among the values it shows."
        else:
            values[key] = mine
    for key in YEARS:
        mine, base = getattr(asked, key), getattr(captured, key)
        if mine is None:
            values[key] = base
        elif "online" not in opened:
            errors[key] = "This shared view does not let you change the years."
        elif base is not None and (mine < base if key == "online_from" else mine > base):
            errors[key] = f"Outside this shared view, which covers {years_text(captured)}."
        else:
            values[key] = mine
    for key in DATES:
        # The day of a shared view is the link's (a day it captured, or its frozen moment).
        if getattr(asked, key) is not None:
            errors[key] = "This shared view does not let you change the date it shows."
        values[key] = getattr(captured, key)
    if errors:
        raise FilterError(errors)
    result = DashboardFilters(**values, at=link.frozen_at)
    if result.online_from and result.online_to and result.online_from > result.online_to:
        raise FilterError({"online_to": "The range runs backwards."})
    return result.with_scenario(scenario_of(link)), asked


def open_labels(link: ShareLink) -> list[str]:
    return [OPENABLE_LABELS.get(key, key) for key in link.open_filters]


def scope_of(link: ShareLink) -> DashboardFilters:
    """The view a link captured, with the scenario it stored (if any)."""
    return DashboardFilters.from_json(link.filters).with_scenario(scenario_of(link))


def scenario_of(link: ShareLink) -> AppliedScenario | None:
    """The scenario a link stored, as it was when the link was made (None: the recorded
    portfolio). Its figures are cached under a digest of that copy."""
    return AppliedScenario.from_json(link.scenario) if link.scenario else None


def count_view(link: ShareLink) -> None:
    """One bounded UPDATE of the link's own row: no row per hit, no read-modify-write race."""
    ShareLink.objects.filter(pk=link.pk).update(
        view_count=F("view_count") + 1, last_viewed_at=timezone.now()
    )


def visible_to(user: User) -> QuerySet[ShareLink]:
    """The links a user may list and revoke: their own, or everyone's with the permission."""
    links = ShareLink.objects.select_related("created_by")
    if user.has_perm("aipdash.manage_all_sharelinks"):
        return links
    return links.filter(created_by=user)


def revoke(link: ShareLink) -> None:
    """Revoke the link once: the first revocation's time stands, also when a second one comes
    from a copy loaded before it (two people, two tabs)."""
    now = timezone.now()
    if ShareLink.objects.filter(pk=link.pk, revoked_at=None).update(revoked_at=now):
        link.revoked_at = now
    else:
        link.refresh_from_db(fields=["revoked_at"])


@transaction.atomic
def rotate(link: ShareLink) -> IssuedLink:
    """A new token for the same link; the old one opens nothing from now on. Everything else
    stays, a frozen link's moment among it: the same view at a new address."""
    if not link.is_active:
        raise ValidationError("Only a link that is still valid can be rotated.")
    token = _issue(link)
    link.save(update_fields=["token_hash", "token_hint"])
    return IssuedLink(link=link, token=token)


def prune(*, older_than_days: int = 30) -> int:
    """Delete links expired or revoked more than `older_than_days` ago; returns how many."""
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    deleted, _ = ShareLink.objects.filter(
        Q(expires_at__lt=cutoff) | Q(revoked_at__lt=cutoff)
    ).delete()
    return deleted
