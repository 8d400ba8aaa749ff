"""{{ figure|headline_value }}: a headline figure (selectors.headline_figures) in its unit, for
the board pack's cover."""

from typing import Any

from django import template

from aipdash.core import formatting

register = template.Library()


@register.filter
def headline_value(figure: dict[str, Any]) -> str:
    value, unit = figure["value"], figure["unit"]
    if unit == "USD":
        return str(formatting.usd(value))
    if unit == "MW":
        return str(formatting.power(value))
    if unit == "%":
        return str(formatting.percent(value))
    return f"{value:,}"
