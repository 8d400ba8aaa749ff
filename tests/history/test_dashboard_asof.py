"""The dashboard's figures as of a day: as of today they are today's (every chart, the
headline, under every kind of filter: the kept sums today, the rows and spans as of a day);
as of a past day of the demo, the smaller portfolio of that day; and the dates are checked
with the filters (a wrong one names its field)."""

import dataclasses
import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from aipdash.dashboard import selectors
from aipdash.dashboard.filters import DashboardFilters, FilterError
from aipdash.operations.demo.loader import load_demo

pytestmark = pytest.mark.django_db

JAN_2025 = dt.date(2025, 1, 31)
FILTERS = (
    {},
    {"stage": ("operational",)},
    {"kind": ("generation", "storage"), "energy_source": ("gas",)},
    {"partner": ("gip",)},
    {"partner": ("microsoft",), "stage": ("construction",)},
    {"country": ("US",), "online_from": 2026},
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)


def figures(filters):
    charts = {name: chart(filters) for name, chart in selectors.CHARTS.items()}
    return (
        {
            name: (data.rows, data.as_of, data.illustrative, data.sources)
            for name, data in charts.items()
        },
        selectors.headline_figures(selectors.headline(filters)),
    )


@pytest.mark.parametrize("values", FILTERS, ids=str)
def test_as_of_today_gives_todays_figures(demo, values):
    today = DashboardFilters(**values)
    as_of_today = dataclasses.replace(today, as_of=timezone.localdate())
    live_charts, live_headline = figures(today)
    past_charts, past_headline = figures(as_of_today)
    for name in live_charts:
        assert past_charts[name] == live_charts[name], name
    assert past_headline == live_headline


def test_as_of_a_past_day_is_that_days_smaller_portfolio(demo):
    then = figures(DashboardFilters(as_of=JAN_2025))[1]
    now = figures(DashboardFilters())[1]
    by_key = {row["key"]: row["value"] for row in then}
    now_by_key = {row["key"]: row["value"] for row in now}
    assert 0 < by_key["projects"] < now_by_key["projects"]
    assert 0 < by_key["partners"] < now_by_key["partners"]
    assert 0 < by_key["equity_committed"] < now_by_key["equity_committed"]


def test_dates_join_the_filters_and_name_their_field(demo):
    query = {"as_of": ["2025-06-30"], "compare": ["2025-03-31"], "stage": ["operational"]}
    filters = DashboardFilters.from_query(MultiValueDict(query), partner_slugs=set())
    assert (filters.as_of, filters.compare) == (dt.date(2025, 6, 30), dt.date(2025, 3, 31))
    assert filters.canonical() == "as_of=2025-06-30&compare=2025-03-31&stage=operational"
    assert DashboardFilters.from_json(filters.to_json()) == filters
    assert filters.earlier() == DashboardFilters(stage=("operational",), as_of=dt.date(2025, 3, 31))
    for bad, field in (
        ({"as_of": ["30/06/2025"]}, "as_of"),
        ({"as_of": ["2000-01-01"]}, "as_of"),
        ({"as_of": ["2999-01-01"]}, "as_of"),
        ({"compare": ["2025-06-30"], "as_of": ["2025-03-31"]}, "compare"),
    ):
        with pytest.raises(FilterError) as error:
            DashboardFilters.from_query(MultiValueDict(bad), partner_slugs=set())
        assert set(error.value.errors) == {field}


@pytest.mark.parametrize(
    "query",
    [
        {"as_of": "2025-06-30", "stage": "construction"},
        {"as_of": dt.date.today().isoformat()},  # today: cached under the data version
        {"compare": "2025-06-30", "stage": "construction"},
        {"as_of": "2025-12-31", "compare": "2025-06-30"},
    ],
    ids=["past", "today", "compare", "past-compare"],
)
def test_a_warm_view_of_a_day_runs_no_portfolio_or_history_query(demo, viewer_client, query):
    # The first day bounding the date fields and a comparison's list of changes are cached
    # like the charts (each was ten or more history queries on every request).
    assert viewer_client.get("/", query, headers={"HX-Request": "true"}).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = viewer_client.get("/", query, headers={"HX-Request": "true"})
    assert response.status_code == 200
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "projects_" not in tables and "partners_" not in tables, tables
