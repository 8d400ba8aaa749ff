"""The market context chart: data-centre electricity demand (the same whatever the filters)."""

from aipdash.charts.catalogue import TITLES
from aipdash.charts.data import ChartData, Column
from aipdash.dashboard.filters import DashboardFilters
from aipdash.dashboard.selectors.common import DC_SERIES, REFERENCE_SERIES, _floats, provenance
from projects.models import (
    MarketIndicator,
)


def market_context(filters: DashboardFilters) -> ChartData:
    """The same whatever the filters: published series points, each with its source."""
    qs = filters.reading.rows(MarketIndicator).filter(series__in=[DC_SERIES, REFERENCE_SERIES])
    points = list(
        qs.order_by("series", "region", "scenario", "year", "as_of").values(
            "series",
            "label",
            "region",
            "scenario",
            "year",
            "value",
            "unit",
            "source_title",
            "source_url",
            "as_of",
        )
    )
    rows = [p for p in points if p["series"] == DC_SERIES]
    reference = next((p for p in reversed(points) if p["series"] == REFERENCE_SERIES), None)
    extras = {}
    if reference:
        extras["reference"] = {
            "label": f"{reference['region']}'s annual electricity use",
            "value": float(reference["value"]),
            "unit": reference["unit"],
            "year": reference["year"],
            "source_title": reference["source_title"],
            "source_url": reference["source_url"],
            "as_of": reference["as_of"],
        }
    return ChartData(
        chart="market_context",
        title=TITLES["market_context"],
        columns=(
            Column("year", "Year"),
            Column("region", "Region"),
            Column("scenario", "Scenario"),
            Column("value", "Demand", "TWh"),
            Column("source_title", "Source"),
            Column("as_of", "As of"),
        ),
        rows=_floats(rows, "value"),
        note="Published estimates and projections; the same whatever the filters.",
        extras=extras,
        **provenance(qs),
    )
