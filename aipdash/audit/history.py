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

from django.db import connections
from django.utils import timezone

HISTORY_OWN_FIELDS = {"history_id", "history_date", "history_change_reason", "history_type"}
CHUNK = 2_000  # keys per statement (SQLite allows 32,766 parameters; PostgreSQL 65,535)


def _columns(model):
    history = model.history.model
    tracked = [
        f
        for f in history._meta.concrete_fields
        if f.name not in HISTORY_OWN_FIELDS and f.name != "history_user"
    ]
    source = [model._meta.get_field(f.name).attname for f in tracked]
    return history, [f.column for f in tracked], source


def record_history(queryset, *, history_type: str, reason: str, user=None, date=None) -> int:
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
        return cursor.rowcount


def record_history_of_keys(model, keys, *, field="pk", **options) -> int:
    """`record_history` for the rows whose `field` is in `keys`, in statements of CHUNK keys."""
    keys, total = list(keys), 0
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        total += record_history(model._base_manager.filter(**{f"{field}__in": chunk}), **options)
    return total
