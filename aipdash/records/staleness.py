"""Stale records: a record whose figures have not been confirmed for too long.

A record's provenance `as_of` is the date its figures were last confirmed. Once that date is
more than `settings.STALE_AFTER_DAYS` days old (environment variable, default 365: twelve
months), the record is stale, and every page that shows it says so with a "Stale" badge whose
tooltip says since when. This module is the one place that rule lives: `is_stale` and
`stale_since` for one record, `stale_q` / `annotate_stale` for a queryset (the admin's column
and list filter, lists that count in SQL).
"""

import datetime as dt

from django.conf import settings
from django.db.models import BooleanField, Case, Model, Q, QuerySet, Value, When
from django.utils import timezone


def stale_after_days() -> int:
    days: int = settings.STALE_AFTER_DAYS
    return days


def cutoff(today: dt.date | None = None) -> dt.date:
    """Records confirmed before this date are stale."""
    today = today or timezone.localdate()
    return today - dt.timedelta(days=stale_after_days())


def stale_since(record: object, today: dt.date | None = None) -> dt.date | None:
    """The date the record became stale (its as-of date plus the allowed age); None when it
    is not stale (or has no as-of date)."""
    as_of: dt.date | None = getattr(record, "as_of", None)
    if as_of is None or as_of >= cutoff(today):
        return None
    return as_of + dt.timedelta(days=stale_after_days())


def is_stale(record: object, today: dt.date | None = None) -> bool:
    return stale_since(record, today) is not None


def stale_q(prefix: str = "", today: dt.date | None = None) -> Q:
    """A filter for stale rows; `prefix` reaches a related record ("project__")."""
    return Q(**{f"{prefix}as_of__lt": cutoff(today)})


def annotate_stale[M: Model](queryset: QuerySet[M], today: dt.date | None = None) -> QuerySet[M]:
    """Each row with `is_stale`, computed by the database."""
    # The Django plugin loses a type parameter's model through annotate() (QuerySet[Model, M]).
    return queryset.annotate(  # type: ignore[return-value]
        is_stale=Case(
            When(stale_q(today=today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
