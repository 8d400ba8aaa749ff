"""The charts' names, titles and unit families, and what an empty page chart says.

Plain facts about each chart, apart from how it is drawn: the selectors fill `ChartData.title`
from `TITLES` and may import this module, never the figure builders (presentation).
"""

from aipdash.charts.data import Column

# The columns of the charts of capacity by stage and kind (the dashboard's pipeline, a
# partner's projects): one list, so the two tables and their CSV read alike.
CAPACITY_COLUMNS = (
    Column("stage", "Stage"),
    Column("kind", "Project kind"),
    Column("mw", "Capacity", "MW"),
    Column("projects", "Projects"),
)

EMPTY_TEXT = "No data for these filters"

TITLES = {
    "commitments_by_partner": "Commitments by partner",
    "commitments_over_time": "Commitments over time",
    "capacity_pipeline": "Capacity pipeline by stage",
    "capacity_online": "Capacity coming online: the power balance",
    "energy_mix": "Energy mix",
    "project_map": "Projects on the map",
    "market_context": "Market context: data-centre electricity demand",
    "power_balance": "Power balance by year: demand against supply online",
    "capital_bridge": "Capital bridge: what the projects need against the money committed",
    "partner_commitments": "Commitments over time",
    "partner_capacity": "Capacity of its projects by stage",
    "project_phases": "Phases coming online",
    "project_participations": "Stakes by partner",
}

# The unit family of each chart's values. Capacity charts show MW or GW, whichever reads better
# for the data; the figure's `layout.meta.unit` says which one it uses.
UNITS = {
    "commitments_by_partner": "$bn",
    "commitments_over_time": "$bn",
    "capacity_pipeline": "MW",
    "capacity_online": "MW",
    "energy_mix": "MW",
    "project_map": "MW",
    "market_context": "TWh",
    "power_balance": "MW",
    "capital_bridge": "$bn",
    "partner_commitments": "$bn",
    "partner_capacity": "MW",
    "project_phases": "MW",
    "project_participations": "%",
}

# What an empty page chart says (the page has no filters: nothing is recorded).
PAGE_EMPTY_TEXT = {
    "partner_commitments": "No commitments recorded",
    "partner_capacity": "No projects recorded",
    "project_phases": "No phases recorded",
    "project_participations": "No stakes recorded",
}

# --- Look ---------------------------------------------------------------------------------
