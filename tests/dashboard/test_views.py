"""The dashboard through the Django client: page, htmx partial, per-chart block, CSV, bad
filters, and caching that an admin edit invalidates at once."""

import csv
import io
import re
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aipdash.dashboard.blocks import CHART_NAMES
from tests.dashboard.test_selectors import grow, portfolio  # noqa: F401 (fixture)
from tests.pages import islands
from tests.projects.test_admin import project_post

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("dashboard")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def test_the_dashboard_needs_a_login(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_full_page_has_every_chart_with_its_data(viewer_client, portfolio):  # noqa: F811
    response = viewer_client.get(DASHBOARD)
    assert response.status_code == 200
    html = response.text
    figures = islands(html)
    assert set(figures) == {f"chart-{name.replace('_', '-')}-data" for name in CHART_NAMES}
    assert all("data" in fig and "layout" in fig for fig in figures.values())
    assert "$6bn" in html  # equity committed tile
    assert "12.5bn" in html  # capital raised
    assert 'hx-push-url="true"' in html and 'id="dashboard-filters"' in html
    assert html.count("Download CSV") == len(CHART_NAMES)
    assert html.count("View data") == len(CHART_NAMES)


def test_an_htmx_request_gets_only_the_charts_region(viewer_client, portfolio):  # noqa: F811
    response = viewer_client.get(DASHBOARD, {"kind": "generation"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith('<div id="dashboard-charts"')
    assert "<html" not in html and 'id="dashboard-filters"' not in html
    assert len(islands(html)) == len(CHART_NAMES)


def test_every_view_has_one_address(viewer_client, portfolio):  # noqa: F811
    response = viewer_client.get(DASHBOARD + "?stage=operational&kind=&country=US")
    assert response.status_code == 302
    assert response.url == DASHBOARD + "?country=US&stage=operational"
    partial = viewer_client.get(
        DASHBOARD + "?stage=operational&online_from=", HTTP_HX_REQUEST="true"
    )
    assert partial["HX-Push-Url"] == DASHBOARD + "?stage=operational"


def test_a_history_restore_gets_the_whole_page(viewer_client, portfolio):  # noqa: F811
    response = viewer_client.get(
        DASHBOARD, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.text


def test_checked_filters_reflect_the_url(viewer_client, portfolio):  # noqa: F811
    html = viewer_client.get(DASHBOARD, {"online_from": "2026", "partner": "mgx"}).text
    assert re.search(r'name="partner" value="mgx" checked', html)
    assert not re.search(r'name="partner" value="gip" checked', html)
    assert re.search(r'<option value="2026" selected>', html)


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"stage": "built"}, "Unknown stage"),
        ({"online_from": "2030", "online_to": "2026"}, "runs backwards"),
        ({"partner": "nobody"}, "Unknown partner"),
        ({"sort": "x"}, "not a filter"),
    ],
)
def test_bad_filters_are_a_400_that_names_the_field(viewer_client, portfolio, query, words):  # noqa: F811
    response = viewer_client.get(DASHBOARD, query)
    assert response.status_code == 400
    assert words in response.text
    assert 'id="dashboard-filters"' in response.text  # the form again
    assert not islands(response.text)  # and no data
    partial = viewer_client.get(DASHBOARD, query, HTTP_HX_REQUEST="true")
    assert partial.status_code == 400 and words in partial.text


def test_one_chart_block(viewer_client, portfolio):  # noqa: F811
    response = viewer_client.get(reverse("chart", args=["energy_mix"]), {"country": "US"})
    assert response.status_code == 200
    assert list(islands(response.text)) == ["chart-energy-mix-data"]
    assert viewer_client.get(reverse("chart", args=["nope"])).status_code == 404


