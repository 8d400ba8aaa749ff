"""Optimistic locking of portfolio records: a second editor's stale save is refused, never a
silent overwrite.

Every portfolio model (see `provenance.Provenance`) carries a `version` number. A save of an
existing record is one conditional UPDATE, `… SET version = v + 1 WHERE id = … AND version = v`,
where `v` is the version the instance was loaded with (or, in the admin, the version its form
was loaded with). When no row matches, the record was changed (or deleted) since: the save
raises `StaleEditError` and writes nothing, whatever the write path (admin, a command, code
calling `save()`). `QuerySet.update()` (and so `bulk_update()`) adds `version = version + 1`
by itself, so a form opened before such a change is refused too.

`conflict(model, pk, loaded_version)` reads the history (django-simple-history keeps the
version in every historical row) to say who changed the record, when, and which fields went
from what to what since that version: the admin shows it on the refused form.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

VERSION_FIELD = "version"
# A row of a model's history: simple-history makes the historical models at run time, so their
# fields (history_user, history_type, history_date, the record's own) are not known statically.
type HistoricalRow = Any


class LockingQuerySet[M: models.Model](models.QuerySet[M]):
    def update(self, **kwargs: Any) -> int:
        """Every bulk update counts as a new version of each row it changes."""
        kwargs.setdefault(VERSION_FIELD, F(VERSION_FIELD) + 1)
        return super().update(**kwargs)


class LockingManager[M: models.Model](models.Manager[M]):
    """The manager of every portfolio model: its querysets are LockingQuerySets. (Spelled out
    rather than made by `Manager.from_queryset`, whose class mypy can't subclass.)"""

    _hints: dict[str, Any]  # Django's (the router's hints), not declared by django-stubs

    def get_queryset(self) -> LockingQuerySet[M]:
        return LockingQuerySet(model=self.model, using=self._db, hints=self._hints)


@dataclass
class Change:
    field: str  # the field's name
    label: str  # its verbose name, for people
    before: object  # the stored value when the editor loaded the record (a key for a relation)
    after: object  # the stored value now
    before_shown: object = None  # the same for people: a choice's label, a related record
    after_shown: object = None

    def __str__(self) -> str:
        return f"{self.label}: {show(self.before_shown)} → {show(self.after_shown)}"


@dataclass
class Conflict:
    """What happened to a record since an editor loaded it at `loaded_version`."""

    model: type[models.Model]
    pk: object
    loaded_version: int
    current_version: int | None  # None: the record was deleted
    changed_by: list[str] = field(default_factory=list)
    changed_at: dt.datetime | None = None
    changes: list[Change] = field(default_factory=list)

    @property
    def deleted(self) -> bool:
        return self.current_version is None

    def headline(self) -> str:
        name = self.model._meta.verbose_name
        who = ", ".join(self.changed_by) or "someone else"
        when = f" on {moment(self.changed_at)}" if self.changed_at else ""
        if self.deleted:
            return f"This {name} was deleted by {who}{when} after you opened it: not saved."
        return (
            f"This {name} was changed by {who}{when} after you opened it "
            f"(version {self.loaded_version}, now {self.current_version}): not saved, "
            "nothing was overwritten."
        )

    def lines(self) -> list[str]:
        if self.deleted:
            return []
        if not self.changes:
            return ["No field you can see here changed (only the version did)."]
        return [f"Changed since you opened it: {change}" for change in self.changes]

    def __str__(self) -> str:
        return " ".join([self.headline(), *self.lines()])


class StaleEditError(Exception):
    """A save of a record that was changed or deleted since it was loaded. Nothing was
    written; reload the record (or, in the admin, check the shown changes and save again)."""

    def __init__(self, obj: models.Model, loaded_version: int) -> None:
        self.model = type(obj)
        self.pk = obj.pk
        self.loaded_version = loaded_version
        # Read now, while the transaction can still run queries (the caller's rolls back).
        self.conflict = conflict(self.model, self.pk, loaded_version)
        super().__init__(str(self.conflict))


def moment(at: dt.datetime) -> str:
    """When a change was made, for people: in the site's time zone, to the second."""
    return f"{timezone.localtime(at):%d %b %Y at %H:%M:%S %Z}"


def unversioned(model: type[models.Model]) -> str:
    """Why a form that does not say which version it was loaded from is refused: it could
    overwrite a change made since, unseen (a form that lost its hidden version field)."""
    return (
        f"This {model._meta.verbose_name}'s form does not say which version it was opened from, "
        "so it could overwrite a newer change: not saved. Reload the page to start from the "
        "saved record."
    )


def show(value: object) -> str:
    """A field value for people, in a conflict message."""
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value:,}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _who(record: HistoricalRow) -> str:
    if record.history_user is not None:
        return str(record.history_user.get_username())
    if record.history_change_reason:
        return f"“{record.history_change_reason}”"
    return "someone else"


def _display(model_field: "models.Field[Any, Any]", value: object) -> object:
    """A stored value as its label (choices) or its related record's name (foreign keys)."""
    if value is None:
        return None
    if model_field.is_relation and model_field.related_model is not None:
        related = model_field.related_model._base_manager.filter(pk=value).first()
        return related if related is not None else f"#{value} (deleted)"
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    return value


def _plain(value: object) -> object:
    """A country as its code (django-countries gives an object on instances)."""
    return getattr(value, "code", value)


def tracked_fields(model: type[models.Model]) -> "list[models.Field[Any, Any]]":
    """The fields a conflict reports: every concrete field but the key and the version."""
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name != VERSION_FIELD and f.editable
    ]


def current_version(model: type[models.Model], pk: object, *, lock: bool = False) -> int | None:
    """The record's version in the database now (None when it is gone). `lock`: SELECT … FOR
    UPDATE (PostgreSQL), so that no one changes it before this transaction ends."""
    queryset = model._base_manager.filter(pk=pk)
    if lock and transaction.get_connection(queryset.db).in_atomic_block:
        queryset = queryset.select_for_update()
    return queryset.values_list(VERSION_FIELD, flat=True).first()


def conflict(model: type[models.Model], pk: object, loaded_version: int) -> Conflict:
    """Who changed the record since `loaded_version`, when, and each field's before → after
    (from the history; without a historical row of the loaded version, only who and when)."""
    now = current_version(model, pk)
    report = Conflict(model=model, pk=pk, loaded_version=loaded_version, current_version=now)
    history = getattr(model, "history", None)
    if history is None:
        return report
    records = list(
        history.model.objects.filter(id=pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    loaded = None
    for index, record in enumerate(records):
        if record.history_type != "-" and getattr(record, VERSION_FIELD) == loaded_version:
            loaded, later = record, records[index + 1 :]
    if loaded is None:
        later = [r for r in records if r.history_type == "-" or r.version > loaded_version]
    if later:
        report.changed_by = list(dict.fromkeys(_who(record) for record in later))
        report.changed_at = later[-1].history_date
    if loaded is not None and not report.deleted:
        latest = model._base_manager.filter(pk=pk).values(
            *(f.attname for f in tracked_fields(model))
        )[0]
        for model_field in tracked_fields(model):
            before = _plain(getattr(loaded, model_field.attname))
            after = _plain(latest[model_field.attname])
            if before != after:
                report.changes.append(
                    Change(
                        field=model_field.name,
                        label=str(model_field.verbose_name),
                        before=before,
                        after=after,
                        before_shown=_display(model_field, before),
                        after_shown=_display(model_field, after),
                    )
                )
    return report
