"""The dates of a view of the past, parsed and checked: `?as_of=2025-06-30` (the portfolio as
it stood at the end of that day) and `?compare=2025-03-31` (the view set against that day).

Pure: the first record's day and today are given (`asof.first_day()`, `today()`), so that the
rules are tested without a database or a clock. `ViewDates.from_query(query, first_day=...,
today=...)` returns the dates or raises `DateError`, whose `errors` map each wrong parameter to
a sentence, in the shape of the dashboard's `FilterError` (aipdash/dashboard/filters.py): the
dashboard adds these two parameters to its vocabulary by merging both, and a wrong date is a
400 that names its field, never a 500.

The rules: a date is written YYYY-MM-DD (what a date field sends; nothing guessed between
day-month and month-day); not before the day of the first record (there is no portfolio to
show before it) and not after today in the site's time zone (no figure is known for it); the
day to compare with comes before the day shown (the view's as-of day, or today).
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

PARAMETERS = ("as_of", "compare")
FIELD_LABELS = {"as_of": "As of", "compare": "Compared with"}
MAX_TEXT = 80  # characters of a wrong value quoted back


class DateError(ValueError):
    """The dates are not a valid view; `errors` maps each parameter to what is wrong."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))
        self.errors = errors


def today() -> dt.date:
    """Today in the site's time zone."""
    return timezone.localdate()


def spoken(day: dt.date) -> str:
    """A day for people: 30 Jun 2025."""
    return f"{day.day} {day:%b %Y}"


def parse_day(text: str, *, field: str, first_day: dt.date | None, today: dt.date) -> dt.date:
    """One date of a view, or DateError naming `field`."""
    text = text.strip()
    try:
        if not (text.isascii() and len(text) == 10):
            raise ValueError
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise DateError(
            {
                field: f"“{text[:MAX_TEXT]}” is not a date: write it as YYYY-MM-DD, "
                "such as 2025-06-30."
            }
        ) from None
    if first_day is None:
        raise DateError({field: "The portfolio has no records yet: it has no past to show."})
    if day < first_day:
        raise DateError(
            {
                field: f"{spoken(day)} is before the portfolio's first record "
                f"({spoken(first_day)}): pick that day or a later one."
            }
        )
    if day > today:
        raise DateError(
            {
                field: f"{spoken(day)} is in the future: pick today ({spoken(today)}) or an "
                "earlier day."
            }
        )
    return day


def _values(query: Mapping[str, Any], key: str) -> list[str]:
    """The non-empty values of `key` in a QueryDict or a plain mapping (str or list)."""
    if hasattr(query, "getlist"):
        given = query.getlist(key)
    else:
        given = query.get(key, [])
        given = [given] if isinstance(given, str) else list(given)
    return [value for value in given if value.strip()]


@dataclass(frozen=True)
class ViewDates:
    """The day a view shows the portfolio as of (None: today, live) and the day it is
    compared with (None: no comparison)."""

    as_of: dt.date | None = None
    compare: dt.date | None = None

    @classmethod
    def from_query(
        cls, query: Mapping[str, Any], *, first_day: dt.date | None, today: dt.date
    ) -> "ViewDates":
        """The `as_of` and `compare` parameters of `query` (others are not looked at)."""
        errors: dict[str, str] = {}
        days: dict[str, dt.date | None] = {}
        for key in PARAMETERS:
            given = _values(query, key)
            if len(given) > 1:
                errors[key] = "Give one date at most."
                continue
            try:
                days[key] = (
                    parse_day(given[0], field=key, first_day=first_day, today=today)
                    if given
                    else None
                )
            except DateError as error:
                errors.update(error.errors)
        compare, as_of = days.get("compare"), days.get("as_of")
        if compare is not None and "as_of" not in errors:
            shown = as_of or today
            if compare >= shown:
                errors["compare"] = (
                    f"Compare with a day before the one shown ({spoken(shown)}"
                    f"{'' if as_of else ', today'})."
                )
        if errors:
            raise DateError(errors)
        return cls(as_of=as_of, compare=compare)

    def items(self) -> list[tuple[str, str]]:
        """(key, value) pairs of the canonical query string, the defaults left out."""
        return [
            (key, getattr(self, key).isoformat())
            for key in PARAMETERS
            if getattr(self, key) is not None
        ]

    @property
    def is_live(self) -> bool:
        """Today's portfolio, compared with nothing: the dashboard as it is."""
        return self.as_of is None and self.compare is None
