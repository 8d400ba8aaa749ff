"""Rows written in bulk for the synthetic generator: `insert(model, rows)` writes dicts of field
values (the fields not given take their defaults) and returns the new ids, in order.

PostgreSQL: the ids are drawn from the table's sequence first (one query), then the rows go in
with COPY: no model instances, no SQL to compile per batch; a million commitments in seconds of
Python instead of minutes. COPY fires the tables' statement-level triggers as an INSERT does
(the dashboard's kept facts and sums follow), once per batch.

SQLite: `bulk_create` of model instances, in statements of INSERT_BATCH rows and the rest in
powers of two: a dozen statement shapes per model (SQLite keeps up to 128 prepared statements
per connection, and one per odd row count would hold ~100 MB of large statements).

No signals either way: the caller writes the history rows (aipdash/audit/history.py).
"""

from collections.abc import Mapping, Sequence
from typing import cast

from django.conf import settings
from django.db import connection, reset_queries
from django.db.models import Model

INSERT_BATCH = 1_024  # rows per INSERT statement on SQLite; a power of two


def insert(model: type[Model], rows: Sequence[Mapping[str, object]]) -> list[int]:
    if not rows:
        return []
    if connection.vendor == "postgresql":
        return _copy(model, rows)
    return _bulk_create(model, rows)


def _columns(model: type[Model]) -> list[tuple[str, str, object]]:
    """(attname, column, default) of every concrete field but the primary key."""
    return [
        # A concrete field is one with a column (the stubs allow None for the others).
        (field.attname, cast(str, field.column), field.get_default())
        for field in model._meta.concrete_fields
        if not field.primary_key
    ]


def _copy(model: type[Model], rows: Sequence[Mapping[str, object]]) -> list[int]:
    table = model._meta.db_table
    pk = cast(str, model._meta.pk.column)  # every model has a concrete primary key
    columns = _columns(model)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        names = ", ".join(quote(c) for c in [pk, *(column for _, column, _ in columns)])
        with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
            for pk_value, row in zip(ids, rows, strict=True):
                copy.write_row(
                    (pk_value, *(row.get(attname, default) for attname, _, default in columns))
                )
    return ids


def _bulk_create(model: type[Model], rows: Sequence[Mapping[str, object]]) -> list[int]:
    instances = [model(**row) for row in rows]
    start = 0
    while start < len(instances):
        left = len(instances) - start
        size = INSERT_BATCH if left >= INSERT_BATCH else 1 << (left.bit_length() - 1)
        model._default_manager.bulk_create(instances[start : start + size], batch_size=size)
        start += size
    if any(instance.pk is None for instance in instances):  # every backend we run returns ids
        raise RuntimeError(f"the database did not return the new {model.__name__} ids")
    if settings.DEBUG:
        reset_queries()  # with DEBUG on, Django keeps the SQL of recent queries; these are large
    return [instance.pk for instance in instances]
