"""A view compared with an earlier day (`?compare=`): each headline figure's change since then
and what changed between the two days, from the audit trail.

Its own module, read by the dashboard's views only: the changes list is the audit package's,
which sharing (a user of `blocks`) may not import.
"""

from typing import Any

from django.utils.functional import SimpleLazyObject

from aipdash.audit import changes
from aipdash.dashboard import blocks
from aipdash.dashboard.filters import DashboardFilters
from aipdash.history import asof, compare


def compared(filters: DashboardFilters) -> dict[str, Any] | None:
    """The comparison's context (None: the view compares with nothing)."""
    earlier = filters.earlier()
    if earlier is None or filters.compare is None:
        return None
    until = None if filters.as_of is None else asof.end_of_day(filters.as_of)
    return {
        "tiles": compare.headline_changes(blocks.headline(filters), blocks.headline(earlier)),
        "changes": changes.summary(asof.end_of_day(filters.compare), until=until, diffs=True),
    }


def lazily(filters: DashboardFilters) -> SimpleLazyObject:  # type: ignore[type-arg]
    return SimpleLazyObject(lambda: compared(filters))
