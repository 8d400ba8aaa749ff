"""{% print_summary filters charts as summary %}: what the printed dashboard states at its top
(templates/dashboard/print_header.html): the active filters in words and the latest as-of date
of the charts shown."""

from django import template

from aipdash.dashboard import blocks

register = template.Library()


@register.simple_tag
def print_summary(filters, charts):
    dates = [c.data.as_of for c in charts if getattr(c.data, "as_of", None)]
    return {
        "described": blocks.describe(filters),
        "as_of": max(dates) if dates else None,
        "illustrative": any(getattr(c.data, "illustrative", False) for c in charts),
    }
