"""The API's figures are the dashboard's: every chart for the default view and a filtered one
(against the dashboard's own CSV export and against the selectors, cold), the records with
exact money, nested phases and participations, provenance, paging, and a number of queries
that does not grow with the data."""

import csv
import datetime as dt
import io
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from aipdash.charts.data import LABELS
from aipdash.dashboard import selectors
from aipdash.dashboard.blocks import CHART_NAMES
from aipdash.dashboard.filters import DashboardFilters
from api.views import FiltersRejected
from partners.models import Partner
from tests.dashboard.test_selectors import grow
from tests.factories import CommitmentFactory, ProjectFactory

pytestmark = pytest.mark.django_db

VIEWS = {
    "default": {},
    "filtered": {"partner": ["gip", "mgx"], "country": ["US"], "online_from": "2020"},
}
PROVENANCE = {"source_title", "source_url", "as_of", "illustrative"}


def parse(query):
    return DashboardFilters.from_query(
        QueryDict(urlencode(query, doseq=True)), partner_slugs={"gip", "mgx"}
    )


def csv_rows(response):
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    return rows[0], rows[1:]


def as_shown(column, value):
    """An API cell as the dashboard's CSV writes it (codes as labels, numbers as numbers)."""
    if value is None:
        return ""
    if column["key"] in LABELS:
        return LABELS[column["key"]].get(value, value)
    if column["unit"]:
        return Decimal(value)
    if isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) else Decimal(repr(value))


# Columns of numbers that have no unit: coordinates, years and counts (the capital bridge's
# counts of projects its figures rest on).
NUMBERS_WITHOUT_UNIT = {
    "latitude",
    "longitude",
    "projects",
    "year",
    "projects_with_cost",
    "projects_per_mw",
    "projects_unpriced",
}


def from_csv(column, text):
    if text and (column["unit"] or column["key"] in NUMBERS_WITHOUT_UNIT):
        return Decimal(text)
    return text


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("name", CHART_NAMES)
def test_every_chart_equals_the_dashboards_export(
    viewer_client, viewer_token, bearer, portfolio, name, view
):
    query = VIEWS[view]
    api = bearer(viewer_token).get(f"/api/charts/{name}/", query)
    assert api.status_code == 200
    data = api.json()
    cache.clear()  # the export computes its figures afresh
    export = viewer_client.get(f"/charts/{name}.csv", query)
    assert export.status_code == 200
    header, rows = csv_rows(export)
    columns = data["columns"]
    assert header == [f"{c['label']} ({c['unit']})" if c["unit"] else c["label"] for c in columns]
    assert [[as_shown(c, row[c["key"]]) for c in columns] for row in data["rows"]] == [
        [from_csv(c, text) for c, text in zip(columns, row, strict=True)] for row in rows
    ]
    assert data["rows"], "a chart with no rows would prove nothing"


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("name", CHART_NAMES)
def test_every_chart_equals_its_selector_exactly(viewer_token, bearer, portfolio, name, view):
    query = VIEWS[view]
    data = bearer(viewer_token).get(f"/api/charts/{name}/", query).json()
    filters = parse(query)
    expected = selectors.CHARTS[name](filters)
    units = {c.key: c.unit for c in expected.columns}
    assert data["title"] == expected.title and data["note"] == expected.note
    assert data["columns"] == [
        {"key": c.key, "label": c.label, "unit": c.unit} for c in expected.columns
    ]
    assert len(data["rows"]) == len(expected.rows)
    for got, want in zip(data["rows"], expected.rows, strict=True):
        assert got.keys() == want.keys()
        for key, value in want.items():
            if units.get(key) and value is not None:
                assert isinstance(got[key], str) and Decimal(got[key]) == Decimal(repr(value))
            elif isinstance(value, dt.date):
                assert got[key] == value.isoformat()
            else:
                assert got[key] == value
    assert data["as_of"] == (expected.as_of.isoformat() if expected.as_of else None)
    assert data["illustrative"] is expected.illustrative
    assert [s["url"] for s in data["sources"]] == [s.url for s in expected.sources]
    assert data["filters"] == filters.to_json() and data["query"] == filters.canonical()


