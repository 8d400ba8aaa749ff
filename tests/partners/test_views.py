"""The partner page: facts, commitments, participations and sources."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from aipdash.core.formatting import power
from projects.models import Commitment, Participation
from tests.factories import (
    CommitmentFactory,
    ParticipationFactory,
    PartnerFactory,
    ProjectFactory,
)
from tests.pages import card, islands

pytestmark = pytest.mark.django_db

LAUNCH = "BlackRock, GIP, Microsoft and MGX launch AI partnership"
LAUNCH_URL = "https://example.com/launch"


@pytest.fixture
def gip():
    blackrock = PartnerFactory(name="BlackRock", short_name="BlackRock", slug="blackrock")
    return PartnerFactory(
        name="Global Infrastructure Partners",
        short_name="GIP",
        slug="gip",
        kind="infrastructure_investor",
        role="founding_member",
        parent=blackrock,
        headquarters_country="US",
        joined_on=dt.date(2024, 9, 17),
        website="https://www.global-infra.com/",
        description="Infrastructure investor, part of BlackRock since 1 Oct 2024.",
        illustrative=False,
        source_title=LAUNCH,
        source_url=LAUNCH_URL,
        as_of=dt.date(2024, 9, 17),
    )


def url(partner):
    return reverse("partners:detail", args=[partner.slug])


def test_anonymous_user_is_sent_to_login(client, gip):
    response = client.get(url(gip))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_unknown_slug_is_404(viewer_client):
    response = viewer_client.get(reverse("partners:detail", args=["nobody"]))
    assert response.status_code == 404
    assert "This page does not exist" in response.text


def test_facts(viewer_client, gip):
    html = viewer_client.get(url(gip)).text
    assert "<h1" in html and "Global Infrastructure Partners" in html
    assert "Founding member" in html
    assert "Infrastructure investor" in html
    assert 'href="/partners/blackrock/"' in html  # parent
    assert "United States of America" in html
    assert "17 Sep 2024" in html
    assert 'href="https://www.global-infra.com/"' in html
    assert "part of BlackRock since 1 Oct 2024" in html
    assert f'href="{LAUNCH_URL}"' in html


def test_parent_lists_its_subsidiaries(viewer_client, gip):
    html = viewer_client.get(url(gip.parent)).text
    assert 'href="/partners/gip/"' in html


def test_commitments(viewer_client, gip):
    campus = ProjectFactory(name="Phoenix campus", slug="phoenix")
    CommitmentFactory(
        partner=gip,
        amount_usd=Decimal("12500000000"),
        committed_on=dt.date(2025, 10, 15),
        status=Commitment.Status.CALLED,
    )
    CommitmentFactory(
        partner=gip,
        project=campus,
        instrument=Commitment.Instrument.DEBT,
        amount_usd=Decimal("350000000"),
        committed_on=dt.date(2025, 11, 1),
    )
    html = viewer_client.get(url(gip)).text
    table = html.split('id="commitments"')[1].split("</table>")[0]
    rows = table.split("<tbody>")[1].split("</tr>")
    assert "1 Nov 2025" in rows[0]  # most recent first
    assert 'href="/projects/phoenix/"' in rows[0]
    assert "Debt" in rows[0] and "Committed" in rows[0] and "$350m" in rows[0]
    assert "15 Oct 2025" in rows[1]
    assert "AIP (the partnership)" in rows[1]
    assert "Equity" in rows[1] and "Called / deployed" in rows[1] and "$12.5bn" in rows[1]
    assert "badge--illustrative" in rows[1]
    totals = html.split('id="totals"')[1].split("</section>")[0]
    assert "$12.5bn" in totals and "$350m" in totals
    assert "Sum of 2 commitments, all illustrative" in totals
    assert "Figures marked illustrative are demo data, not public fact" in html


def test_totals_count_committed_and_called_money_and_show_announced_apart(viewer_client, gip):
    """As the dashboard's headline: an announcement is not a commitment."""
    for status, amount in (
        ("announced", "800000000"),
        ("committed", "2000000000"),
        ("called", "1500000000"),
    ):
        CommitmentFactory(partner=gip, status=status, amount_usd=Decimal(amount))
    CommitmentFactory(
        partner=gip,
        instrument=Commitment.Instrument.DEBT,
        status="announced",
        amount_usd=Decimal("600000000"),
    )
    totals = viewer_client.get(url(gip)).text.split('id="totals"')[1].split("</section>")[0]
    equity = totals.split("<dt>Equity</dt>")[1].split("</dd>")[0]
    assert "$3.5bn" in equity  # 2.0 committed + 1.5 called; not 4.3
    assert '<dt>Debt</dt><dd class="num">—</dd>' in totals  # only announced debt
    assert "Announced, not counted" in totals and "+ $1.4bn" in totals
    assert "money only announced is not a commitment" in totals
    chart = islands(viewer_client.get(url(gip)).text)["chart-partner-commitments-data"]
    assert max(max(trace["y"]) for trace in chart["data"]) == pytest.approx(3.5)  # $bn, stacked

    row = viewer_client.get(reverse("portfolio")).text.split('id="partners-table"')[1]
    row = row.split('href="/partners/gip/"')[1].split("</tr>")[0]
    cells = [cell.strip() for cell in re.findall(r"<td class=\"num\">([^<]*)", row)]
    assert cells[:3] == ["$3.5bn", "—", "$1.4bn"]  # equity, debt committed; announced apart
    assert (
        '<th scope="col" class="num">Announced</th>' in viewer_client.get(reverse("portfolio")).text
    )


