"""History rows for writes that bypass model signals (bulk_create, raw deletes).

django-simple-history records a historical row on post_save and post_delete. Bulk paths send
no signals, so they call `record_history(queryset, ...)`: ONE `INSERT INTO <history table> …
SELECT … FROM <table> WHERE …` per call, done inside the database, with no Python object per
row. Each row gets the record's values as they are now, the history type ("+" created, "~"
changed, "-" deleted: call it before the delete), one date, the change reason naming the
command, and the user (none for a command).

simple-history's own `bulk_create_with_history` builds a Python historical object for every
row and inserts those, which doubles the work of a bulk load; the INSERT … SELECT adds only the
database's own writes (see README, "Audit trail", for the measured cost).
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any, NotRequired, TypedDict, Unpack

from django.db import connections
from django.db.models import Model, QuerySet
from django.utils import timezone

HISTORY_OWN_FIELDS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_valid_to",
}
CHUNK = 2_000  # keys per statement (SQLite allows 32,766 parameters; PostgreSQL 65,535)


class HistoryOptions(TypedDict):
    """What every historical row of one call shares (see the module's docstring)."""

    history_type: str  # "+" created, "~" changed, "-" deleted
    reason: str  # the change reason: which command, why
    user: NotRequired[Model | int | None]  # the user or their key; none for a command
    date: NotRequired[dt.datetime | None]  # now when not given


def history_model(model: type[Model]) -> type[Any]:
    """The historical model django-simple-history made for `model`: its rows' fields (the
    record's, history_type, history_date, history_user...) are made at run time, so Any."""
    # simple-history's `history` manager, added to each tracked model when it is defined.
    return model.history.model  # type: ignore[attr-defined,no-any-return]


def _columns(model: type[Model]) -> tuple[type[Any], list[str], list[str]]:
    history = history_model(model)
    tracked = [
        f
        for f in history._meta.concrete_fields
        if f.name not in HISTORY_OWN_FIELDS and f.name != "history_user"
    ]
    attnames = {f.name: f.attname for f in model._meta.concrete_fields}
    source = [attnames[f.name] for f in tracked]
    return history, [f.column for f in tracked], source


def record_history(
    queryset: QuerySet[Any],
    *,
    history_type: str,
    reason: str,
    user: Model | int | None = None,
    date: dt.datetime | None = None,
) -> int:
    """Add one historical row per record of `queryset` (in the database); return how many."""
    model = queryset.model
    history, target_columns, source_fields = _columns(model)
    connection = connections[queryset.db]
    quote = connection.ops.quote_name
    inner, params = queryset.order_by().values_list(*source_fields).query.sql_with_params()
    columns = ", ".join(
        quote(c)
        for c in [
            *target_columns,
            "history_date",
            "history_type",
            "history_change_reason",
            "history_user_id",
        ]
    )
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({columns}) "  # noqa: S608 (quoted names)
        f"SELECT src.*, %s, %s, %s, %s FROM ({inner}) src"
    )
    values = [date or timezone.now(), history_type, reason, getattr(user, "pk", user), *params]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        inserted: int = cursor.rowcount
        return inserted


def record_history_of_keys(
    model: type[Model],
    keys: Iterable[object],
    *,
    field: str = "pk",
    **options: Unpack[HistoryOptions],
) -> int:
    """`record_history` for the rows whose `field` is in `keys`, in statements of CHUNK keys."""
    listed, total = list(keys), 0
    for start in range(0, len(listed), CHUNK):
        chunk = listed[start : start + CHUNK]
        total += record_history(model._base_manager.filter(**{f"{field}__in": chunk}), **options)
    return total