def test_known_figures_exactly(viewer_token, bearer, portfolio):
    api = bearer(viewer_token)
    by_partner = api.get("/api/charts/commitments_by_partner/").json()
    amounts = {
        (r["partner_slug"], r["instrument"], r["status"]): r["amount_usd"]
        for r in by_partner["rows"]
    }
    assert amounts[("gip", "equity", "committed")] == "2000000000.00"
    assert amounts[("mgx", "debt", "committed")] == "500000000.00"
    assert sum(Decimal(v) for v in amounts.values()) == Decimal("6500000000")
    targets = {t["scope"]: t["amount_usd"] for t in by_partner["extras"]["targets"]}
    assert targets == {"equity": "30000000000.00", "total": "100000000000.00"}
    gip = api.get("/api/charts/commitments_by_partner/", {"partner": "gip"}).json()
    assert sum(Decimal(r["amount_usd"]) for r in gip["rows"]) == Decimal("3000000000")
    pipeline = api.get("/api/charts/capacity_pipeline/", {"country": "US"}).json()
    assert {(r["stage"], r["mw"]) for r in pipeline["rows"]} == {
        ("operational", "100.0"),
        ("development", "300.0"),
    }


def test_the_chart_list_names_every_chart_with_its_title(viewer_token, bearer, portfolio):
    charts = bearer(viewer_token).get("/api/charts/").json()
    assert [c["name"] for c in charts] == list(CHART_NAMES)
    assert all(c["title"] == selectors.CHARTS[c["name"]](DashboardFilters()).title for c in charts)
    assert charts[0]["url"] == "http://testserver/api/charts/commitments_by_partner/"


def test_listing_the_charts_computes_none(viewer_token, bearer, portfolio):
    client = bearer(viewer_token)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/charts/").status_code == 200
    portfolio_queries = [q["sql"] for q in queries if "projects_" in q["sql"]]
    assert portfolio_queries == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"stage": "built"}, "stage"),
        ({"partner": "nobody"}, "partner"),
        ({"online_from": "2030", "online_to": "2020"}, "online_to"),
        ({"colour": "red"}, "colour"),
        ({"online_from": "twenty"}, "online_from"),
    ],
)
def test_bad_filters_are_a_400_naming_the_field(viewer_token, bearer, portfolio, query, field):
    for path in ("/api/charts/energy_mix/", "/api/projects/", "/api/commitments/"):
        response = bearer(viewer_token).get(path, query)
        assert response.status_code == 400, path
        assert field in response.json()["errors"], path


@pytest.mark.parametrize("path", ["/api/partners/", "/api/targets/", "/api/indicators/"])
def test_a_list_without_filters_refuses_one_rather_than_ignore_it(
    viewer_token, bearer, portfolio, path
):
    client = bearer(viewer_token)
    response = client.get(path, {"slug": "gip", "page_size": 5})
    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "slug": "“slug” is not a parameter of this list: it takes only page and page_size."
        }
    }
    assert client.get(path, {"page": 1, "page_size": 5}).status_code == 200


def test_a_refusal_carries_its_code_as_drf_errors_do():
    """The 400's messages are DRF ErrorDetails with the refusal's code (they were plain strings,
    on which DRF's get_codes() failed: found by mypy)."""
    refused = FiltersRejected({"stage": "Not a stage."})
    assert refused.detail == {"errors": {"stage": "Not a stage."}}
    assert refused.get_codes() == {"errors": {"stage": "invalid_filters"}}


# Headline ---------------------------------------------------------------------------------------