def test_participations(viewer_client, gip):
    campus = ProjectFactory(name="Dallas campus", slug="dallas", stage="operational")
    ParticipationFactory(
        partner=gip,
        project=campus,
        role=Participation.Role.EQUITY_INVESTOR,
        stake_percent=Decimal("33.33"),
    )
    html = viewer_client.get(url(gip)).text
    table = html.split('id="participations"')[1].split("</table>")[0]
    assert 'href="/projects/dallas/"' in table
    assert "badge--operational" in table
    assert "Equity investor" in table
    assert "33.3%" in table  # one decimal, as formatting.percent gives


def test_sources_list(viewer_client, gip):
    CommitmentFactory(
        partner=gip,
        illustrative=False,
        source_title="Aligned deal press release",
        source_url="https://example.com/aligned",
        as_of=dt.date(2025, 10, 15),
    )
    html = viewer_client.get(url(gip)).text
    sources = html.split('id="sources"')[1].split("</section>")[0]
    aligned = sources.index("Aligned deal press release")
    launch = sources.index(LAUNCH)
    assert aligned < launch  # newest first
    assert 'href="https://example.com/aligned"' in sources
    assert "as of 15 Oct 2025" in sources
    assert f'href="{LAUNCH_URL}"' in sources
    assert "as of 17 Sep 2024" in sources


def test_no_illustrative_note_for_a_sourced_partner(viewer_client, gip):
    html = viewer_client.get(url(gip)).text
    assert "notice--illustrative" not in html


@pytest.mark.parametrize("size", [1, 8])
def test_queries_do_not_grow_with_rows(
    viewer_client, gip, django_assert_num_queries, size, session_queries
):
    PartnerFactory(parent=gip)
    for _ in range(size):
        project = ProjectFactory()
        ParticipationFactory(partner=gip, project=project)
        CommitmentFactory(partner=gip, project=project)
        CommitmentFactory(partner=gip)
    viewer_client.get(url(gip))  # the first day (the date field's bound) is cached from then on
    # session, user, partner, its parent and subsidiaries, commitments, participations, their
    # projects, the notes (the charts are made from these records: no query of their own)
    with django_assert_num_queries(9 + session_queries):  # 8, and the nav's two permission queries
        response = viewer_client.get(url(gip))
    assert response.status_code == 200
    assert response.text.count('href="/projects/campus-') == 2 * size
    figures = islands(response.text)
    equity, _tail = figures["chart-partner-commitments-data"]["data"]
    assert equity["y"][-1] == 2 * size  # $1bn each, cumulative, $bn
    (bars,) = figures["chart-partner-capacity-data"]["data"]
    assert bars["customdata"][0][1] == power(200 * size)  # each campus 200 MW, construction


# Charts ----------------------------------------------------------------------------------------


@pytest.fixture
def gip_portfolio(gip):
    """GIP: equity to the partnership and to a campus, debt to the campus; three projects, one
    of them with two roles (counted once)."""
    gip.colour = "#2ca02c"
    gip.save()
    phoenix = ProjectFactory(
        name="Phoenix campus", slug="phoenix", stage="construction", capacity_mw=Decimal(1300)
    )
    dallas = ProjectFactory(
        name="Dallas campus",
        slug="dallas",
        stage="operational",
        capacity_mw=Decimal(650),
        illustrative=False,
        source_title="Press release",
        as_of=dt.date(2025, 12, 1),
    )
    plant = ProjectFactory(
        name="Gas plant",
        slug="gas-plant",
        kind="generation",
        energy_source="natural_gas",
        stage="construction",
        capacity_mw=Decimal(400),
    )
    for project in (phoenix, dallas, plant):
        ParticipationFactory(partner=gip, project=project, stake_percent=Decimal(50))
    ParticipationFactory(
        partner=gip, project=phoenix, role=Participation.Role.OPERATOR, stake_percent=None
    )
    ProjectFactory(slug="not-gip", capacity_mw=Decimal(999))  # someone else's
    CommitmentFactory(
        partner=gip, amount_usd=Decimal("7500000000"), committed_on=dt.date(2025, 3, 1)
    )
    CommitmentFactory(
        partner=gip,
        project=phoenix,
        amount_usd=Decimal("500000000"),
        committed_on=dt.date(2025, 3, 1),
    )
    CommitmentFactory(
        partner=gip,
        project=phoenix,
        instrument=Commitment.Instrument.DEBT,
        amount_usd=Decimal("2400000000"),
        committed_on=dt.date(2025, 11, 20),
    )
    CommitmentFactory(amount_usd=Decimal("9000000000"))  # another partner's
    return gip


