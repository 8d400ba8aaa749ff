"""Database functions every selector shares (the dashboard's and the scenarios' grouped reads)."""

from typing import Any

from django.db.models.functions import TruncMonth


class Month(TruncMonth):
    """The first day of a date's month. On PostgreSQL through `timestamp`, not the default
    `timestamp with time zone` (a time-zone lookup per row: ~2x slower over a million rows)."""

    def as_postgresql(
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.lhs)
        return f"DATE_TRUNC('month', ({sql})::timestamp)::date", params
