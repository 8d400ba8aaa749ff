"""A dashboard chart's `ChartData` as the API's JSON: the very rows the dashboard draws, its
table shows and its CSV exports, with every amount as an exact decimal string; and the
dashboard's headline the same way."""

import datetime as dt
from decimal import Decimal

from aipdash.charts.data import ChartData
from aipdash.dashboard import blocks, selectors
from aipdash.dashboard.filters import DashboardFilters
from projects.models import Commitment

NUMERIC_UNITS = frozenset({"USD", "MW", "TWh", "%"})
CENT = Decimal("0.01")
# Keys of `extras` entries that hold amounts (the targets' and the reference's).
NUMERIC_EXTRAS = frozenset({"amount_usd", "value"})


def exact(value, *, money: bool = False):
    """A number as a decimal string: the shortest text that is exactly the figure the
    dashboard holds (its float), money with its cents ("2000000000.00")."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, float | int | Decimal):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if money and number == number.quantize(CENT):
            number = number.quantize(CENT)
        return format(number, "f")
    return value


def _plain(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _row(row: dict, units: dict) -> dict:
    return {
        key: exact(value, money=units[key] == "USD")
        if units.get(key) in NUMERIC_UNITS
        else _plain(value)
        for key, value in row.items()
    }


def _extra(value):
    if isinstance(value, dict):
        return {
            key: exact(item, money=key.endswith("_usd")) if key in NUMERIC_EXTRAS else _extra(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_extra(item) for item in value]
    return _plain(value)


def chart(name: str, filters: DashboardFilters) -> dict:
    """The payload of dashboard chart `name`: from its cached rows, never through its card
    (no figure, no table text is built for the API)."""
    return payload(blocks.chart_data(name, filters), filters)


def scenario(filters: DashboardFilters) -> dict | None:
    """The view's scenario as the API names it (None: the recorded portfolio alone)."""
    applied = filters.applied
    if applied is None:
        return None
    return {"slug": applied.slug, "name": applied.name, "version": applied.version}


def payload(data: ChartData, filters: DashboardFilters) -> dict:
    units = {column.key: column.unit for column in data.columns}
    return {
        "chart": data.chart,
        "title": data.title,
        "filters": filters.to_json(),
        "query": filters.canonical(),
        "scenario": scenario(filters),
        "columns": [
            {"key": column.key, "label": column.label, "unit": column.unit}
            for column in data.columns
        ],
        "rows": [_row(row, units) for row in data.rows],
        "as_of": _plain(data.as_of),
        "illustrative": data.illustrative,
        "sources": _sources(data.sources),
        "note": data.note,
        "extras": _extra(dict(data.extras)),
    }


def _sources(sources) -> list[dict]:
    return [
        {"title": source.title, "url": source.url, "as_of": _plain(source.as_of)}
        for source in sources
    ]


def headline(h: dict, filters: DashboardFilters) -> dict:
    """The dashboard's headline `h` (dashboard.headline()) as its figures, each with what it
    counts and its provenance: the values of the tiles."""
    figures = selectors.headline_figures(h)
    sources = selectors.headline_sources(h)
    dates = [f["as_of"] for f in figures if f["as_of"]]
    beside = h["scenario"]
    return {
        "filters": filters.to_json(),
        "query": filters.canonical(),
        "scenario": None
        if beside is None
        else {
            **(scenario(filters) or {}),
            "figures": [
                {"key": key, **{case: exact(mw) for case, mw in values.items()}}
                for key, values in beside["mw"].items()
            ],
        },
        "counted_statuses": [str(status) for status in Commitment.COUNTED_AS_COMMITTED],
        "figures": [
            {
                **figure,
                "value": exact(figure["value"], money=figure["unit"] == "USD")
                if figure["unit"]
                else figure["value"],
                "as_of": _plain(figure["as_of"]),
            }
            for figure in figures
        ],
        "as_of": _plain(max(dates, default=None)),
        "illustrative": any(f["illustrative"] for f in figures),
        "sources": _sources(sources),
    }
