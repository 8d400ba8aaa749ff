"""{% stale_badge record %}: the "Stale" badge of a record not confirmed for too long (see
aipdash/records/staleness.py); nothing for a record that is current."""

import datetime as dt

from django import template

from aipdash.records import staleness

register = template.Library()


@register.inclusion_tag("includes/stale.html")
def stale_badge(record: object) -> dict[str, dt.date | None]:
    since = staleness.stale_since(record)
    return {"since": since, "as_of": getattr(record, "as_of", None)}


@register.filter
def is_stale(record: object) -> bool:
    return staleness.is_stale(record)
