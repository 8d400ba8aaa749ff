"""The conflict report: the records someone changed, created or deleted between an import's
preview and its confirmation.

A confirmation that meets one writes nothing; the page names each such record and its line in
the file, who changed it and when, and each changed field as before → after beside what the
file has, then previews the file again (admin.py).
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Self

from django.db.models import Model
from django.utils.text import capfirst
from import_export.results import Error, Result

from aipdash.operations.imports.preview import cell_text
from aipdash.records import locking
from projects.resources import ChangedSincePreview


@dataclass
class ImportConflict:
    """A record that someone changed, created or deleted between a preview and its
    confirmation: what the refusal says about it."""

    line: int  # the row's line in the file
    record: str  # the record, for people ("project “Lakeside Campus”")
    what: str  # what happened, by whom and when
    changes: list[str] = field(default_factory=list)  # each field: before → after, the file's

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        return cls(**data)

    @classmethod
    def of(cls, error: Error) -> Self:
        """From a row's error at the confirmation: a ChangedSincePreview, or a StaleEditError
        (the record changed between the confirmation's check and its save)."""
        line, row = error.number + 1, error.row or {}
        if isinstance(error.error, locking.StaleEditError):
            return cls._changed(error.error.model, line, row, error.error.conflict)
        model, previewed = error.error.model, error.error.previewed
        if previewed is not None:
            return cls._changed(model, line, row, locking.conflict(model, *previewed))
        key = error.error.now[0]  # previewed as a create, and the record exists now
        since = locking.conflict(model, key, 0)
        creator, *others = since.changed_by or ["someone else"]
        then = f", then changed by {', '.join(others)}" if others else ""
        when = f" (last on {locking.moment(since.changed_at)})" if since.changed_at else ""
        return cls(
            line=line,
            record=record_name(model, key),
            what=f"did not exist when you previewed: it was created by {creator}{then}{when}. "
            "Your row would now change it instead of creating it.",
        )

    @classmethod
    def _changed(
        cls, model: type[Model], line: int, row: Mapping[str, object], conflict: locking.Conflict
    ) -> Self:
        who = ", ".join(conflict.changed_by) or "someone else"
        when = f" on {locking.moment(conflict.changed_at)}" if conflict.changed_at else ""
        if conflict.deleted:
            what = f"was deleted by {who}{when}, after your preview. Your row would add it again."
        else:
            what = (
                f"was changed by {who}{when}, after your preview (version "
                f"{conflict.loaded_version}, now {conflict.current_version}):"
            )
        changes = []
        for change in conflict.changes:
            text = capfirst(str(change))
            if change.field in row:  # the columns are named after the fields
                typed = cell_text(row[change.field])
                text += f" (your file has {typed})" if typed else " (your file has it empty)"
            changes.append(text)
        return cls(line=line, record=record_name(model, conflict.pk), what=what, changes=changes)


def record_name(model: type[Model], key: object) -> str:
    """The record as it is now, or as its history last knew it (a deleted one)."""
    record = model._base_manager.filter(pk=key).first()
    if record is None and hasattr(model, "history"):
        last = model.history.filter(id=key).order_by("-history_date").first()
        record = last.instance if last is not None else None
    name = model._meta.verbose_name
    return f"{name} “{record}”" if record is not None else f"{name} #{key}"


def conflicts_of(result: Result) -> list[ImportConflict]:
    """The rows a confirmation refused because their records changed since the preview."""
    return [
        ImportConflict.of(error)
        for _number, errors in result.row_errors()
        for error in errors
        if isinstance(error.error, (ChangedSincePreview, locking.StaleEditError))
    ]
