"""The admin's view of stale records (aipdash/staleness.py): a list filter and a column."""

from django.contrib import admin
from django.utils.html import format_html

from aipdash import staleness


class StaleListFilter(admin.SimpleListFilter):
    """ "Confirmed": stale (as-of date older than STALE_AFTER_DAYS) or current."""

    title = "confirmed"
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        days = staleness.stale_after_days()
        return [
            ("yes", f"Stale (not confirmed for {days} days)"),
            ("no", f"Confirmed in the last {days} days"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(staleness.stale_q())
        if self.value() == "no":
            return queryset.exclude(staleness.stale_q())
        return queryset


@admin.display(description="stale", ordering="as_of")
def stale_column(model_admin, obj):
    """ "Stale since 27 Nov 2025" (text, not colour), or nothing."""
    since = staleness.stale_since(obj)
    if since is None:
        return ""
    return format_html(
        '<span title="Not confirmed since {}">Stale since {}</span>',
        f"{obj.as_of:%d %b %Y}",
        f"{since:%d %b %Y}",
    )
