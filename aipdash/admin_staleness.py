"""TEMPORARY (issue 14): moved to aipdash.records.admin; re-exported here until the merge
rewrites the imports (MOVES.md)."""

from aipdash.records.admin import StaleListFilter, stale_column  # noqa: F401