def test_the_headline_counts_committed_money_and_gives_announced_apart(
    viewer_token, bearer, portfolio
):
    gip = Partner.objects.get(slug="gip")
    CommitmentFactory(partner=gip, status="announced", amount_usd=Decimal("800000000"))
    CommitmentFactory(partner=gip, status="announced", instrument="debt", amount_usd=Decimal(1))
    ProjectFactory(slug="link", kind="grid", stage="construction", capacity_mw=Decimal("500"))
    data = bearer(viewer_token).get("/api/headline/").json()
    figures = {f["key"]: f for f in data["figures"]}
    values = {key: f["value"] for key, f in figures.items()}
    assert values["equity_committed"] == "6000000000.00"  # committed + called, not announced
    assert values["equity_announced"] == "800000000.00"
    assert values["total_committed"] == "6500000000.00"
    assert values["total_announced"] == "800000001.00"
    assert values["equity_target"] == "30000000000.00"
    assert Decimal(values["equity_percent"]) == 20
    assert values["raised"] == "12500000000.00"
    assert (values["dc_pipeline"], values["grid_pipeline"]) == ("200.0", "500.0")
    assert (values["projects"], values["partners"]) == (4, 2)
    assert data["counted_statuses"] == ["committed", "called"]
    assert "committed or called / deployed" in figures["equity_committed"]["counts"]
    assert figures["equity_committed"]["unit"] == "USD" and figures["projects"]["unit"] == ""
    assert figures["dc_operational"]["illustrative"] is True
    assert figures["power_pipeline"]["as_of"] == "2026-02-01"
    assert data["filters"] == {} and data["query"] == ""
    assert "https://example.com/solar" in [s["url"] for s in data["sources"]]


@pytest.mark.parametrize("view", VIEWS)
def test_the_headline_is_the_dashboards(viewer_token, bearer, portfolio, view):
    data = bearer(viewer_token).get("/api/headline/", VIEWS[view]).json()
    expected = selectors.headline_figures(selectors.headline(parse(VIEWS[view])))
    assert [f["key"] for f in data["figures"]] == [f["key"] for f in expected]
    for got, want in zip(data["figures"], expected, strict=True):
        if want["value"] is None:
            assert got["value"] is None
        else:
            assert Decimal(got["value"]) == Decimal(repr(want["value"])), want["key"]
        assert got["label"] == want["label"] and got["counts"] == want["counts"]


def test_the_headline_refuses_bad_filters(viewer_token, bearer, portfolio):
    response = bearer(viewer_token).get("/api/headline/", {"stage": "built"})
    assert response.status_code == 400 and "stage" in response.json()["errors"]


def test_an_unknown_chart_is_a_404(viewer_token, bearer, portfolio):
    assert bearer(viewer_token).get("/api/charts/headline/").status_code == 404


# Records ---------------------------------------------------------------------------------------


def test_projects_nest_their_phases_and_participations_with_exact_numbers(
    viewer_token, bearer, portfolio
):
    data = bearer(viewer_token).get("/api/projects/").json()
    assert data["count"] == 3
    projects = {p["slug"]: p for p in data["results"]}
    sao = projects["sao"]
    assert sao["capacity_mw"] == "200.0" and sao["country"] == "BR"
    assert [(p["sequence"], p["capacity_mw"], p["expected_online"]) for p in sao["phases"]] == [
        (1, "120.0", "2026-06-30"),
        (2, "80.0", "2027-06-30"),
    ]
    dallas = projects["dallas"]
    assert [(p["partner"], p["stake_percent"]) for p in dallas["participations"]] == [
        ("gip", "60.00")
    ]
    solar = projects["solar"]
    assert solar["source_url"] == "https://example.com/solar" and solar["illustrative"] is False
    assert solar["as_of"] == "2026-02-01"
    for project in data["results"]:
        assert project.keys() >= PROVENANCE
        assert all(
            nested.keys() >= PROVENANCE for nested in project["phases"] + project["participations"]
        )


def test_projects_are_filtered_as_the_dashboard_filters_them(viewer_token, bearer, portfolio):
    api = bearer(viewer_token)

    def slugs(**query):
        return sorted(p["slug"] for p in api.get("/api/projects/", query).json()["results"])

    assert slugs(stage="operational") == ["dallas"]
    assert slugs(partner="mgx") == ["solar"]
    assert slugs(country="US", online_to="2027") == ["dallas"]
    assert slugs(kind=["generation", "data_centre"], stage=["construction", "development"]) == [
        "sao",
        "solar",
    ]
    for query in ({}, {"country": "US"}, {"partner": "gip"}):
        filters = parse(query)
        assert slugs(**query) == sorted(selectors.projects(filters).values_list("slug", flat=True))


