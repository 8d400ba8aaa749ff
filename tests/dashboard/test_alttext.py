"""The one-line text alternative of each kind of chart."""

import datetime as dt

from aipdash.charts.alttext import summary
from aipdash.charts.data import ChartData, Column


def data(columns, rows):
    return ChartData(chart="x", title="X", columns=tuple(columns), rows=tuple(rows))


def test_money_is_totalled_and_split_by_instrument():
    chart = data(
        [
            Column("partner", "Partner"),
            Column("instrument", "Instrument"),
            Column("amount_usd", "Amount", "USD"),
        ],
        [
            {"partner": "GIP", "instrument": "equity", "amount_usd": 7_500_000_000},
            {"partner": "MGX", "instrument": "equity", "amount_usd": 5_000_000_000},
            {"partner": "GIP", "instrument": "debt", "amount_usd": 2_400_000_000},
        ],
    )
    assert summary(chart) == (
        "$14.9bn in total (equity $12.5bn, debt $2.4bn); 3 rows in its data table."
    )


def test_capacity_counts_projects_and_splits_by_stage():
    chart = data(
        [Column("stage", "Stage"), Column("mw", "Capacity", "MW"), Column("projects", "Projects")],
        [
            {"stage": "operational", "mw": 650.0, "projects": 1},
            {"stage": "construction", "mw": 1300.0, "projects": 2},
        ],
    )
    assert summary(chart) == (
        "1.95 GW in total across 3 projects (construction 1.3 GW, operational 650 MW); "
        "2 rows in its data table."
    )


def test_the_power_balance_totals_each_side():
    chart = data(
        [Column("date", "Expected online"), Column("side", "Side"), Column("mw", "Capacity", "MW")],
        [
            {"date": dt.date(2026, 1, 1), "side": "demand", "mw": 500.0},
            {"date": dt.date(2027, 1, 1), "side": "demand", "mw": 700.0},
            {"date": dt.date(2027, 1, 1), "side": "supply", "mw": 900.0},
        ],
    )
    assert summary(chart) == (
        "In total, data-centre demand (IT load) 1.2 GW, generation secured 900 MW; "
        "3 rows in its data table."
    )


def test_stakes_name_the_largest():
    chart = data(
        [Column("partner", "Partner"), Column("stake_percent", "Stake", "%")],
        [{"partner": "GIP", "stake_percent": 60.0}, {"partner": "MGX", "stake_percent": 40.0}],
    )
    assert summary(chart) == "Largest: GIP with 60%; 2 rows in its data table."


def test_a_series_gives_its_span_and_peak():
    chart = data(
        [Column("year", "Year"), Column("value", "Demand", "TWh")],
        [{"year": 2024, "value": 415.0}, {"year": 2030, "value": 945.0}],
    )
    assert summary(chart) == "From 2024 to 2030, up to 945 TWh; 2 rows in its data table."


def test_no_rows():
    assert summary(data([Column("a", "A")], [])) == "No data for these filters."
