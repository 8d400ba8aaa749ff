"""A project's timeline: the events of its life, oldest first.

- announced (the project's announcement date);
- each stage change, read from the audit trail (django-simple-history): old → new, when, by whom;
- each phase coming online: actual when the phase is operational, planned otherwise;
- each commitment to the project: date, partner, amount, instrument and status;
- each dated note about the project (aipdash/history/notes.py), with its source.

Three queries whatever the project's size: its history (stage column only, bounded), its phases
and its commitments (the page's own lists are reused when given). As of a day (`until`, the
end of that day), the stage changes written before then, and "planned" reckoned from that day.
"""

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from aipdash.charts.notes import web_address
from projects.models import Commitment, Project, ProjectPhase, Stage

# Versions of the project read to find its stage changes: the most recent ones.
HISTORY_LIMIT = 500
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Event:
    date: dt.date
    kind: str  # announced | stage | phase | commitment | note
    title: str
    detail: str = ""
    amount_usd: Decimal | None = None
    capacity_mw: Decimal | None = None
    planned: bool = False  # a date in the future or not yet reached (phase not yet online)
    url: str = ""
    who: str = ""
    external: bool = False  # `url` is a source elsewhere (a note's): opened in a new tab


def _stage_label(value: str) -> str:
    return dict(Stage.choices).get(value, value)


def stage_changes(
    project: Project, limit: int = HISTORY_LIMIT, until: dt.datetime | None = None
) -> list[Event]:
    """Each change of the project's stage in its history (written before `until`, when given):
    (when, old → new, by whom). The first version (the record's creation) is not a change."""
    history = project.history.all()
    if until is not None:
        history = history.filter(history_date__lt=until)
    versions = list(
        history.order_by("-history_date", "-history_id").values_list(
            "history_date", "stage", "history_user__username"
        )[:limit]
    )
    versions.reverse()  # oldest first
    events = []
    for (_, before, _), (when, after, who) in itertools.pairwise(versions):
        if before != after:
            events.append(
                Event(
                    date=timezone.localdate(when),
                    kind="stage",
                    title=f"Stage: {_stage_label(before)} → {_stage_label(after)}",
                    who=who or "",
                )
            )
    return events


def events(
    project: Project,
    *,
    phases: list[ProjectPhase] | None = None,
    commitments: list[Commitment] | None = None,
    notes: Iterable[Mapping[str, Any]] = (),
    until: dt.datetime | None = None,
    page_query: str = "",
) -> list[Event]:
    """The whole timeline, oldest first; events of the same day in a fixed order. As of a day,
    `until` is its end, and `page_query` ("?as_of=...") goes on the links to other pages."""
    today = timezone.localdate() if until is None else timezone.localdate(until) - ONE_DAY
    if phases is None:
        phases = list(project.phases.order_by("sequence"))
    if commitments is None:
        commitments = list(project.commitments.select_related("partner"))
    found = [
        Event(date=project.announced_on, kind="announced", title="Announced"),
        *stage_changes(project, until=until),
    ]
    for phase in phases:
        online = phase.stage == Stage.OPERATIONAL
        label = phase.name or f"Phase {phase.sequence}"
        found.append(
            Event(
                date=phase.expected_online,
                kind="phase",
                title=f"{label} {'online' if online else 'planned online'}",
                capacity_mw=phase.capacity_mw,
                planned=not online or phase.expected_online > today,
            )
        )
    for commitment in commitments:
        found.append(
            Event(
                date=commitment.committed_on,
                kind="commitment",
                title=f"{commitment.partner.name} commitment",
                detail=f"{commitment.get_instrument_display()}, "
                f"{commitment.get_status_display().lower()}",
                amount_usd=commitment.amount_usd,
                url=commitment.partner.get_absolute_url() + page_query,
                planned=commitment.committed_on > today,
            )
        )
    for note in notes:
        found.append(
            Event(
                date=note["date"],
                kind="note",
                title=note["text"],
                detail=note.get("source_title") or "",
                url=web_address(note.get("source_url")),
                external=True,
            )
        )
    order = {"announced": 0, "stage": 1, "commitment": 2, "phase": 3, "note": 4}
    found.sort(key=lambda e: (e.date, order[e.kind]))
    return found
