"""The demo's past (issue 18): the history of the demo records dated as their own dates say,
so that the portfolio on 31 Jan 2025 is the smaller portfolio of that day.

`load_demo` saves the records it creates without a history row, then `write_past(records)`
writes each record's versions here:

- it ENTERS the portfolio on its own date: a partner when it joined (its as-of date when the
  day is not published), a target when set, a deal and a project when announced, a
  fundraising update or a market figure on its as-of date, a commitment on its date, a note on
  its day; a project that came with a deal not before the deal (the Aligned campuses join on
  15 Oct 2025, acquired), a phase with its project, a participation once both its project and
  its partner are in, a commitment once its partner (and project) are; and nothing before the
  partnership was announced (17 Sep 2024): the power projects announced years before it enter
  on that day;
- it MOVES STAGE when its phases did: the only dated stage a phase carries is coming online,
  so a project or phase that is operational today and came online after it entered was under
  construction until its (first) phase's online date. No other change has a date in the
  demo (its paused and cancelled projects are so from the day they enter; a commitment has
  today's status from its date);
- every version's as-of date is the earlier of the record's as-of date and the version's own
  day (a record's figures were confirmed when it was entered), and the record's present values
  stand from its as-of date on, so that the last version is the record as it is today.

Days still to come (a commitment dated next month) are written as the moment of loading.
Every row's reason is the loader's ("Demo data (load_demo)"); their types say what happened.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Min, Model

from aipdash.history.asof import start_of_day
from aipdash.history.writing import Version, write_versions
from aipdash.operations.demo.illustrative import AIP_LAUNCH
from partners.models import Partner
from projects.models import (
    Commitment,
    FundraisingUpdate,
    Investment,
    MarketIndicator,
    Note,
    Participation,
    Project,
    ProjectPhase,
    Stage,
    Target,
)

# The partnership was announced on 17 Sep 2024 (public fact aip_founding_announcement): its
# portfolio has nothing before it.
PARTNERSHIP_ANNOUNCED = AIP_LAUNCH
EARLIEST = dt.date.min


class Past:
    """Entry days and versions of demo records (entry days kept per record: a project's is
    read by its phases, participations and commitments)."""

    def __init__(self, reason: str):
        self.reason = reason
        self._entries: dict[tuple[str, Any], dt.date] = {}
        self._first_online: dict[Any, dt.date] = {}

    def entry(self, record: Model) -> dt.date:
        key = (record._meta.label, record.pk)
        if key not in self._entries:
            self._entries[key] = max(self._own_entry(record), PARTNERSHIP_ANNOUNCED)
        return self._entries[key]

    def _own_entry(self, record: Model) -> dt.date:
        match record:
            case Partner():
                return record.joined_on or record.as_of
            case Investment():
                return record.announced_on
            case Project():
                deal = record.investment  # acquired with a deal: not before it
                return max(record.announced_on, self.entry(deal) if deal else EARLIEST)
            case Target():
                return record.set_on
            case FundraisingUpdate() | MarketIndicator():
                return record.as_of
            case ProjectPhase():
                return self.entry(record.project)
            case Participation():
                return max(self.entry(record.project), self.entry(record.partner))
            case Commitment():
                days = [record.committed_on, self.entry(record.partner)]
                if record.project is not None:
                    days.append(self.entry(record.project))
                return max(days)
            case Note():
                return record.date
        raise TypeError(f"no entry rule for {record._meta.label}")

    def online_day(self, record: Model) -> dt.date | None:
        """When an operational project or phase came online: a phase's own date, a project's
        first phase's (its own when it has none)."""
        if isinstance(record, ProjectPhase):
            return record.expected_online
        if isinstance(record, Project):
            return self._first_online.get(record.pk, record.expected_online)
        return None

    def read_phases(self, projects: Iterable[Project]) -> None:
        """The first online date of each project's phases (one query)."""
        keys = [project.pk for project in projects]
        self._first_online.update(
            ProjectPhase.objects.filter(project_id__in=keys)
            .values("project_id")
            .annotate(first=Min("expected_online"))
            .values_list("project_id", "first")
        )

    def versions(self, record: Model) -> list[Version]:
        """The record's versions, oldest first; the last one is the record as it is."""
        dated = steps(
            entered=self.entry(record),
            as_of=record.as_of,  # type: ignore[attr-defined]
            stage=getattr(record, "stage", None),
            online=self.online_day(record),
        )
        return [
            Version(
                record,
                at=start_of_day(day),
                history_type="+" if number == 0 else "~",
                changes=changes,
                reason=self.reason,
            )
            for number, (day, changes) in enumerate(dated)
        ]


def steps(
    *, entered: dt.date, as_of: dt.date, stage: str | None, online: dt.date | None
) -> list[tuple[dt.date, dict[str, Any]]]:
    """The days of a record's versions, oldest first, each with the fields that differed then
    from the record as it is (the module's rules): it enters on `entered`; operational
    (`stage`) and online after it entered, it was under construction until `online`; each
    version's as-of date is the earlier of the record's and the version's day; from `as_of` on
    it stands as it is. The synthetic generator dates its rows by the same rules."""
    dated: list[tuple[dt.date, dict[str, Any]]] = [(entered, {})]
    if stage == Stage.OPERATIONAL and online and online > entered:
        dated = [(entered, {"stage": Stage.CONSTRUCTION}), (online, {})]
    if as_of > dated[-1][0]:
        dated.append((as_of, {}))
    return [(day, {**changes, "as_of": min(as_of, day)}) for day, changes in dated]


def write_past(records: Iterable[Model], *, reason: str) -> int:
    """Write the dated versions of `records` (saved without history); return how many."""
    records = list(records)
    past = Past(reason)
    past.read_phases(record for record in records if isinstance(record, Project))
    return write_versions(version for record in records for version in past.versions(record))
