"""The dashboard assembled: for each chart, the cached payload of (chart, filters, data version).

A payload holds the chart's rows (`ChartData`, for its table and CSV), its figure as JSON ready
for a data island, and its table cells formatted for people. Views call `context()`,
`chart()` and `csv_lines()`; they hold no query and no figure logic.
"""

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.db.models import Max, Min
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django_countries import countries

from aipdash.charts.card import ChartCard, card
from aipdash.charts.data import LABELS, ChartData
from aipdash.core.cache.payloads import cached
from aipdash.dashboard import filters as filters_
from aipdash.dashboard import selectors
from aipdash.dashboard.filters import YEAR_MAX, YEAR_MIN, DashboardFilters, FilterError
from aipdash.history import dates
from partners.models import Partner
from projects.models import Project, ProjectSum

CHART_NAMES = tuple(selectors.CHARTS)
# The "View data" table in the page shows at most this many rows (the CSV has them all): the
# page stays small and quick to swap in, whatever the size of the portfolio.
TABLE_ROWS_MAX = 500


# The cache kinds of a chart's rows and of its card. "-2": the time charts' extras carry their
# notes now, and a past day's payloads are cached for 30 days without the data version: a
# process of the new code must not read one of the old (the card was "chart:", then "card:",
# when its class moved to charts.card.ChartCard).
CHART_DATA = "chart-data-2"
CARD = "card-2"


def chart_data(name: str, filters: DashboardFilters) -> ChartData:
    """The chart's rows alone, cached: what the API returns (no figure, no table text). A
    comparison's rows are the view's own (the earlier day's are chart_data of
    `filters.earlier()`)."""
    shown = filters.shown()
    return cached(f"{CHART_DATA}:{name}", shown.cache_text(), lambda: selectors.CHARTS[name](shown))


def _build(name: str, filters: DashboardFilters) -> ChartCard:
    earlier = filters.earlier()
    if earlier is None:
        return card(chart_data(name, filters), rows_max=TABLE_ROWS_MAX)
    return card(
        chart_data(name, filters),
        rows_max=TABLE_ROWS_MAX,
        earlier=chart_data(name, earlier),
        earlier_label=f"On {dates.spoken(earlier.as_of)}" if earlier.as_of else "Earlier",
    )


def chart(name: str, filters: DashboardFilters) -> ChartCard:
    return cached(f"{CARD}:{name}", filters.cache_text(), lambda: _build(name, filters))


# A shared view's base path is `/s/<token>/`: a working token, which no cache may keep (the
# database keeps only its hash). Blocks are cached with this mark where the base path goes, and
# the path is put in on the way out. The rest of a block is escaped text or JSON with `<`
# escaped, so nothing typed by anyone can read as the mark.
BASE_PATH_MARK = "<base-path>"


def chart_html(name: str, filters: DashboardFilters, *, base_path: str, query: str) -> str:
    """The chart's rendered block (figure island, notes, data table, links), cached like its
    payload: a warm request renders no template and encodes no JSON. The cached block depends
    on the filters, the data version and the export query only (no request, no CSRF token, no
    nonce, no base path: one block serves the dashboard and every shared view of it)."""
    mark = mark_safe(BASE_PATH_MARK)  # noqa: S308 (a constant)

    def render() -> str:
        # The card itself is not cached apart: the block is, and the card is rebuilt from the
        # cached rows when an export asks for it (chart()).
        return render_to_string(
            "dashboard/index.html#chart",
            {"chart": _build(name, filters), "base_path": mark, "query": query},
        )

    key = f"{filters.cache_text()}|{query}"
    block = cached(f"chart-html-2:{name}", key, render, local=True)  # -2: with its notes
    return mark_safe(block.replace(BASE_PATH_MARK, escape(base_path)))  # noqa: S308 (our template)


def headline(filters: DashboardFilters) -> dict[str, Any]:
    # "-2": its keys changed (announced money and grid links apart); a process of the new code
    # must not read a dict of the old one cached under the same data version.
    shown = filters.shown()
    return cached("headline-2", shown.cache_text(), lambda: selectors.headline(shown), local=True)


def partner_slugs() -> frozenset[str]:
    return cached("partner-slugs", "", selectors.partner_slugs, local=True)


def partner_names() -> dict[str, str]:
    return {slug: name for slug, name, _colour in filter_options()["partner"]}


def describe(filters: DashboardFilters) -> list[tuple[str, str]]:
    """A view's filters for people, partners by name."""
    return filters_.describe(filters, partner_names())