def test_csv_export_has_the_chart_rows(viewer_client, portfolio):  # noqa: F811
    response = viewer_client.get(
        reverse("chart-csv", args=["capacity_pipeline"]), {"kind": "data_centre"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["Stage", "Project kind", "Capacity (MW)", "Projects"]
    assert sorted(rows[1:]) == [
        ["Construction", "Data-centre campus", "200", "1"],
        ["Operational", "Data-centre campus", "100", "1"],
    ]
    bad = viewer_client.get(reverse("chart-csv", args=["capacity_pipeline"]), {"kind": "x"})
    assert bad.status_code == 400


def test_an_admin_edit_shows_on_the_very_next_load(
    editor_client,
    portfolio,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from projects.models import Project

    def pipeline_mw():
        figures = islands(editor_client.get(DASHBOARD).text)
        rows = editor_client.get(reverse("chart-csv", args=["capacity_pipeline"]))
        lines = list(csv.reader(io.StringIO(b"".join(rows.streaming_content).decode())))[1:]
        assert figures
        return sum(Decimal(line[2]) for line in lines)

    assert pipeline_mw() == 600
    assert pipeline_mw() == 600  # from the cache now
    dallas = Project.objects.get(slug="dallas")
    data = project_post(
        name=dallas.name,
        slug=dallas.slug,
        stage="operational",
        capacity_mw="150",
        announced_on=dallas.announced_on.isoformat(),
        expected_online=dallas.expected_online.isoformat(),
        loaded_version=str(dallas.version),  # as the form carries it (aipdash/records/locking.py)
    )
    # The version changes when the admin's transaction commits (the test's never does).
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:projects_project_change", args=[dallas.pk]), data
        )
    assert response.status_code == 302
    assert pipeline_mw() == 650


def test_cached_and_uncached_answers_are_identical(viewer_client, portfolio):  # noqa: F811
    first = viewer_client.get(DASHBOARD, {"country": "US"}).text
    second = viewer_client.get(DASHBOARD, {"country": "US"}).text
    cache.clear()
    third = viewer_client.get(DASHBOARD, {"country": "US"}).text
    strip = lambda html: re.sub(r'(nonce|value)="[^"]*"', "", html)  # noqa: E731
    assert strip(first) == strip(second) == strip(third)


def test_queries_of_a_cold_page_do_not_grow_with_the_data(viewer_client, portfolio):  # noqa: F811
    def cold_queries():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert viewer_client.get(DASHBOARD, {"country": "US"}).status_code == 200
        return len(queries)

    # The session's first page also starts its visit (aipdash/audit/changes.py): not measured here.
    viewer_client.get(DASHBOARD)
    small = cold_queries()
    grow(20)
    assert cold_queries() == small


def test_a_warm_page_runs_no_portfolio_query(viewer_client, portfolio):  # noqa: F811
    viewer_client.get(DASHBOARD)
    with CaptureQueriesContext(connection) as queries:
        viewer_client.get(DASHBOARD)
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "projects_" not in tables and "partners_" not in tables


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=st.lists(
        st.tuples(
            st.sampled_from(
                ["partner", "kind", "stage", "country", "online_from", "online_to", "q"]
            ),
            st.text(max_size=20),
        ),
        max_size=6,
    ),
    partial=st.booleans(),
)
def test_no_query_string_ever_makes_a_500(viewer_client, portfolio, query, partial):  # noqa: F811
    headers = {"HTTP_HX_REQUEST": "true"} if partial else {}
    response = viewer_client.get(DASHBOARD + "?" + urlencode(query), **headers)
    assert response.status_code in (200, 302, 400)
    csv_response = viewer_client.get(
        reverse("chart-csv", args=["energy_mix"]) + "?" + urlencode(query)
    )
    assert csv_response.status_code in (200, 400)


def test_one_chart_block_or_csv_computes_only_that_chart(viewer_client, portfolio):  # noqa: F811
    def cold_queries(path):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert viewer_client.get(path).status_code == 200
        return len(queries)

    page = cold_queries(DASHBOARD)
    block = cold_queries(reverse("chart", args=["energy_mix"]))
    csv_export = cold_queries(reverse("chart-csv", args=["energy_mix"]))
    # The page runs every chart's queries; a block or an export only its own two, plus the
    # session, the user, the partner slugs and the filter form's choices.
    assert block < page / 2 and csv_export <= block


def test_the_page_table_shows_the_first_rows_and_the_csv_has_them_all(
    viewer_client,
    portfolio,  # noqa: F811
    monkeypatch,
):
    from aipdash.dashboard import blocks as dashboard

    monkeypatch.setattr(dashboard, "TABLE_ROWS_MAX", 1)
    html = viewer_client.get(reverse("chart", args=["capacity_pipeline"])).text
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("<tr>") == 1
    assert "The first 1 of 3 rows; the CSV has them all." in html
    rows = list(
        csv.reader(
            io.StringIO(
                viewer_client.get(reverse("chart-csv", args=["capacity_pipeline"]))
                .getvalue()
                .decode()
            )
        )
    )
    assert len(rows) == 1 + 3  # the header and every row
