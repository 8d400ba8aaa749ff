"""Template filters for figures: {{ amount|usd }}, {{ mw|power }}, {{ stake|percent }}."""

from django import template

from aipdash.core import formatting

register = template.Library()

register.filter("usd", formatting.usd)
register.filter("power", formatting.power)
register.filter("power_change", formatting.power_change)
register.filter("percent", formatting.percent)
