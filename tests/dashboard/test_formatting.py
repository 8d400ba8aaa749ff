"""Figures for people: the same rules on every page and in the admin."""

from decimal import Decimal

import pytest

from aipdash.core.formatting import coordinates, percent, power, usd


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("40000000000"), "$40bn"),
        (Decimal("12500000000"), "$12.5bn"),
        (Decimal("12950000000"), "$12.95bn"),  # not rounded up to "$13bn" next to $12.5bn
        (Decimal("100000000000"), "$100bn"),
        (Decimal("4370000000"), "$4.37bn"),
        (Decimal("350000000"), "$350m"),
        (Decimal("1250000"), "$1.3m"),
        (Decimal("12000"), "$12,000"),
        (Decimal("0"), "$0"),
        (Decimal("-2000000000"), "-$2bn"),
        (None, "—"),
        # The unit is decided after rounding: never "$1,000m" or "$1,000,000".
        (999_999_999.99, "$1bn"),
        (Decimal("999950000"), "$1bn"),
        (Decimal("999949999"), "$999.9m"),
        (Decimal("995000000"), "$995m"),
        (999_950, "$1m"),
        (Decimal("999999.5"), "$1m"),
        (Decimal("999949"), "$999,949"),
        (Decimal("-999999999.99"), "-$1bn"),
    ],
)
def test_usd(amount, text):
    assert usd(amount) == text


@pytest.mark.parametrize(
    ("mw", "text"),
    [
        (Decimal("600"), "600 MW"),
        (Decimal("1300"), "1.3 GW"),
        (Decimal("5040"), "5.04 GW"),
        (Decimal("85.5"), "85.5 MW"),
        (Decimal("999.9"), "999.9 MW"),
        (None, "—"),
        # The unit is decided after rounding: never "1,000 MW".
        (999.96, "1 GW"),
        (Decimal("999.95"), "1 GW"),
        (Decimal("999.94"), "999.9 MW"),
        (Decimal("999"), "999 MW"),
        (Decimal("-999.96"), "-1 GW"),
    ],
)
def test_power(mw, text):
    assert power(mw) == text


def test_percent():
    assert percent(Decimal("41.6667")) == "41.7%"
    assert percent(Decimal("100.00")) == "100%"
    assert percent(None) == "—"


def test_a_float_rounds_as_it_reads_not_as_its_binary_value():
    # 0.15 is stored as 0.1499999999999999944...: half up on what people read gives 0.2.
    assert power(0.15) == "0.2 MW"
    assert usd(2.5) == "$3"


def test_coordinates():
    assert coordinates(Decimal("32.77670"), Decimal("-96.79700")) == "32.7767° N, 96.797° W"
    assert coordinates(Decimal("-33.45"), Decimal("0")) == "33.45° S, 0° E"
    assert coordinates(None, None) == ""
