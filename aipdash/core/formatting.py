"""Figures for people: money in USD as $12.5bn / $350m, capacity as 1.3 GW / 600 MW, a place
as 32.7767° N, 96.797° W.

One place for the rules so that pages, the admin and (later) charts agree.
"""

from decimal import ROUND_HALF_UP, Decimal

BILLION = Decimal(1_000_000_000)
MILLION = Decimal(1_000_000)
THOUSAND = Decimal(1_000)

# What the filters take: a figure from the database or a chart's rows, or "" (an empty template
# value), or None (unknown).
type Number = Decimal | float | int
type Figure = Number | str | None
# (size of the unit, decimal places shown, suffix): (BILLION, 2, "bn") reads $12.5bn.
type Unit = tuple[Decimal, int, str]


def _trim(value: Decimal, places: int) -> str:
    """Rounded half up (as people round), with trailing zeros dropped: 12.50 → 12.5."""
    value = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{value:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _unit(amount: Decimal, units: tuple[Unit, ...]) -> Unit:
    """The largest (size, places, suffix) of `units` for the amount, decided after rounding:
    the amount, rounded to a ten-thousandth of a unit, reaches one of it. So a figure that
    would read as 1,000 of the unit below ($1,000m, 1,000 MW, $1,000,000) reads as 1 of the
    unit above, and one that reads as 999.9 stays where it is."""
    for size, places, suffix in units:
        if (amount / size).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) >= 1:
            return size, places, suffix
    return units[-1]


USD_UNITS: tuple[Unit, ...] = ((BILLION, 2, "bn"), (MILLION, 1, "m"), (Decimal(1), 0, ""))
POWER_UNITS: tuple[Unit, ...] = ((THOUSAND, 2, " GW"), (Decimal(1), 1, " MW"))


def _decimal(value: Number | str) -> Decimal:
    """A float as the decimal it prints as (2.675, not the binary 2.674999...82236431605997...):
    rounded as people read it, and cheap to divide."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def usd(amount: Figure) -> str:
    """$40bn, $12.5bn, $350m, $12,000; an em dash when unknown."""
    if amount is None or amount == "":
        return "—"
    value = _decimal(amount)
    sign = "-" if value < 0 else ""
    size, places, suffix = _unit(abs(value), USD_UNITS)
    return f"{sign}${_trim(abs(value) / size, places)}{suffix}"


def power(mw: Figure) -> str:
    """1.3 GW from 1,300 MW; 600 MW below a gigawatt; an em dash when unknown."""
    if mw is None or mw == "":
        return "—"
    value = _decimal(mw)
    size, places, suffix = _unit(abs(value), POWER_UNITS)
    return f"{_trim(value / size, places)}{suffix}"


def power_change(mw: Figure) -> str:
    """A difference of capacity: +1.3 GW, −600 MW, "no change"."""
    if mw is None or mw == "":
        return "—"
    value = _decimal(mw)
    if value == 0:
        return "no change"
    return ("+" if value > 0 else "−") + power(abs(value))


def usd_change(amount: Figure) -> str:
    """A difference of money: +$1.2bn, −$350m, "no change"."""
    if amount is None or amount == "":
        return "—"
    value = _decimal(amount)
    if value == 0:
        return "no change"
    return ("+" if value > 0 else "−") + usd(abs(value))


def percent(value: Figure) -> str:
    if value is None or value == "":
        return "—"
    return f"{_trim(Decimal(value), 1)}%"


def coordinates(latitude: Decimal | None, longitude: Decimal | None) -> str:
    """32.7767° N, 96.797° W; empty when unknown."""
    if latitude is None or longitude is None:
        return ""

    def part(value: Decimal, positive: str, negative: str) -> str:
        text = f"{abs(value):f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return f"{text}° {positive if value >= 0 else negative}"

    return f"{part(latitude, 'N', 'S')}, {part(longitude, 'E', 'W')}"
