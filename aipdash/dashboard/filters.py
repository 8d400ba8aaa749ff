"""The dashboard's filters, the ONE filter vocabulary: which fields there are, their labels,
which a share link may leave open, the query string parsed into one validated, immutable
object, its canonical form, and a view described in words.

`DashboardFilters.from_query(request.GET, partner_slugs=...)` either returns the filters or
raises `FilterError` naming each wrong field; nothing is guessed and nothing is dropped in
silence (an unknown value is an error, not an empty filter). `canonical()` is the one text
form of a view (keys and values sorted, defaults left out): URLs, cache keys and shared links
use it, so the same view always has the same address.

Every categorical filter takes several values (`?partner=gip&partner=mgx`); the values of one
filter are alternatives (OR), different filters narrow each other (AND). An empty value, as a
form sends for "any", means no filter.
"""

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any
from urllib.parse import urlencode

from django.utils.datastructures import MultiValueDict
from django_countries import countries

from aipdash.charts.data import LABELS
from aipdash.core.cache.payloads import cached
from aipdash.history import asof, dates
from aipdash.scenarios.applied import AppliedScenario

MAX_QUERY_LENGTH = 2048  # characters of the whole query string
MAX_VALUE_LENGTH = 80  # characters of one value
MAX_VALUES = 60  # values of one filter
YEAR_MIN, YEAR_MAX = 2000, 2100

CHOICES = {
    "kind": frozenset(LABELS["kind"]),
    "stage": frozenset(LABELS["stage"]),
    "energy_source": frozenset(LABELS["energy_source"]),
    "country": frozenset(code for code, _ in countries),
}
MULTI = ("partner", "kind", "stage", "energy_source", "country")
YEARS = ("online_from", "online_to")
# `?scenario=<slug>`: the figures under a saved scenario's assumptions beside the recorded ones.
# Parsed here for its form only; whether the reader may see it is the view's to check
# (pages.with_scenario), since it depends on who asks.
SCENARIO = "scenario"
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
# The day a view shows and the day it is compared with (aipdash/history/dates.py).
DATES = dates.PARAMETERS
PARAMETERS = frozenset((*MULTI, *YEARS, SCENARIO, *DATES))

FIELD_LABELS = {
    "partner": "Partner",
    "kind": "Project kind",
    "stage": "Stage",
    "energy_source": "Energy source",
    "country": "Country",
    "online_from": "Online from (year)",
    "online_to": "Online to (year)",
    "scenario": "Scenario",
    **dates.FIELD_LABELS,
    "query": "Address",
}


# The filter controls of the dashboard's form, each a group of fields ("online": the two years);
# a share link leaves some of them open to its viewers.
OPENABLE = (*MULTI, "online")
OPENABLE_LABELS = {**{key: FIELD_LABELS[key] for key in MULTI}, "online": "Online years"}


