"""Personal API tokens: create, hash, authenticate, revoke.

A token is `aipk_` followed by 256 random bits (`secrets.token_urlsafe(32)`). The prefix tells
it apart from a share link's token at a glance, in a request and in a leaked log alike. Only
the SHA-256 hash is stored; the token itself is shown once, on the page that made it.
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from api.models import ApiToken

PREFIX = "aipk_"
TOKEN_BYTES = 32
HINT_LENGTH = len(PREFIX) + 4
MAX_DAYS = 366
# How often the last-used time is written: at most once a minute per token, not every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    """A token just made: the only moment it is known."""

    token: ApiToken
    secret: str


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def looks_like_api_token(secret: str) -> bool:
    return secret.startswith(PREFIX)


@transaction.atomic
def create(*, owner, label: str, days: int | None = None) -> IssuedToken:
    errors = {}
    if not label.strip():
        errors["label"] = "Give the token a label, such as the program that uses it."
    if days is not None and not 1 <= days <= MAX_DAYS:
        errors["days"] = f"A token lasts from 1 to {MAX_DAYS} days, or until revoked."
    if errors:
        raise ValidationError(errors)
    secret = PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    now = timezone.now()
    token = ApiToken(
        owner=owner,
        label=label.strip(),
        token_hash=hash_token(secret),
        token_hint=secret[:HINT_LENGTH],
        created_at=now,
        expires_at=now + dt.timedelta(days=days) if days else None,
    )
    token.full_clean()
    token.save()
    return IssuedToken(token=token, secret=secret)


def authenticate(secret: str) -> ApiToken | None:
    """The usable token a secret opens (its owner loaded), or None: unknown, revoked,
    expired, or its owner inactive."""
    token = ApiToken.objects.select_related("owner").filter(token_hash=hash_token(secret)).first()
    if token is None or not token.is_active or not token.owner.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def of(user):
    return ApiToken.objects.filter(owner=user)


def revoke(token: ApiToken) -> None:
    """Revoke the token once: the first revocation's time stands, also when a second one comes
    from a copy loaded before it."""
    now = timezone.now()
    if ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=now):
        token.revoked_at = now
    else:
        token.refresh_from_db(fields=["revoked_at"])
