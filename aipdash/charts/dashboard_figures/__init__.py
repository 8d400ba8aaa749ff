"""The dashboard's figures, one builder per chart (a `ChartData` in, a figure dict out),
in one module per family as the selectors are (aipdash/dashboard/selectors/): commitments.py
(by partner, over time), capacity.py (the pipeline, capacity online, the energy mix),
project_map.py, markets.py (the market context) and scenarios.py (the power balance and the
capital bridge, issue 17). Conventions: see `charts.build`.

Hover text has no <b>, <i> or other styling tags: plotly.js renders them as SVG `style`
attributes, which the strict CSP (style-src 'self', no 'unsafe-hashes') blocks.
"""

from aipdash.charts.dashboard_figures.capacity import (
    capacity_online,
    capacity_pipeline,
    energy_mix,
    stacked_capacity,
)
from aipdash.charts.dashboard_figures.commitments import (
    commitments_by_partner,
    commitments_over_time,
)
from aipdash.charts.dashboard_figures.markets import market_context
from aipdash.charts.dashboard_figures.project_map import (
    MAP_MAX_DIAMETER,
    MAP_MIN_DIAMETER,
    project_map,
)
from aipdash.charts.dashboard_figures.scenarios import capital_bridge, power_balance

__all__ = [
    "MAP_MAX_DIAMETER",
    "MAP_MIN_DIAMETER",
    "capacity_online",
    "capacity_pipeline",
    "capital_bridge",
    "commitments_by_partner",
    "commitments_over_time",
    "energy_mix",
    "market_context",
    "power_balance",
    "project_map",
    "stacked_capacity",
]
