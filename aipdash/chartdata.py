"""What a chart is made of: the rows a selector reads, ready for a figure, a table and a CSV.

Pure data, no ORM and no request: `selectors.py` fills a `ChartData`; `charts.py` turns it into
a Plotly figure; the page shows its rows as the chart's "view data" table; the CSV export
writes the same rows. One structure, so the figure, the table and the export never disagree.

Row keys per chart (values are plain: str, int, float, datetime.date, or None):

commitments_by_partner  partner, partner_slug, colour, instrument, status, amount_usd
                        (one row per partner × instrument × status, summed)
commitments_over_time   date, partner, partner_slug, colour, instrument, amount_usd
                        (one row per partner × instrument × day, summed; not cumulative)
capacity_pipeline       stage, kind, mw, projects
capacity_online         date, side, mw
                        (side "demand": data-centre IT load; "supply": generation and storage
                        secured for it; one row per side × day of phases coming online; not
                        cumulative)
energy_mix              energy_source, stage, mw, projects
project_map             slug, name, kind, stage, country, region, latitude, longitude, mw,
                        illustrative, url
market_context          series, label, region, scenario, year, value, unit, source_title,
                        source_url, as_of

`extras` holds what is not a row: for the commitment charts, `targets`: a list of
{"name", "scope", "amount_usd", "source_title", "source_url", "as_of"}; for market_context,
`reference`: {"label", "value", "unit", "year", "source_title", "source_url", "as_of"} (India's
annual electricity use). Labels for codes (stage, kind, instrument, energy source...) are in
`LABELS`, and each chart's canonical order of categories in `ORDER`.
"""

import datetime as dt
from dataclasses import dataclass, field


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
    rows: tuple[dict, ...]
    as_of: dt.date | None = None  # the newest as-of date of the records behind the rows
    illustrative: bool = False  # any record behind the rows is illustrative
    sources: tuple[Source, ...] = ()
    note: str = ""  # what the filters do to this chart, when that needs saying
    extras: dict = field(default_factory=dict)

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
    "scenario": {
        "historical": "Historical",
        "base": "Base case",
        "high": "High case",
        "projection": "Projection",
        "reference": "Reference",
    },
}

ORDER = {key: tuple(labels) for key, labels in LABELS.items()}