def past_context(filters: DashboardFilters) -> dict[str, Any]:
    """What the date fields and the banner of a view of the past need."""
    return {
        "first_day": filters_.cached_first_day(),
        "today": dates.today(),
        "time_zone": settings.TIME_ZONE,
        "today_query": replace(filters, as_of=None, compare=None).canonical(),
        "uncompared_query": replace(filters, compare=None).canonical(),
    }


def filter_options() -> dict[str, list[Any]]:
    return cached("filter-options", "", _filter_options, local=True)


def _filter_options() -> dict[str, list[Any]]:
    span = Project.objects.aggregate(first=Min("expected_online"), last=Max("expected_online"))
    years = list(range(span["first"].year, span["last"].year + 1)) if span["first"] else []
    # From the sums the database keeps: a few thousand rows, not every project.
    present = ProjectSum.objects.order_by().values_list("country", flat=True).distinct()
    return {
        "partner": [
            (p["slug"], p["short_name"], p["colour"])
            for p in Partner.objects.order_by("short_name").values("slug", "short_name", "colour")
        ],
        "kind": list(LABELS["kind"].items()),
        "stage": list(LABELS["stage"].items()),
        "energy_source": list(LABELS["energy_source"].items()),
        "country": sorted(((c, countries.name(c)) for c in set(present)), key=lambda c: c[1]),
        "years": years,
    }


def options_for(
    filters: DashboardFilters, scope: DashboardFilters | None = None
) -> dict[str, list[Any]]:
    """The filter form's choices: within a shared view's scope only its values; always able to
    show what the URL holds (a year outside the portfolio's span, say), so that the controls
    match the address."""
    options = dict(filter_options())
    if scope is not None:
        for key in ("partner", "kind", "stage", "energy_source", "country"):
            allowed = getattr(scope, key)
            if allowed:
                options[key] = [choice for choice in options[key] if choice[0] in allowed]
        first = scope.online_from or YEAR_MIN
        last = scope.online_to or YEAR_MAX
        options["years"] = [y for y in options["years"] if first <= y <= last]
    chosen = {y for y in (filters.online_from, filters.online_to) if y is not None}
    if chosen - set(options["years"]):
        options["years"] = sorted(set(options["years"]) | chosen)
    return options


ALL_FILTERS = filters_.OPENABLE  # every filter control is open on the dashboard


def context(
    filters: DashboardFilters,
    *,
    base_path: str,
    query: str | None = None,
    open_filters: Iterable[str] = ALL_FILTERS,
    scope: DashboardFilters | None = None,
    selected: DashboardFilters | None = None,
    shared: object | None = None,  # a shared view's link (sharing's model), for the templates
) -> dict[str, Any]:
    """What the dashboard templates need. `query` is the reader's own query string (the
    canonical filters on the dashboard; on a shared view only what its viewer narrowed), used
    for the export links; `scope` limits the form's choices to a shared view's. The headline
    and the charts are computed only when a template uses them (a one-chart partial or a CSV
    export reads neither)."""
    export_query = filters.canonical() if query is None else query
    return {
        "filters": filters,
        "selected": filters if selected is None else selected,
        "query": export_query,
        "base_path": base_path,
        "open": set(open_filters),
        "shared": shared,
        "options": options_for(filters, scope),
        "past": SimpleLazyObject(lambda: past_context(filters)),
        "headline": SimpleLazyObject(lambda: headline(filters)),
        "chart_data": SimpleLazyObject(lambda: [chart_data(name, filters) for name in CHART_NAMES]),
        "chart_blocks": SimpleLazyObject(
            lambda: [
                chart_html(name, filters, base_path=base_path, query=export_query)
                for name in CHART_NAMES
            ]
        ),
    }


def chart_response(
    chart: str, filters: DashboardFilters, *, base_path: str, query: str
) -> HttpResponse:
    """One chart's block as a response (the dashboard's partial and its fast path)."""
    return HttpResponse(chart_html(chart, filters, base_path=base_path, query=query))


def partial_response(request: HttpRequest, chart: str) -> HttpResponse | None:
    """One chart's block for the request's filters; None when the chart or the filters are
    wrong (the full stack then answers 404 or 400). Needs no session or user: for the fast
    path (fastpath.py), for a session the full stack has already let through."""
    if chart not in CHART_NAMES:
        return None
    try:
        filters = DashboardFilters.from_query(request.GET, partner_slugs=partner_slugs())
    except FilterError:
        return None
    if filters.scenario is not None or filters.draft:
        return None  # whether the reader may see the scenario: the full stack checks
    return chart_response(chart, filters, base_path=reverse("dashboard"), query=filters.canonical())