def test_commitments_money_is_exact_and_filtered_like_the_charts(viewer_token, bearer, portfolio):
    api = bearer(viewer_token)
    rows = api.get("/api/commitments/").json()["results"]
    assert [(r["partner"], r["amount_usd"], r["project"]) for r in rows] == [
        ("gip", "2000000000.00", None),
        ("mgx", "3000000000.00", None),
        ("gip", "1000000000.00", None),
        ("mgx", "500000000.00", "solar"),
    ]
    assert all(r.keys() >= PROVENANCE for r in rows)
    # A project filter keeps commitments to the partnership as a whole (as the charts do).
    brazil = api.get("/api/commitments/", {"country": "BR"}).json()["results"]
    assert {r["project"] for r in brazil} == {None}
    assert len(api.get("/api/commitments/", {"partner": "mgx"}).json()["results"]) == 2


def test_partners_targets_and_indicators(viewer_token, bearer, portfolio):
    api = bearer(viewer_token)
    partners = api.get("/api/partners/").json()["results"]
    assert {p["slug"] for p in partners} == {"gip", "mgx"}
    assert all(p.keys() >= PROVENANCE for p in partners)
    assert api.get("/api/partners/gip/").json()["colour"] == "#56B4E9"
    targets = api.get("/api/targets/").json()["results"]
    assert [(t["slug"], t["amount_usd"]) for t in targets] == [
        ("equity", "30000000000.00"),
        ("total", "100000000000.00"),
    ]
    assert [u["amount_raised_usd"] for u in targets[0]["updates"]] == ["12500000000.00"]
    indicators = api.get("/api/indicators/").json()["results"]
    assert {(i["series"], i["year"], i["value"]) for i in indicators} >= {
        ("dc-electricity", 2024, "415.00"),
        ("india-electricity", 2025, "1694.00"),
    }
    assert api.get("/api/partners/nobody/").status_code == 404


def test_pages_are_stable_and_bounded(viewer_token, bearer, portfolio):
    grow(7)  # 10 projects
    api = bearer(viewer_token)
    first = api.get("/api/projects/", {"page_size": 4}).json()
    assert first["count"] == 10 and len(first["results"]) == 4 and first["previous"] is None
    seen = [p["slug"] for p in first["results"]]
    url = first["next"]
    while url:
        page = api.get(url.removeprefix("http://testserver")).json()
        seen += [p["slug"] for p in page["results"]]
        url = page["next"]
    everything = api.get("/api/projects/", {"page_size": 500}).json()["results"]
    assert seen == [p["slug"] for p in everything] and len(set(seen)) == 10
    assert seen == sorted(
        seen, key=lambda slug: next(p["name"] for p in everything if p["slug"] == slug)
    )
    assert api.get("/api/projects/", {"page": 99}).status_code == 404
    assert len(api.get("/api/projects/", {"page_size": 10_000}).json()["results"]) == 10
    # Paging keeps the filters.
    filtered = api.get("/api/projects/", {"page_size": 1, "country": "US"}).json()
    assert "country=US" in filtered["next"]


# Queries --------------------------------------------------------------------------------------


PATHS = [
    "/api/partners/",
    "/api/projects/?country=US",
    "/api/commitments/?partner=gip",
    "/api/targets/",
    "/api/indicators/",
    "/api/charts/",
    *(f"/api/charts/{name}/?country=US" for name in CHART_NAMES),
]


def test_queries_do_not_grow_with_the_data(viewer_token, bearer, portfolio):
    api = bearer(viewer_token)
    api.get("/api/charts/")  # the token's last use is written now, not inside a count below

    def cold_queries():
        counts = {}
        for path in PATHS:
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                assert api.get(path).status_code == 200, path
            counts[path] = len(queries)
        return counts

    small = cold_queries()
    grow(20)
    assert cold_queries() == small
    assert max(small.values()) <= 40


def test_a_warm_chart_reads_no_portfolio_table(viewer_token, bearer, portfolio):
    api = bearer(viewer_token)
    api.get("/api/charts/capacity_pipeline/", {"country": "US"})
    with CaptureQueriesContext(connection) as queries:
        api.get("/api/charts/capacity_pipeline/", {"country": "US"})
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "projects_" not in tables and "partners_" not in tables
