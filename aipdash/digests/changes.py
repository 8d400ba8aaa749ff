"""What changed in one saved view over a window of time, from the audit trail: each record
touched in [start, end) as it stood at the start against as it stood at the end (added,
changed field by field before → after, deleted; a project's stage moves apart).

Net, not every step: a record edited three times shows its value before and after the week,
one edited and put back shows nothing, one added and deleted inside the window shows nothing.
The versions are read with aipdash.history.asof (`versions(Model, moment)`), the same reading
the as-of dashboard uses, so a digest and the past view agree.

In the view: a project (or its phase, or a partner's part in it) when the project as it stood
at either end matches the view's filters; a commitment when its partner is in the view and, if
the view narrows projects, it is to the partnership as a whole or to a project in the view.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.urls import reverse

from aipdash.core import formatting
from aipdash.dashboard.filters import DashboardFilters
from aipdash.history.asof import history_of, versions
from partners.models import Partner
from projects.models import Commitment, Investment, Participation, Project, ProjectPhase, Stage

LIST_LIMIT = 100  # changes listed in one mail; the rest are counted
MODELS: tuple[type[Model], ...] = (Project, ProjectPhase, Participation, Commitment)
# Fields that change with every save or say nothing to a reader.
QUIET_FIELDS = {"id", "version", "slug", "updated_at", "created_at", "chart_colour"}
MONEY_FIELDS = {"amount_usd", "capital_cost_usd"}
POWER_FIELDS = {"capacity_mw"}


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class RecordChange:
    action: str  # added | changed | deleted
    kind: str  # "project", "commitment", ...
    label: str
    url: str  # the record's page (path), empty when it has none (deleted)
    fields: tuple[FieldChange, ...] = ()
    illustrative: bool = False


@dataclass(frozen=True)
class StageMove:
    project: str
    url: str
    before: str
    after: str


@dataclass
class ViewChanges:
    start: dt.datetime
    end: dt.datetime
    records: list[RecordChange] = field(default_factory=list)
    stage_moves: list[StageMove] = field(default_factory=list)
    total: int = 0  # changes found, listed or not

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.records))

    def count(self, action: str) -> int:
        return sum(1 for r in self.records if r.action == action)


def show(model: type[Model], name: str, value: Any, names: dict[str, dict[int, str]]) -> str:
    """A field's value for people: choices by label, money and MW with units, records by
    name."""
    if value is None or value == "":
        return "—"
    if name in MONEY_FIELDS:
        return formatting.usd(value)
    if name in POWER_FIELDS:
        return formatting.power(value)
    if name.endswith("_id") and name[:-3] in names:
        return names[name[:-3]].get(value, f"#{value}")
    model_field = model._meta.get_field(name.removesuffix("_id"))
    choices = dict(getattr(model_field, "choices", None) or ())
    if choices:
        return str(choices.get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def _fields(model: type[Model]) -> list[tuple[str, str]]:
    """(attribute name, label) of the fields compared."""
    return [
        (f.attname, str(f.verbose_name))
        for f in model._meta.concrete_fields
        if f.name not in QUIET_FIELDS
    ]


def _diff(
    model: type[Model], before: Any, after: Any, names: dict[str, dict[int, str]]
) -> tuple[FieldChange, ...]:
    out = []
    for attname, label in _fields(model):
        old, new = getattr(before, attname, None), getattr(after, attname, None)
        if old != new:
            out.append(
                FieldChange(
                    label=label[:1].upper() + label[1:],
                    before=show(model, attname, old, names),
                    after=show(model, attname, new, names),
                )
            )
    return tuple(out)


def _touched(model: type[Model], start: dt.datetime, end: dt.datetime) -> set[int]:
    history = history_of(model)
    return set(
        history._default_manager.filter(history_date__gte=start, history_date__lt=end)
        .values_list("id", flat=True)
        .distinct()
    )


def _by_id(rows: Iterable[Any]) -> dict[int, Any]:
    return {row.id: row for row in rows}


def project_matches(filters: DashboardFilters, project: Any, partner_slugs: set[str]) -> bool:
    """Whether a project (a live row or a version) is in the view: the dashboard's project
    conditions (selectors.common.project_conditions) on one record."""
    start, end = filters.online_range()
    online = project.expected_online
    return not (
        (filters.kind and project.kind not in filters.kind)
        or (filters.stage and project.stage not in filters.stage)
        or (filters.energy_source and project.energy_source not in filters.energy_source)
        or (filters.country and str(project.country) not in filters.country)
        or (start is not None and (online is None or online < start))
        or (end is not None and (online is None or online > end))
        or (filters.partner and not set(filters.partner) & partner_slugs)
    )


class Reader:
    """The versions of the touched records at both ends of the window, and the names their
    keys point at; one set of queries per model."""

    def __init__(self, start: dt.datetime, end: dt.datetime) -> None:
        self.start, self.end = start, end
        self.touched = {model: _touched(model, start, end) for model in MODELS}
        self.before: dict[type[Model], dict[int, Any]] = {}
        self.after: dict[type[Model], dict[int, Any]] = {}
        for model, ids in self.touched.items():
            self.before[model] = _by_id(versions(model, start).filter(id__in=ids)) if ids else {}
            self.after[model] = _by_id(versions(model, end).filter(id__in=ids)) if ids else {}
        project_ids = set(self.touched[Project])
        for model in (ProjectPhase, Participation, Commitment):
            for side in (self.before[model], self.after[model]):
                project_ids |= {row.project_id for row in side.values() if row.project_id}
        self.project_ids = project_ids
        # The projects as they stood at each end (the untouched ones too: a phase's project).
        self.projects_before = _by_id(versions(Project, start).filter(id__in=project_ids))
        self.projects_after = _by_id(versions(Project, end).filter(id__in=project_ids))
        self.partners_of: dict[int, set[int]] = {pid: set() for pid in project_ids}
        for moment in (start, end):
            for project_id, partner_id in (
                versions(Participation, moment)
                .filter(project_id__in=project_ids)
                .values_list("project_id", "partner_id")
            ):
                self.partners_of[project_id].add(partner_id)
        self.partner_slugs = dict(Partner.objects.values_list("id", "slug"))
        self.names = {
            "partner": dict(Partner.objects.values_list("id", "short_name")),
            "project": {
                **{pid: p.name for pid, p in self.projects_before.items()},
                **{pid: p.name for pid, p in self.projects_after.items()},
            },
            "investment": dict(Investment.objects.values_list("id", "name")),
        }

    def project_in_view(self, filters: DashboardFilters, project_id: int | None) -> bool:
        slugs = {self.partner_slugs.get(p, "") for p in self.partners_of.get(project_id or 0, ())}
        return any(
            version is not None and project_matches(filters, version, slugs)
            for version in (
                self.projects_before.get(project_id or 0),
                self.projects_after.get(project_id or 0),
            )
        )

    def in_view(self, filters: DashboardFilters, model: type[Model], row: Any) -> bool:
        if model is Project:
            return self.project_in_view(filters, row.id)
        if model is Commitment:
            if filters.partner and self.partner_slugs.get(row.partner_id) not in filters.partner:
                return False
            if filters.narrows_projects and row.project_id is not None:
                return self.project_in_view(filters, row.project_id)
            return True
        return self.project_in_view(filters, row.project_id)


def _label(model: type[Model], row: Any, names: dict[str, dict[int, str]]) -> str:
    if model is Project:
        return str(row.name)
    project = names["project"].get(row.project_id, "") if row.project_id else ""
    if model is Commitment:
        partner = names["partner"].get(row.partner_id, f"partner #{row.partner_id}")
        target = project or "the partnership"
        return f"{row.reference}: {partner}, {formatting.usd(row.amount_usd)} to {target}"
    if model is Participation:
        partner = names["partner"].get(row.partner_id, f"partner #{row.partner_id}")
        return f"{project}: {partner} ({row.get_role_display()})"
    return f"{project}: {row.name}"


def _url(model: type[Model], row: Any, reader: Reader) -> str:
    """The page of the record's project as it stands at the window's end (none if deleted)."""
    project_id = row.id if model is Project else getattr(row, "project_id", None)
    project = reader.projects_after.get(project_id or 0)
    return reverse("projects:detail", args=[project.slug]) if project is not None else ""


def view_changes(filters: DashboardFilters, start: dt.datetime, end: dt.datetime) -> ViewChanges:
    """The changes in the view over [start, end) (see the module's docstring)."""
    reader = Reader(start, end)
    changes = ViewChanges(start=start, end=end)
    stage_labels = dict(Stage.choices)
    for model in MODELS:
        kind = str(model._meta.verbose_name)
        for record_id in sorted(reader.touched[model]):
            before = reader.before[model].get(record_id)
            after = reader.after[model].get(record_id)
            if before is None and after is None:
                continue  # added and deleted within the window
            if not reader.in_view(filters, model, after or before):
                continue
            if before is None:
                change = RecordChange("added", kind, _label(model, after, reader.names), "")
            elif after is None:
                change = RecordChange("deleted", kind, _label(model, before, reader.names), "")
            else:
                diff = _diff(model, before, after, reader.names)
                if not diff:
                    continue  # changed and put back
                change = RecordChange("changed", kind, _label(model, after, reader.names), "", diff)
                if model is Project and before.stage != after.stage:
                    changes.stage_moves.append(
                        StageMove(
                            project=after.name,
                            url=_url(model, after, reader),
                            before=str(stage_labels.get(before.stage, before.stage)),
                            after=str(stage_labels.get(after.stage, after.stage)),
                        )
                    )
            changes.total += 1
            if len(changes.records) < LIST_LIMIT:
                row = after or before
                url = _url(model, row, reader) if change.action != "deleted" else ""
                changes.records.append(
                    RecordChange(
                        change.action,
                        change.kind,
                        change.label,
                        url,
                        change.fields,
                        bool(getattr(row, "illustrative", False)),
                    )
                )
    return changes
