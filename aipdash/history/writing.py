"""Versions written with a date of their own, and records given the history row they lack.

django-simple-history writes a version when a record is saved, dated then. Two writers need
other dates:

- the demo loader (aipdash/operations/demo/past.py) writes each demo record's past as its own
  dates say: `write_versions([Version(record, at=..., changes={"stage": ...}), ...])`;
- `complete()` gives every record that has no history row at all (written before the audit
  trail existed for it, or by a path that wrote none: a `bulk_create`, raw SQL) one creation
  version, so that it does not vanish from the past: dated the start of its ENTRY DAY, the
  earliest date the record itself states (its own date, such as a project's announcement or
  a commitment's date, or its as-of date), with its present values, since no earlier ones are
  known. It runs after every `migrate` (each deploy, each `make run`: records that predate the
  trail, or were written by hand since) and on demand (`manage.py complete_history`);
  docs/as-of.md says why not on every read.

Both write historical rows in batches (a Python object per row: these are the demo's few
hundred records and the rare records without history; the bulk paths keep their INSERT ...
SELECT, aipdash/audit/history.py).
"""

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.utils import timezone

from aipdash.core.cache.versions import bump_data_version, bump_past_version
from aipdash.history.asof import history_of, start_of_day
from aipdash.records import registry

logger = logging.getLogger(__name__)

BATCH = 1_000
REASON_MAX = 100  # simple-history's history_change_reason column
COMPLETED_REASON = "History added: the record was written without any"
# The record's own date that says when it came into the portfolio, where it has one; any
# other record enters on its as-of date. The earlier of the two counts (see `entry_day`).
ENTRY_DATE_FIELDS = {
    "partners.Partner": "joined_on",
    "projects.Investment": "announced_on",
    "projects.Target": "set_on",
    "projects.Project": "announced_on",
    "projects.Commitment": "committed_on",
    "projects.Note": "date",
}
_HISTORY_OWN = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_valid_to",
}


@dataclass(frozen=True)
class Version:
    """One version of `record` to write: its present values with `changes` (field attname →
    the value then), dated `at`, of `history_type` ("+" created, "~" changed, "-" deleted)."""

    record: Model
    at: dt.datetime
    history_type: str = "+"
    changes: Mapping[str, Any] = field(default_factory=dict)
    reason: str = ""


def tracked_attnames(model: type[Model]) -> list[str]:
    """The record's fields the historical table copies (by attname: `partner_id`)."""
    return [
        f.attname
        for f in history_of(model)._meta.concrete_fields
        if f.name not in _HISTORY_OWN and f.name != "history_user"
    ]


def write_versions(versions: Iterable[Version]) -> int:
    """Insert the versions, BATCH rows a statement; return how many. Moments in the future
    are written as now: no version is dated after it was written."""
    now = timezone.now()
    batch: dict[type[Model], list[Model]] = {}
    written = 0
    for version in versions:
        model = type(version.record)
        names = tracked_attnames(model)
        unknown = set(version.changes) - set(names)
        if unknown:
            raise ValueError(f"{model.__name__} has no tracked field {sorted(unknown)[0]}")
        values = {name: getattr(version.record, name) for name in names}
        values.update(version.changes)
        rows = batch.setdefault(model, [])
        rows.append(
            history_of(model)(
                **values,
                history_date=min(version.at, now),
                history_type=version.history_type,
                history_change_reason=version.reason[:REASON_MAX],
                history_user=None,
            )
        )
        if len(rows) >= BATCH:
            written += _insert(model, batch.pop(model))
    for model, rows in batch.items():
        written += _insert(model, rows)
    if written:
        # History dated before now changes views of past days, cached under the past version.
        bump_past_version()
    return written


def _insert(model: type[Model], rows: list[Model]) -> int:
    history_of(model)._default_manager.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def entry_day(record: Model) -> dt.date:
    """The earliest date the record states: its own date (ENTRY_DATE_FIELDS) or its as-of
    date, whichever is earlier (the own date may be empty)."""
    own_field = ENTRY_DATE_FIELDS.get(record._meta.label)
    own = getattr(record, own_field) if own_field else None
    as_of = record.as_of  # type: ignore[attr-defined]  # every portfolio record has provenance
    earliest: dt.date = min(filter(None, (own, as_of)))
    return earliest


def without_history[M: Model](model: type[M]) -> QuerySet[M]:
    """The records of `model` that have no history row at all."""
    history = history_of(model)
    key = model._meta.pk.attname
    return model._base_manager.filter(
        ~Exists(history._default_manager.filter(**{key: OuterRef("pk")}))
    ).order_by("pk")


def complete(models: Iterable[type[Model]] | None = None) -> dict[str, int]:
    """Give every record without a history row a creation version dated the start of its
    entry day; return {model label: versions written} for the models that had any. The
    dashboard's data version moves on when one is written (a past view changed)."""
    written = {}
    with transaction.atomic():
        for model in models or registry.portfolio_models():
            # The keys first: the history table the query reads is the one being written.
            keys = list(without_history(model).values_list("pk", flat=True))
            count = write_versions(
                Version(
                    record,
                    at=start_of_day(entry_day(record)),
                    history_type="+",
                    reason=COMPLETED_REASON,
                )
                for start in range(0, len(keys), BATCH)
                for record in model._base_manager.filter(pk__in=keys[start : start + BATCH])
            )
            if count:
                written[model._meta.label] = count
        if written:
            bump_data_version()
    return written


def complete_after_migrate(using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """post_migrate (connected by the operations app): `complete()` once the tables are there;
    nothing after a migration back to a state without them."""
    if using != DEFAULT_DB_ALIAS:
        return
    models = registry.portfolio_models()
    needed = {m._meta.db_table for m in models} | {history_of(m)._meta.db_table for m in models}
    if not needed <= set(connections[using].introspection.table_names()):
        return
    written = complete(models)
    if written:
        logger.info(
            "History added for records written without any: %s",
            ", ".join(f"{label} {count}" for label, count in written.items()),
        )
