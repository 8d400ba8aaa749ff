"""{% print_summary filters chart_data as summary %}: what the printed dashboard states at its top
(templates/dashboard/print_header.html): the active filters in words and the latest as-of date
of the charts shown."""

from collections.abc import Sequence
from typing import Any

from django import template

from aipdash.charts.data import ChartData
from aipdash.dashboard import blocks
from aipdash.dashboard.filters import DashboardFilters

register = template.Library()


@register.simple_tag
def print_summary(filters: DashboardFilters, charts: Sequence[ChartData]) -> dict[str, Any]:
    """`charts`: the charts' rows (ChartData), with their as-of dates and illustrative flags."""
    dates = [c.as_of for c in charts if c.as_of is not None]
    return {
        "described": blocks.describe(filters),
        "as_of": max(dates) if dates else None,
        "illustrative": any(getattr(c, "illustrative", False) for c in charts),
    }
