"""What a board pack shows: a view (its query string as is, and the shared link it is seen
through, if any) resolved to the dashboard's filters, and the print view's HTML
(templates/boardpack/pack.html): a cover page, then each chart on a page of its own with its
title, sources and a compact table.

A shared view's pack is made from the link's scope narrowed by the viewer's query, with the
very functions the shared page uses (`sharing.services.scoped_filters`), so it holds nothing
the link does not show. The link is named by its id (the database keeps no token), and a link
revoked or expired by the time the pack is made makes nothing.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone

from aipdash.charts.card import ChartCard
from aipdash.dashboard import blocks, selectors
from aipdash.dashboard.filters import FIELD_LABELS, DashboardFilters, FilterError
from aipdash.dashboard.pages import with_scenario
from aipdash.sharing import services
from aipdash.sharing.models import ShareLink

# Rows of a chart's table in the pack: what fits under the chart on its page; the Excel
# workbook and the CSVs have them all (the pack says so).
TABLE_ROWS = 10
PACK_TEMPLATE = "boardpack/pack.html"


@dataclass(frozen=True)
class PackView:
    """A view to print: the dashboard's query string as is ("partner=gip&stage=construction";
    empty: the whole portfolio), and the shared link it is seen through (its scope bounds it)."""

    query: str = ""
    link_id: int | None = None
    # Whose view it is (the dashboard's: the user who asked): a scenario in the query is shown
    # only if they may see it, as on their page. A shared view refuses scenarios (sharing).
    reader_id: int | None = None


class ViewUnavailable(Exception):
    """The view cannot be printed, for a reason in words (a wrong filter, a dead link)."""


@dataclass(frozen=True)
class Resolved:
    filters: DashboardFilters
    title: str  # "Portfolio dashboard", or the shared link's label
    link: ShareLink | None


def _reader(user_id: int | None) -> User | AnonymousUser:
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    return user if user is not None else AnonymousUser()


def resolve(view: PackView) -> Resolved:
    """The filters the view shows, checked as its page checks them; ViewUnavailable if none."""
    query = QueryDict(view.query)
    try:
        if view.link_id is None:
            filters = DashboardFilters.from_query(query, partner_slugs=blocks.partner_slugs())
            filters = with_scenario(filters, _reader(view.reader_id))
            return Resolved(filters=filters, title="Portfolio dashboard", link=None)
        link = ShareLink.objects.filter(pk=view.link_id).first()
        if link is None or not link.is_active:
            raise ViewUnavailable(
                "The shared link this board pack was asked through has expired or been revoked: "
                "it shows nothing now, so no pack was made."
            )
        filters, _asked = services.scoped_filters(link, query, partner_slugs=blocks.partner_slugs())
        return Resolved(filters=filters, title=link.label, link=link)
    except FilterError as error:
        wrong = "; ".join(
            f"{FIELD_LABELS.get(field, field)}: {message}"
            for field, message in error.errors.items()
        )
        raise ViewUnavailable(f"These filters cannot be shown: {wrong}") from None


@dataclass(frozen=True)
class PackChart:
    card: ChartCard
    cells: tuple[tuple[str, ...], ...]  # the table's first rows

    @property
    def rows_left_out(self) -> int:
        return self.card.rows_total - len(self.cells)


def charts(filters: DashboardFilters) -> list[PackChart]:
    """Every chart of the dashboard for the filters, from the same cached cards as the page."""
    cards = [blocks.chart(name, filters) for name in blocks.CHART_NAMES]
    return [PackChart(card=card, cells=card.cells[:TABLE_ROWS]) for card in cards]


def context(
    resolved: Resolved, *, made_by: str, made_at: dt.datetime | None = None
) -> dict[str, Any]:
    """What templates/boardpack/pack.html needs."""
    filters = resolved.filters
    pack_charts = charts(filters)
    dates = [c.card.data.as_of for c in pack_charts if c.card.data.as_of]
    figures = selectors.headline_figures(blocks.headline(filters))
    return {
        "title": resolved.title,
        "shared": resolved.link,
        "described": blocks.describe(filters),
        "made_by": made_by,
        "made_at": timezone.localtime(made_at or timezone.now()),
        "as_of": max(dates) if dates else None,
        "illustrative": any(c.card.data.illustrative for c in pack_charts)
        or any(f["illustrative"] for f in figures),
        "headline": [f for f in figures if f["value"] is not None],
        "charts": pack_charts,
        "table_rows": TABLE_ROWS,
    }


def html(view: PackView, *, made_by: str, made_at: dt.datetime | None = None) -> str:
    """The print view's HTML for the view (ViewUnavailable when it cannot be shown)."""
    return render_to_string(PACK_TEMPLATE, context(resolve(view), made_by=made_by, made_at=made_at))
