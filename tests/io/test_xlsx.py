"""The dashboard view as an Excel workbook: opened with openpyxl, numbers are numbers with their
formats and equal the charts' data; filters and scope hold; sources listed."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.cache import cache
from django.urls import reverse

from aipdash.dashboard import blocks as dashboard
from aipdash.dashboard.filters import DashboardFilters
from aipdash.sharing import services
from partners.models import Partner
from tests.dashboard.test_selectors import portfolio  # noqa: F401 (fixture)
from tests.factories import CommitmentFactory, PartnerFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def workbook_of(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    content = b"".join(response.streaming_content)  # a FileResponse: streamed
    return openpyxl.load_workbook(io.BytesIO(content))


def table(sheet):
    rows = list(sheet.iter_rows())
    return [c.value for c in rows[0]], rows[1:]


def filters_of(workbook):
    return {row[0].value: row[1].value for row in workbook["Filters"].iter_rows()}


def test_every_chart_has_a_sheet_with_numbers_as_numbers(viewer_client, portfolio):  # noqa: F811
    response = viewer_client.get(reverse("dashboard-xlsx"))
    today = f"{dt.date.today():%Y-%m-%d}"
    assert response["Content-Disposition"] == (f'attachment; filename="aip-dashboard-{today}.xlsx"')
    workbook = workbook_of(response)
    titles = [dashboard.chart(n, DashboardFilters()).data.title for n in dashboard.CHART_NAMES]
    assert workbook.sheetnames[:2] == ["Filters", "Headline"]
    assert workbook.sheetnames[-1] == "Sources"
    assert len(workbook.sheetnames) == len(titles) + 3

    data = dashboard.chart("commitments_by_partner", DashboardFilters()).data
    header, rows = table(workbook["Commitments by partner"])
    assert header == ["Partner", "Instrument", "Status", "Amount (USD)"]
    assert len(rows) == len(data.rows) == 4
    for cells, row in zip(rows, data.rows, strict=True):
        partner, instrument, _status, amount = cells
        assert partner.value == row["partner"]
        assert instrument.value == {"equity": "Equity", "debt": "Debt"}[row["instrument"]]
        assert amount.data_type == "n"
        assert amount.value == row["amount_usd"]
        assert amount.number_format == '"$"#,##0'
    amounts = sorted(c[3].value for c in rows)
    assert amounts == [500_000_000, 1_000_000_000, 2_000_000_000, 3_000_000_000]

    header, rows = table(workbook["Capacity coming online"])
    assert header == ["Expected online", "Side", "Capacity (MW)"]
    first = rows[0]
    # The series is monthly: a project online on 30 Jun 2024 counts from June's first day.
    assert first[0].is_date and first[0].value == dt.datetime(2024, 6, 1)
    assert first[0].number_format == "yyyy-mm-dd"
    assert first[2].value == 100 and first[2].number_format == "#,##0.0"

    header, rows = table(workbook["Capacity pipeline by stage"])
    assert header == ["Stage", "Project kind", "Capacity (MW)", "Projects"]
    mw = {(r[0].value, r[1].value): r[2].value for r in rows}
    assert mw[("Operational", "Data-centre campus")] == 100
    assert mw[("Development", "Power generation")] == 300
    assert all(r[3].data_type == "n" and r[3].number_format == "#,##0" for r in rows)


def test_the_headline_sheet_counts_committed_money_and_gives_announced_apart(
    viewer_client,
    portfolio,  # noqa: F811
):
    gip = Partner.objects.get(slug="gip")
    CommitmentFactory(partner=gip, status="announced", amount_usd=Decimal("800000000"))
    ProjectFactory(slug="link", kind="grid", stage="construction", capacity_mw=Decimal("500"))
    workbook = workbook_of(viewer_client.get(reverse("dashboard-xlsx")))
    header, rows = table(workbook["Headline"])
    assert header == ["Figure", "Value", "What it counts", "As of", "Illustrative"]
    figures = {r[0].value: r for r in rows}
    equity = figures["Equity committed"]
    assert equity[1].value == 6_000_000_000 and equity[1].number_format == '"$"#,##0'
    assert "committed or called / deployed" in equity[2].value
    assert equity[3].value == dt.datetime(2025, 10, 15) and equity[4].value == "illustrative"
    assert figures["Equity announced, not counted"][1].value == 800_000_000
    assert figures["Total committed, incl. debt"][1].value == 6_500_000_000
    assert figures["Equity committed, share of the target"][1].value == 20
    assert figures["Grid links, in the pipeline"][1].value == 500
    assert figures["Grid links, in the pipeline"][1].number_format == "#,##0.0"
    assert figures["Projects"][1].value == 4 and figures["Projects"][1].number_format == "#,##0"
    filtered = workbook_of(viewer_client.get(reverse("dashboard-xlsx") + "?partner=mgx"))
    _header, rows = table(filtered["Headline"])
    assert {r[0].value: r[1].value for r in rows}["Equity committed"] == 3_000_000_000


def test_the_filters_sheet_says_what_the_view_is(viewer_client, portfolio):  # noqa: F811
    response = viewer_client.get(reverse("dashboard-xlsx") + "?country=US&partner=gip")
    assert "aip-dashboard-filtered-" in response["Content-Disposition"]
    workbook = workbook_of(response)
    facts = filters_of(workbook)
    assert facts["View"] == "Portfolio dashboard"
    assert facts["Address"] == "http://testserver/?country=US&partner=gip"
    assert facts["Partner"] == "GIP"
    assert facts["Country"] == "US"  # as the page describes it
    assert facts["Figures as of"] == dt.datetime(2025, 10, 15)
    assert isinstance(facts["Generated at (UTC)"], dt.datetime)
    assert "illustrative" in facts["Illustrative data"]
    # The charts hold GIP's commitments only.
    _header, rows = table(workbook["Commitments by partner"])
    assert {r[0].value for r in rows} == {"GIP"}
    assert sum(r[3].value for r in rows) == 3_000_000_000


def test_whole_portfolio_filters_sheet(viewer_client, portfolio):  # noqa: F811
    facts = filters_of(workbook_of(viewer_client.get(reverse("dashboard-xlsx"))))
    assert facts["Filters"] == "None: the whole portfolio"


def test_the_sources_sheet_lists_each_charts_sources(viewer_client, portfolio):  # noqa: F811
    workbook = workbook_of(viewer_client.get(reverse("dashboard-xlsx")))
    header, rows = table(workbook["Sources"])
    assert header == ["Chart", "Source", "URL", "As of", "Illustrative"]
    listed = [(r[0].value, r[1].value, r[2].value) for r in rows]
    assert ("Energy mix", "Solar release", "https://example.com/solar") in listed
    solar = next(r for r in rows if r[1].value == "Solar release")
    assert solar[3].value == dt.datetime(2026, 2, 1) and solar[3].number_format == "yyyy-mm-dd"
    charted = {r[0].value for r in rows}
    titles = {dashboard.chart(n, DashboardFilters()).data.title for n in dashboard.CHART_NAMES}
    assert charted == titles  # every chart has a line, a source or "illustrative"


def test_a_shared_link_export_keeps_to_its_scope(client, viewer, portfolio):  # noqa: F811
    blackrock = PartnerFactory(slug="blackrock", short_name="BlackRock")
    CommitmentFactory(partner=blackrock, amount_usd=Decimal("7000000000"))
    issued = services.create(
        user=viewer,
        label="For MGX",
        filters=DashboardFilters(partner=("gip", "mgx")),
        open_filters=["partner"],
        days=30,
    )
    response = client.get(reverse("shared-xlsx", args=[issued.token]))  # not signed in
    assert response["Cache-Control"] == "private, no-store"
    assert "aip-shared-view-filtered-" in response["Content-Disposition"]
    workbook = workbook_of(response)
    _header, rows = table(workbook["Commitments by partner"])
    assert {r[0].value for r in rows} == {"GIP", "MGX"}
    facts = filters_of(workbook)
    assert facts["View"] == "Shared view: For MGX"
    assert "Address" not in facts  # the token is the link's authorisation: not in the file
    assert facts["Partner"] == "GIP, MGX"
    # Narrowed by the viewer within the scope: MGX only.
    narrowed = workbook_of(client.get(reverse("shared-xlsx", args=[issued.token]) + "?partner=mgx"))
    _header, rows = table(narrowed["Commitments by partner"])
    assert {r[0].value for r in rows} == {"MGX"}
    # Outside the scope: refused, nothing exported.
    outside = client.get(reverse("shared-xlsx", args=[issued.token]) + "?partner=blackrock")
    assert outside.status_code == 400
    assert outside["Content-Type"].startswith("text/html")  # the filter error, no workbook


def test_a_revoked_link_exports_nothing(client, viewer, portfolio):  # noqa: F811
    issued = services.create(
        user=viewer,
        label="Gone",
        filters=DashboardFilters(country=("US",)),
        open_filters=[],
        days=30,
    )
    services.revoke(issued.link)
    response = client.get(reverse("shared-xlsx", args=[issued.token]))
    assert response.status_code in (404, 410)
    assert response["Content-Type"].startswith("text/html")


def test_bad_filters_answer_400(viewer_client, portfolio):  # noqa: F811
    response = viewer_client.get(reverse("dashboard-xlsx") + "?stage=nope")
    assert response.status_code == 400


def test_signed_out_the_dashboard_export_asks_to_log_in(client, portfolio):  # noqa: F811
    response = client.get(reverse("dashboard-xlsx"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_dashboard_links_the_workbook_with_its_filters(viewer_client, portfolio):  # noqa: F811
    response = viewer_client.get("/?country=US")
    assert 'href="/export.xlsx?country=US"' in response.text


def test_text_that_looks_like_a_formula_stays_text(viewer_client, portfolio):  # noqa: F811
    CommitmentFactory(partner__slug="evil2", partner__short_name="=1+1")
    workbook = workbook_of(viewer_client.get(reverse("dashboard-xlsx")))
    _header, rows = table(workbook["Commitments by partner"])
    cell = next(r[0] for r in rows if r[0].value == "=1+1")
    assert cell.data_type == "s"


def test_the_workbook_reuses_the_cached_chart_data(
    viewer_client,
    portfolio,  # noqa: F811
    django_assert_num_queries,
):
    viewer_client.get(reverse("dashboard-xlsx"))  # fills the cache
    response = viewer_client.get(reverse("dashboard-xlsx"))
    with django_assert_num_queries(0):
        workbook_of(response)  # streaming reads nothing more
    # A second export's queries are the session's and the user's, no chart query.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        workbook_of(viewer_client.get(reverse("dashboard-xlsx")))
    assert not any("projects_" in q["sql"] for q in queries.captured_queries)
