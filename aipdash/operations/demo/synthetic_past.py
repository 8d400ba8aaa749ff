"""The synthetic portfolio's past (issue 18): the history rows of the drawn records dated as
their own dates say, by the demo's rules (past.py, `steps`), so that a 100k bench has a past to
compare with and the portfolio on a past day is the smaller portfolio of that day.

- a project ENTERS when it was announced, but not before the partnership was (17 Sep 2024:
  the synthetic projects announced from 2009 on all enter that day); its phases with it; a
  participation once its project and its partner are in; a commitment on its date, once its
  partner (and project) are;
- it MOVES STAGE when its phases did: an operational project or phase that came online after
  it entered was under construction until then (a project: its first phase's date);
- each version's as-of date is the earlier of the record's and the version's day; from the
  record's as-of date (synthetic_draws.AS_OF) on, it stands as it is now.

A partner enters with its first history row (the demo's are dated by their own past; the
synthetic partners join when the partnership was announced). Today and the days after it are
written as the moment of loading: no version is dated after it was written (a commitment dated 2028
enters now). The rows are dicts of the historical model's field values, written in bulk by
bulk.py like the records themselves (COPY on PostgreSQL): no model instance per row.
"""

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Min
from django.utils import timezone

from aipdash.history.asof import day_of, start_of_day
from aipdash.operations.demo.past import PARTNERSHIP_ANNOUNCED, steps
from aipdash.operations.demo.synthetic_draws import Row
from partners.models import Partner


class Dating:
    """Dates the versions of one load's rows: the partners' entry days read once, the moment of
    each day computed once."""

    def __init__(self, reason: str, partner_ids: Iterable[int]):
        self.reason = reason
        self.now = timezone.now()
        today = day_of(self.now)
        first = dict(
            Partner.history.filter(id__in=list(partner_ids))
            .values("id")
            .annotate(first=Min("history_date"))
            .values_list("id", "first")
        )
        self.partner_entry: dict[object, dt.date] = {
            pk: max(day_of(moment), PARTNERSHIP_ANNOUNCED) if moment else today
            for pk, moment in first.items()
        }
        self._today = today
        self._moments: dict[dt.date, dt.datetime] = {}

    def moment(self, day: dt.date) -> dt.datetime:
        """The start of `day` in the site's time zone; now for today and later days (a partner
        made today entered at the moment it was saved, before this load)."""
        known = self._moments.get(day)
        if known is None:
            known = self._moments[day] = start_of_day(day) if day < self._today else self.now
        return known

    def partner(self, pk: object) -> dt.date:
        """When a partner entered (today for one without history)."""
        return self.partner_entry.get(pk, self._today)

    def versions(
        self, row: Row, *, entered: dt.date, online: dt.date | None = None
    ) -> list[dict[str, Any]]:
        """The history rows of the record `row` (its field values, its id under "id")."""
        stage = row.get("stage")
        dated = steps(
            entered=entered,
            as_of=_day(row, "as_of"),
            stage=stage if isinstance(stage, str) else None,
            online=online,
        )
        return [
            {
                **row,
                **changes,
                "history_date": self.moment(day),
                "history_type": "+" if number == 0 else "~",
                "history_change_reason": self.reason,
            }
            for number, (day, changes) in enumerate(dated)
        ]

    def project(
        self, project: Row, phases: Sequence[Row], participations: Sequence[Row]
    ) -> tuple[dt.date, list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        """A project's entry day and the history rows of it, its phases and its
        participations (each row with its id under "id")."""
        entered = max(_day(project, "announced_on"), PARTNERSHIP_ANNOUNCED)
        online = min(
            (_day(phase, "expected_online") for phase in phases),
            default=_optional_day(project, "expected_online"),
        )
        return (
            entered,
            self.versions(project, entered=entered, online=online),
            [
                version
                for phase in phases
                for version in self.versions(
                    phase, entered=entered, online=_day(phase, "expected_online")
                )
            ],
            [
                version
                for taking_part in participations
                for version in self.versions(
                    taking_part, entered=max(entered, self.partner(taking_part["partner_id"]))
                )
            ],
        )

    def commitment(self, commitment: Row, project_entry: dt.date | None) -> list[dict[str, Any]]:
        """The history rows of a commitment (its id under "id")."""
        days = [
            _day(commitment, "committed_on"),
            PARTNERSHIP_ANNOUNCED,
            self.partner(commitment["partner_id"]),
        ]
        if project_entry is not None:
            days.append(project_entry)
        return self.versions(commitment, entered=max(days))


def _optional_day(row: Row, key: str) -> dt.date | None:
    value = row.get(key)
    if value is not None and not isinstance(value, dt.date):
        raise TypeError(f"{key} is not a date: {value!r}")
    return value


def _day(row: Row, key: str) -> dt.date:
    value = _optional_day(row, key)
    if value is None:
        raise TypeError(f"{key} is empty")
    return value


def entry_of(project_id: int, project_ids: Sequence[int], entries: Sequence[int]) -> dt.date:
    """The entry day of a project of this load, by its id: `project_ids` ascend (each batch's
    ids come from the table's sequence in order), `entries` holds the days as ordinals."""
    index = bisect_left(project_ids, project_id)
    if index == len(project_ids) or project_ids[index] != project_id:
        raise LookupError(f"project {project_id} is not one of this load's")
    return dt.date.fromordinal(entries[index])
