"""A view set against an earlier day (`?compare=`): each headline figure's change, in words
for people ("+$1.2bn", "−150 MW"). Pure: the two headlines are given (the dashboard computes
them with the same selectors on two readings).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from aipdash.core.formatting import power, usd

MINUS = "\u2212"  # a real minus sign, as the figures are printed


@dataclass(frozen=True)
class Change:
    """One figure then and now: `text` the signed change ("+$1.2bn"), `direction` up, down
    or same."""

    now: float
    then: float
    text: str
    direction: str


def change(
    now: float | Decimal | None, then: float | Decimal | None, fmt: Callable[[float], str]
) -> Change:
    """The change from `then` to `now` (an unknown value counts as zero), formatted by `fmt`."""
    a, b = float(now or 0), float(then or 0)
    delta = a - b
    if abs(delta) < 1e-9:
        return Change(a, b, "no change", "same")
    sign = "+" if delta > 0 else MINUS
    return Change(a, b, sign + fmt(abs(delta)), "up" if delta > 0 else "down")


def count(n: float) -> str:
    return f"{int(n):,}"


# The headline's figures compared, by tile: (where in the headline dict, how to print it).
FIGURES: dict[str, tuple[Callable[[Mapping[str, Any]], Any], Callable[[float], str]]] = {
    "equity_committed": (lambda h: h["equity_committed"], usd),
    "total_committed": (lambda h: h["total_committed"], usd),
    "raised": (lambda h: h["raised"]["amount_raised_usd"] if h["raised"] else None, usd),
    "dc_operational": (lambda h: h["mw"]["dc_operational"], power),
    "dc_pipeline": (lambda h: h["mw"]["dc_pipeline"], power),
    "projects": (lambda h: h["projects"], count),
    "partners": (lambda h: h["partners"], count),
}


def headline_changes(now: Mapping[str, Any], then: Mapping[str, Any]) -> dict[str, Change]:
    """Each compared headline figure's change from the headline `then` to `now`."""
    return {key: change(read(now), read(then), fmt) for key, (read, fmt) in FIGURES.items()}