def test_the_page_loads_plotly_and_charts_js_like_the_dashboard(viewer_client, gip_portfolio):
    html = viewer_client.get(url(gip_portfolio)).text
    head = html.split("</head>")[0]
    assert '<meta id="plotly.js-style-global" class="no-inline-styles">' in head
    assert "vendor/plotly/plotly.css" in head
    for script in ("vendor/plotly/plotly-custom.min.js", "js/charts.js"):
        assert re.search(rf'<script src="[^"]*{script}" defer nonce="[^"]+"></script>', head)
    assert "data-topojson-url" not in html  # no map here
    assert "<script>" not in html  # no inline script: the figures are JSON islands


def test_commitments_chart(viewer_client, gip_portfolio):
    html = viewer_client.get(url(gip_portfolio)).text
    fig = islands(html)["chart-partner-commitments-data"]
    equity, debt, _equity_tail, _debt_tail = fig["data"]
    assert equity["x"] == debt["x"] == ["2025-03-01", "2025-11-20"]
    assert equity["y"] == [8.0, 8.0]  # $7.5bn and $0.5bn on one day, $bn, cumulative
    assert debt["y"] == [0.0, 2.4]
    assert equity["line"]["color"] == debt["line"]["color"] == "#2ca02c"
    assert fig["layout"]["meta"] == {"chart": "partner_commitments", "unit": "$bn"}
    chart = card(html, "partner-commitments")
    assert "Commitments over time" in chart
    assert 'class="plotly-chart" data-figure-id="chart-partner-commitments-data"' in chart
    assert 'data-drill-base="/"' in chart
    assert "as of 15 Oct 2025" in chart
    assert "includes illustrative data" in chart
    table = chart.split("View data")[1]
    assert '<th scope="col">Amount (USD)</th>' in table
    assert "1 Mar 2025</td><td>Equity</td><td>$8bn" in table
    assert "20 Nov 2025</td><td>Debt</td><td>$2.4bn" in table
    assert "Download CSV" not in chart


def test_capacity_chart_counts_each_project_once(viewer_client, gip_portfolio):
    html = viewer_client.get(url(gip_portfolio)).text
    fig = islands(html)["chart-partner-capacity-data"]
    data_centres, generation = fig["data"]
    assert data_centres["x"] == ["Construction", "Operational"]
    assert data_centres["y"] == [1.3, 0.65]  # GW: Phoenix once, though GIP has two roles there
    assert generation["x"] == ["Construction"] and generation["y"] == [0.4]
    assert fig["layout"]["meta"]["unit"] == "GW"
    assert data_centres["customdata"][0][0] == "?kind=data_centre&partner=gip&stage=construction"
    chart = card(html, "partner-capacity")
    assert "as of 1 Dec 2025" in chart  # Dallas's source is the newest record
    assert "Construction</td><td>Data-centre campus</td><td>1.3 GW</td><td>1</td>" in chart
    assert "Construction</td><td>Power generation</td><td>400 MW</td><td>1</td>" in chart


def test_the_dashboard_link(viewer_client, gip_portfolio):
    html = viewer_client.get(url(gip_portfolio)).text
    link = re.search(r'<a class="button button--primary"[^>]*href="([^"]+)">([^<]+)</a>', html)
    assert link.groups() == ("/?partner=gip", "Open the dashboard for GIP")
    cache.clear()  # the dashboard caches the partners' slugs; no commit here bumps its version
    response = viewer_client.get(link.group(1))
    assert response.status_code == 200  # the dashboard takes it as its canonical filter


def test_a_partner_without_commitments_or_projects(viewer_client, gip):
    html = viewer_client.get(url(gip)).text
    assert islands(html) == {}
    assert 'class="plotly-chart"' not in html
    commitments = card(html, "partner-commitments")
    assert '<p class="chart-empty">No commitments recorded for this partner.</p>' in commitments
    assert "View data" not in commitments
    capacity = card(html, "partner-capacity")
    assert '<p class="chart-empty">No projects recorded for this partner.</p>' in capacity
    assert 'href="/?partner=gip"' in html
