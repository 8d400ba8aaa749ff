"""Figures for people: money in USD as $12.5bn / $350m, capacity as 1.3 GW / 600 MW.

One place for the rules so that pages, the admin and (later) charts agree.
"""

from decimal import ROUND_HALF_UP, Decimal

BILLION = Decimal(1_000_000_000)
MILLION = Decimal(1_000_000)
THOUSAND = Decimal(1_000)


def _trim(value: Decimal, places: int) -> str:
    """Rounded half up (as people round), with trailing zeros dropped: 12.50 → 12.5."""
    value = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{value:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def usd(amount) -> str:
    """$40bn, $12.5bn, $350m, $12,000; an em dash when unknown."""
    if amount is None or amount == "":
        return "—"
    amount = Decimal(amount)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if amount >= BILLION:
        return f"{sign}${_trim(amount / BILLION, 2)}bn"
    if amount >= MILLION:
        return f"{sign}${_trim(amount / MILLION, 1)}m"
    return f"{sign}${_trim(amount, 0)}"


def power(mw) -> str:
    """1.3 GW from 1,300 MW; 600 MW below a gigawatt; an em dash when unknown."""
    if mw is None or mw == "":
        return "—"
    mw = Decimal(mw)
    if abs(mw) >= THOUSAND:
        return f"{_trim(mw / THOUSAND, 2)} GW"
    return f"{_trim(mw, 1)} MW"


def percent(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{_trim(Decimal(value), 1)}%"
