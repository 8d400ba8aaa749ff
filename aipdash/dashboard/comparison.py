"""A view compared with an earlier day (`?compare=`): each headline figure's change since then
and what changed between the two days, from the audit trail.

Its own module, read by the dashboard's views only: the changes list is the audit package's,
which sharing (a user of `blocks`) may not import.
"""

import datetime as dt
from typing import Any

from django.utils.functional import SimpleLazyObject

from aipdash.audit import changes
from aipdash.core.cache.payloads import cached
from aipdash.dashboard import blocks
from aipdash.dashboard.filters import DashboardFilters
from aipdash.history import asof, compare


def compared(filters: DashboardFilters) -> dict[str, Any] | None:
    """The comparison's context (None: the view compares with nothing)."""
    earlier = filters.earlier()
    if earlier is None or filters.compare is None:
        return None
    return {
        "tiles": compare.headline_changes(blocks.headline(filters), blocks.headline(earlier)),
        "changes": _changes_between(filters.compare, filters.as_of),
    }


def _changes_between(compare: dt.date, as_of: dt.date | None) -> changes.Changes:
    """What the audit trail says changed between the end of `compare` and the end of `as_of`
    (None: now), whatever the view's filters: cached like a chart (a day in the past under the
    past version, else under the data version), since its queries read every history table."""
    until = None if as_of is None else asof.end_of_day(as_of)
    days = f"compare={compare.isoformat()}" + (f"&as_of={as_of.isoformat()}" if as_of else "")
    return cached(
        "compare-changes",
        days,
        lambda: changes.summary(asof.end_of_day(compare), until=until, diffs=True),
    )


def lazily(filters: DashboardFilters) -> SimpleLazyObject:  # type: ignore[type-arg]
    return SimpleLazyObject(lambda: compared(filters))