class FilterError(ValueError):
    """The query string is not a valid view; `errors` maps each field to what is wrong."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class DashboardFilters:
    partner: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    stage: tuple[str, ...] = ()
    energy_source: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    online_from: int | None = None
    online_to: int | None = None
    scenario: str | None = None  # a scenario's slug, as the address gives it
    # The scenario resolved for the reader (pages.with_scenario): its assumptions and the
    # version its figures are cached under. Not part of the address.
    applied: AppliedScenario | None = field(default=None, compare=False, repr=False)
    # The portfolio as it stood at the end of this day (None: today's), and the day the view
    # is compared with (None: no comparison): docs/as-of.md.
    as_of: dt.date | None = None
    compare: dt.date | None = None
    # A frozen share link's instant (never from a query string: aipdash/sharing/services.py):
    # the portfolio as it stood just before it, unless an as-of day is set.
    at: dt.datetime | None = None

    @classmethod
    def from_query(
        cls,
        query: MultiValueDict[str, str],
        *,
        partner_slugs: Iterable[str],
        first_day: dt.date | None = None,
        today: dt.date | None = None,
    ) -> "DashboardFilters":
        """Parse a QueryDict (or a dict of lists); `partner_slugs` are the partners that exist.
        `first_day` and `today` bound the dates (by default the portfolio's first record's day,
        read only when a date is given, and today in the site's time zone)."""
        errors: dict[str, str] = {}
        lists = {key: list(query.getlist(key)) for key in query}
        total = sum(len(k) + len(v) + 2 for k, values in lists.items() for v in values)
        if total > MAX_QUERY_LENGTH:
            raise FilterError(
                {
                    "query": f"The address is too long (over {MAX_QUERY_LENGTH} "
                    "characters of filters)."
                }
            )
        for key in sorted(set(lists) - PARAMETERS):
            errors[key if len(key) <= MAX_VALUE_LENGTH else "query"] = (
                f"“{key[:MAX_VALUE_LENGTH]}” is not a filter of this dashboard."
            )

        allowed = {**CHOICES, "partner": frozenset(partner_slugs)}
        values: dict[str, Any] = {}  # the fields' keyword arguments: tuples, years
        for key in MULTI:
            given = [v.strip() for v in lists.get(key, []) if v.strip()]
            if len(given) > MAX_VALUES:
                errors[key] = f"At most {MAX_VALUES} values."
                continue
            if any(len(v) > MAX_VALUE_LENGTH for v in given):
                errors[key] = "A value is too long."
                continue
            repeated = sorted({v for v in given if given.count(v) > 1})
            if repeated:
                errors[key] = f"“{repeated[0]}” is given more than once."
                continue
            unknown = sorted(set(given) - allowed[key])
            if unknown:
                errors[key] = f"Unknown {FIELD_LABELS[key].lower()}: “{unknown[0]}”."
                continue
            values[key] = tuple(sorted(given))

        for key in YEARS:
            given = [v.strip() for v in lists.get(key, []) if v.strip()]
            if len(given) > 1:
                errors[key] = "Give one year at most."
                continue
            if not given:
                values[key] = None
                continue
            text = given[0]
            if not (text.isascii() and text.isdigit() and len(text) == 4):
                errors[key] = f"“{text[:MAX_VALUE_LENGTH]}” is not a year (such as 2027)."
                continue
            year = int(text)
            if not YEAR_MIN <= year <= YEAR_MAX:
                errors[key] = f"A year from {YEAR_MIN} to {YEAR_MAX}."
                continue
            values[key] = year

        given = [v.strip() for v in lists.get(SCENARIO, []) if v.strip()]
        if len(given) > 1:
            errors[SCENARIO] = "Give one scenario at most."
        elif given and (len(given[0]) > MAX_VALUE_LENGTH or not SLUG.fullmatch(given[0])):
            errors[SCENARIO] = (
                f"“{given[0][:MAX_VALUE_LENGTH]}” is not a scenario's address (letters, digits "
                "and hyphens)."
            )
        elif given:
            values[SCENARIO] = given[0]

        if (
            values.get("online_from") is not None
            and values.get("online_to") is not None
            and values["online_from"] > values["online_to"]
        ):
            errors["online_to"] = (
                f"The range runs backwards: {values['online_from']} is after {values['online_to']}."
            )
        if any(dates._values(lists, key) for key in DATES):
            try:
                days = dates.ViewDates.from_query(
                    lists,
                    first_day=cached_first_day() if first_day is None else first_day,
                    today=dates.today() if today is None else today,
                )
            except dates.DateError as error:
                errors.update(error.errors)
            else:
                values |= {"as_of": days.as_of, "compare": days.compare}
        past = [key for key in DATES if values.get(key) is not None]
        if values.get(SCENARIO) is not None and past:
            # The scenario's figures read today's tables (the medians, the phases' projects):
            # not a past day's. Named on both sides, so either can be removed.
            said = " and ".join(FIELD_LABELS[key] for key in past)
            message = f"A scenario applies to today's portfolio only: remove Scenario, or {said}."
            errors.setdefault(SCENARIO, message)
            for key in past:
                errors.setdefault(key, message)
        if errors:
            raise FilterError(errors)
        return cls(**values)

    def to_json(self) -> dict[str, list[str] | int | str]:
        """The filters as plain JSON (stored by shared links): only set filters, lists for
        the categorical ones. Not the scenario: a link stores its assumptions apart."""
        data: dict[str, list[str] | int | str] = {}
        for key in MULTI:
            if getattr(self, key):
                data[key] = list(getattr(self, key))
        for key in YEARS:
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        for key in DATES:
            if getattr(self, key) is not None:
                data[key] = getattr(self, key).isoformat()
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "DashboardFilters":
        """Filters stored by `to_json` (trusted: written by us); unknown keys are dropped."""
        values: dict[str, Any] = {key: tuple(sorted(data[key])) for key in MULTI if data.get(key)}
        values |= {key: int(data[key]) for key in YEARS if data.get(key) is not None}
        values |= {key: dt.date.fromisoformat(data[key]) for key in DATES if data.get(key)}
        return cls(**values)

    def items(self) -> list[tuple[str, str]]:
        """(key, value) pairs of the canonical form: keys sorted, values sorted, no defaults."""
        pairs: list[tuple[str, str]] = []
        for f in sorted(fields(self), key=lambda f: f.name):
            if f.name == "applied":
                continue
            value = getattr(self, f.name)
            if value is None or value == ():
                continue
            if isinstance(value, dt.datetime):  # a frozen instant, in UTC
                pairs.append((f.name, value.astimezone(dt.UTC).isoformat()))
            elif isinstance(value, tuple):
                pairs.extend((f.name, v) for v in value)
            else:
                pairs.append((f.name, str(value)))
        return pairs

    def canonical(self) -> str:
        """The query string of this view, without '?': the same view, the same text."""
        return urlencode(self.items())

    def cache_text(self) -> str:
        """What the view's cached figures are keyed by: its canonical form and, under a
        scenario, the scenario's version (saving it replaces the version: nothing stale)."""
        if self.scenario is None:
            return self.canonical()
        if self.applied is None or self.applied.slug != self.scenario:
            # A path that did not resolve the scenario for its reader: never serve figures.
            raise ValueError(f"Scenario “{self.scenario}” not resolved for this view.")
        return f"{self.canonical()}|scenario-version={self.applied.version}"

    def with_scenario(self, applied: AppliedScenario | None) -> "DashboardFilters":
        return dataclasses.replace(
            self, scenario=applied.slug if applied else None, applied=applied
        )

    def recorded(self) -> "DashboardFilters":
        """The same view without the scenario: the recorded figures beside it."""
        return dataclasses.replace(self, scenario=None, applied=None)

    @property
    def is_default(self) -> bool:
        return not self.items()

    @property
    def narrows_projects(self) -> bool:
        """True when a filter other than partner restricts the projects."""
        return bool(
            self.kind
            or self.stage
            or self.energy_source
            or self.country
            or self.online_from is not None
            or self.online_to is not None
        )

    @property
    def reading(self) -> asof.Live | asof.AsOf:
        """Where the view's rows come from: the live tables, or the history at the end of
        its as-of day."""
        if self.as_of is not None:
            return asof.AsOf.end_of(self.as_of)
        return asof.Live() if self.at is None else asof.AsOf(self.at)

    @property
    def is_live(self) -> bool:
        """Today's portfolio (compared with a day or not)."""
        return self.as_of is None and self.at is None

    def shown(self) -> "DashboardFilters":
        """The view's own figures, without the comparison (what the selectors compute)."""
        return replace(self, compare=None)

    def earlier(self) -> "DashboardFilters | None":
        """The same filters on the day compared with (None: no comparison)."""
        return None if self.compare is None else replace(self, as_of=self.compare, compare=None)

    def online_range(self) -> tuple[dt.date | None, dt.date | None]:
        """The expected-online date bounds of the year range (inclusive)."""
        start = dt.date(self.online_from, 1, 1) if self.online_from is not None else None
        end = dt.date(self.online_to, 12, 31) if self.online_to is not None else None
        return start, end


def years_text(filters: DashboardFilters) -> str:
    """The online years of a view in words: "2026 to any year"."""
    first = filters.online_from or "any year"
    last = filters.online_to or "any year"
    return f"{first} to {last}"


def describe(
    filters: DashboardFilters, names: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """The filters of a view for people: [(field label, values)]; `names` gives labels of
    values that are records (partners' short names)."""
    labels = {**LABELS, "partner": names or {}}
    parts = []
    for key in MULTI:
        values = getattr(filters, key)
        if values:
            shown = [labels.get(key, {}).get(v, v) for v in values]
            parts.append((FIELD_LABELS[key], ", ".join(shown)))
    if filters.online_from is not None or filters.online_to is not None:
        parts.append((OPENABLE_LABELS["online"], years_text(filters)))
    for key in DATES:
        if getattr(filters, key) is not None:
            parts.append((FIELD_LABELS[key], dates.spoken(getattr(filters, key))))
    if filters.applied is not None:
        parts.append((FIELD_LABELS[SCENARIO], filters.applied.name))
    return parts


def cached_first_day() -> dt.date | None:
    """The day of the portfolio's first record (the date fields' minimum), cached under the
    data version: every view with a date checks against it, and it is ten queries (the first
    version of each model's history)."""
    return cached("first-day", "", asof.first_day, local=True)
