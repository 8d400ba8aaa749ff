"""The one chart card and its one cell formatter: the dashboard, the partner and project pages
read their tables alike (units, dates, labels)."""

import datetime as dt

import pytest

from aipdash.charts.card import ChartCard, card, cell, header
from aipdash.charts.data import ChartData, Column


@pytest.mark.parametrize(
    ("column", "value", "text"),
    [
        (Column("amount_usd", "Amount", "USD"), 2_500_000_000.0, "$2.5bn"),
        (Column("mw", "Capacity", "MW"), 1500.0, "1.5 GW"),
        (Column("value", "Demand", "TWh"), 415.4, "415 TWh"),
        (Column("stake_percent", "Stake", "%"), 25.0, "25%"),
        (Column("date", "Date"), dt.date(2025, 3, 1), "1 Mar 2025"),
        (Column("stage", "Stage"), "operational", "Operational"),
        (Column("year", "Year"), 2030, "2030"),
        (Column("as_of", "As of"), None, "—"),
    ],
)
def test_one_cell_formatter_handles_every_unit(column, value, text):
    assert cell(column, value) == text


def test_a_dashboard_table_writes_dates_as_the_pages_do(db):
    """One formatter: "1 Mar 2025" on the dashboard as on a partner page (was "01 Mar 2025")."""
    data = ChartData(
        chart="capacity_online",
        title="Capacity coming online",
        columns=(
            Column("date", "Expected online"),
            Column("side", "Side"),
            Column("mw", "Capacity", "MW"),
        ),
        rows=[{"date": dt.date(2025, 3, 1), "side": "demand", "mw": 100.0}],
    )
    block = card(data, rows_max=500)
    assert isinstance(block, ChartCard)
    assert block.cells == (("1 Mar 2025", "Data-centre demand (IT load)", "100 MW"),)
    assert block.header == tuple(header(c) for c in data.columns)
    assert block.filename == "aip-capacity-online"
    assert block.drawable


def test_the_apis_chart_rows_come_without_building_a_card(db, monkeypatch):
    """The API reads a chart's cached rows (`dashboard.chart_data`), not its card: no figure
    and no table text are built for it, and its rows are the card's."""
    from aipdash.dashboard import blocks
    from aipdash.dashboard.filters import DashboardFilters
    from api import chartpayload

    filters = DashboardFilters()
    expected = chartpayload.payload(blocks.chart("capacity_pipeline", filters).data, filters)

    def no_card(*args, **kwargs):
        raise AssertionError("the API built a chart card")

    monkeypatch.setattr(blocks, "card", no_card)
    assert chartpayload.chart("capacity_pipeline", filters) == expected
