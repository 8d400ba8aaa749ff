"""Reads for the dashboard, by family (common, commitments, capacity, markets, headline):
one aggregation query per chart, plain rows out (`ChartData`).

Every function takes the validated `DashboardFilters` and runs a fixed number of queries,
whatever the size of the portfolio: the rows are grouped and summed by the database, with the
provenance of the records behind them (newest as-of date, illustrative or not, sources) in the
same grouped query where it can be (commitment_sums, project_sums, capacity online, the
map). No function loads all rows of a table into Python: the map shows a point per project up
to MAP_POINTS_MAX, then a point per country and stage.

How the filters apply:
- projects: kind, stage, energy source, country, expected-online year range, and partner (a
  project counts for a partner that takes part in it);
- commitments: partner (its own commitments); the project filters narrow the commitments made
  to projects, while commitments to the partnership as a whole, which belong to no project,
  stay in (each commitment chart says so when a project filter is on);
- the market context is the same whatever the filters.
"""

from aipdash.dashboard.selectors.capacity import (
    capacity_online,
    capacity_pipeline,
    energy_mix,
    project_map,
)
from aipdash.dashboard.selectors.commitments import (
    commitment_sums,
    commitments_by_partner,
    commitments_over_time,
)
from aipdash.dashboard.selectors.common import (
    commitments,
    partner_slugs,
    phases,
    projects,
)
from aipdash.dashboard.selectors.headline import headline, headline_figures, headline_sources
from aipdash.dashboard.selectors.markets import market_context
from aipdash.dashboard.selectors.scenarios import capital_bridge, power_balance

CHARTS = {
    f.__name__: f
    for f in (
        # The page's order: half-width pairs first, then the wide charts.
        commitments_by_partner,
        commitments_over_time,
        capacity_pipeline,
        energy_mix,
        capacity_online,
        project_map,
        power_balance,
        capital_bridge,
        market_context,
    )
}


__all__ = [
    "CHARTS",
    "capacity_online",
    "capacity_pipeline",
    "capital_bridge",
    "commitment_sums",
    "commitments",
    "commitments_by_partner",
    "commitments_over_time",
    "energy_mix",
    "headline",
    "headline_figures",
    "headline_sources",
    "market_context",
    "partner_slugs",
    "phases",
    "power_balance",
    "project_map",
    "projects",
]
