"""The dated notes a view shows (issue 18): the notes that match it, as they stood.

A note about no partner and no project is the partnership's: every view shows it. A note about
a partner matches the views that include that partner; one about a project, the views that
include that project (a note naming both needs both). `matching(reading, partners=...,
projects=...)` takes each side as keys (a subquery or a collection of ids) or None when the
view includes every one; the dashboard passes its filtered partners and projects, a partner
page the partner and the projects it takes part in, a project page the project and its
partners. As of a day, the notes are the versions that stood then, and the names they carry
(the partner's short name, the project's name) those of the same day: rows, not ORM relations
(which read the live tables).

Each note is a plain row, the shape of `ChartData.extras["notes"]` (aipdash/charts/data.py):
{"date", "text", "partner", "project", "source_title", "source_url"}, oldest first. Three
queries at most (the notes, then the names of the partners and projects they name).
"""

from collections.abc import Collection
from typing import Any

from django.db.models import Q, QuerySet

from aipdash.history.asof import AsOf, Live
from partners.models import Partner
from projects.models import Note, Project

type Keys = QuerySet[Any] | Collection[int] | None
type NoteRow = dict[str, Any]


def _within(column: str, keys: Keys) -> Q:
    """The note names nothing in `column`, or one of `keys` (None: every record is in view)."""
    if keys is None:
        return Q()
    return Q(**{f"{column}__isnull": True}) | Q(**{f"{column}__in": keys})


def matching(
    reading: Live | AsOf, *, partners: Keys = None, projects: Keys = None
) -> list[NoteRow]:
    """The notes of a view whose partners and projects are `partners` and `projects` (keys, or
    None for all), as they stood under `reading`, oldest first."""
    found = list(
        reading.rows(Note)
        .filter(_within("partner_id", partners), _within("project_id", projects))
        .order_by("date", "text", "id")
        .values("date", "text", "partner_id", "project_id", "source_title", "source_url")
    )
    partner_names = _names(reading, Partner, "short_name", {n["partner_id"] for n in found})
    project_names = _names(reading, Project, "name", {n["project_id"] for n in found})
    return [
        {
            "date": note["date"],
            "text": note["text"],
            "partner": partner_names.get(note["partner_id"], ""),
            "project": project_names.get(note["project_id"], ""),
            "source_title": note["source_title"],
            "source_url": note["source_url"],
        }
        for note in found
    ]


def _names(
    reading: Live | AsOf, model: type[Partner | Project], field: str, ids: set[Any]
) -> dict[int, str]:
    """The names of the records `ids` of `model` as they stood (no query when there are none)."""
    ids.discard(None)
    if not ids:
        return {}
    rows = reading.rows(model).filter(id__in=ids).values_list("id", field)
    return dict(rows)
