"""What a chart is made of: the rows a selector reads, ready for a figure, a table and a CSV.

Pure data, no ORM and no request: the selectors fill a `ChartData`; `charts.build` turns it into
a Plotly figure; the page shows its rows as the chart's "view data" table; the CSV export
writes the same rows. One structure, so the figure, the table and the export never disagree.

Row keys per chart (values are plain: str, int, float, datetime.date, or None):

commitments_by_partner  partner, partner_slug, colour, instrument, status, amount_usd
                        (one row per partner × instrument × status, summed)
commitments_over_time   date, partner, partner_slug, colour, instrument, amount_usd
                        (one row per partner × instrument × month, dated its first day,
                        summed; not cumulative)
capacity_pipeline       stage, kind, mw, projects
capacity_online         date, side, mw
                        (side "demand": data-centre IT load; "supply": generation and storage
                        secured for it; one row per side × month of phases coming online,
                        dated its first day; not cumulative)
energy_mix              energy_source, stage, mw, projects
project_map             slug, name, kind, stage, country, region, latitude, longitude, mw,
                        illustrative, url, projects, stale (past 1,000 projects: a row
                        per country × stage, name "N projects", url "?country=..&stage=..")
market_context          series, label, region, scenario, year, value, unit, source_title,
                        source_url, as_of

The partner and project pages have charts of their own (no filters: one partner, one project):

partner_commitments     date, instrument, amount_usd
                        (the partner's commitments, one row per instrument × day, summed; not
                        cumulative)
partner_capacity        stage, kind, mw, projects
                        (the projects the partner takes part in, each counted once at its full
                        capacity, whatever the partner's stake)
project_phases          sequence, phase, stage, date, mw
                        (one row per phase of the project, by expected online date; `phase`
                        its name for people, "Phase 2: Building B"; not cumulative)
project_participations  partner, partner_slug, colour, stake_percent, roles
                        (one row per partner taking part, its stakes summed, None when none of
                        its roles carries a stake; roles: their labels, comma-separated)

`extras` holds what is not a row: for the commitment charts, `targets`: a list of
{"name", "scope", "amount_usd", "source_title", "source_url", "as_of"}; for market_context,
`reference`: {"label", "value", "unit", "year", "source_title", "source_url", "as_of"} (India's
annual electricity use); for partner_commitments and partner_capacity, `partner`, `partner_slug`
and `colour` (the partner's short name, slug and chart colour); for project_phases,
`capacity_mw` (the project's own stated capacity, or None) and `kind` (the project's kind).
project_map's `page_query` ("?as_of=2025-06-30", only as of a day) is added to its points'
page links. The time charts (commitments_over_time, capacity_online, partner_commitments,
project_phases) also carry `notes`: the dated notes of their view, oldest first, each
{"date", "text", "partner", "project", "source_title", "source_url"} (partner: a short name,
project: a name, "" when the note is not about one; aipdash/history/notes.py, charts/notes.py).
Labels for codes (stage, kind, instrument, energy source, role...) are in `LABELS`, and each
chart's canonical order of categories in `ORDER`.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

# A row of a chart, and its extras: their keys differ by chart (the table above), and one
# `ChartData` carries every chart's, so they are typed as names to plain values, not per chart.
Row = dict[str, Any]
Extras = dict[str, Any]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    unit: str = ""  # "USD", "MW", "TWh", "%", "" for text and dates


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    as_of: dt.date | None


@dataclass(frozen=True)
class ChartData:
    chart: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    as_of: dt.date | None = None  # the newest as-of date of the records behind the rows
    illustrative: bool = False  # any record behind the rows is illustrative
    sources: tuple[Source, ...] = ()
    note: str = ""  # what the filters do to this chart, when that needs saying
    extras: Extras = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.rows


LABELS = {
    "stage": {
        "announced": "Announced",
        "development": "Development",
        "construction": "Construction",
        "operational": "Operational",
        "paused": "Paused",
        "cancelled": "Cancelled",
    },
    "kind": {
        "data_centre": "Data-centre campus",
        "generation": "Power generation",
        "storage": "Energy storage",
        "grid": "Grid",
    },
    "instrument": {"equity": "Equity", "debt": "Debt"},
    "status": {"announced": "Announced", "committed": "Committed", "called": "Called / deployed"},
    "energy_source": {
        "natural_gas": "Natural gas",
        "solar": "Solar",
        "wind": "Wind",
        "nuclear": "Nuclear",
        "hydro": "Hydro",
        "geothermal": "Geothermal",
        "battery": "Battery storage",
    },
    "side": {"demand": "Data-centre demand (IT load)", "supply": "Generation secured"},
    "role": {
        "sponsor": "Sponsor",
        "equity_investor": "Equity investor",
        "lender": "Lender",
        "developer": "Developer",
        "operator": "Operator",
        "offtaker": "Offtaker",
        "equipment_supplier": "Equipment supplier",
        "energy_supplier": "Energy supplier",
    },
    "scenario": {
        "historical": "Historical",
        "base": "Base case",
        "high": "High case",
        "projection": "Projection",
        "reference": "Reference",
    },
}

ORDER = {key: tuple(labels) for key, labels in LABELS.items()}
