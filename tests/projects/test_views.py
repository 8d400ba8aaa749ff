"""The project page: facts, deal, phases, participations, commitments and sources."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from projects.models import Participation, Project
from tests.factories import (
    CommitmentFactory,
    InvestmentFactory,
    ParticipationFactory,
    PartnerFactory,
    ProjectFactory,
    ProjectPhaseFactory,
)
from tests.pages import card, islands

pytestmark = pytest.mark.django_db

DEAL_SOURCE = "AIP, MGX and GIP to acquire Aligned Data Centers"
DEAL_URL = "https://example.com/aligned"


@pytest.fixture
def campus():
    deal = InvestmentFactory(
        name="Aligned Data Centers",
        enterprise_value_usd=Decimal("40000000000"),
        announced_on=dt.date(2025, 10, 15),
        expected_close_by=dt.date(2026, 6, 30),
        illustrative=False,
        source_title=DEAL_SOURCE,
        source_url=DEAL_URL,
        as_of=dt.date(2025, 10, 15),
    )
    return ProjectFactory(
        name="Dallas campus",
        slug="dallas",
        kind=Project.Kind.DATA_CENTRE,
        stage="construction",
        country="US",
        region="Texas",
        latitude=Decimal("32.77670"),
        longitude=Decimal("-96.79700"),
        capacity_mw=Decimal("1300"),
        announced_on=dt.date(2025, 10, 15),
        expected_online=dt.date(2027, 6, 30),
        capital_cost_usd=Decimal("9500000000"),
        investment=deal,
        description="A campus of the Aligned portfolio.",
    )


def url(project):
    return reverse("projects:detail", args=[project.slug])


def test_anonymous_user_is_sent_to_login(client, campus):
    response = client.get(url(campus))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_unknown_slug_is_404(viewer_client):
    assert viewer_client.get(reverse("projects:detail", args=["atlantis"])).status_code == 404


def test_facts_and_deal(viewer_client, campus):
    html = viewer_client.get(url(campus)).text
    assert "Dallas campus" in html
    assert "Data-centre campus" in html
    assert "badge--construction" in html
    assert "United States of America" in html
    assert "Texas" in html
    assert "32.7767° N, 96.797° W" in html
    assert "15 Oct 2025" in html
    assert "Jun 2027" in html
    figures = html.split('id="figures"')[1].split("</section>")[0]
    assert "1.3 GW" in figures
    assert "IT load" in figures
    assert "$9.5bn" in figures
    assert "Aligned Data Centers" in figures
    assert "$40bn" in figures
    assert "by Jun 2026" in figures
    assert f'href="{DEAL_URL}"' in figures
    assert "badge--illustrative" in figures  # the project itself is demo data
    assert "A campus of the Aligned portfolio." in html
    assert "Energy source" not in html


def test_energy_source_of_a_generation_project(viewer_client):
    plant = ProjectFactory(
        kind=Project.Kind.GENERATION, energy_source="natural_gas", capacity_mw=Decimal("600")
    )
    html = viewer_client.get(url(plant)).text
    assert "Energy source" in html and "Natural gas" in html
    assert "nameplate" in html
    assert "600 MW" in html


def test_phases(viewer_client, campus):
    ProjectPhaseFactory(
        project=campus,
        sequence=2,
        name="Building B",
        stage="construction",
        capacity_mw=Decimal("700"),
        expected_online=dt.date(2027, 6, 30),
    )
    ProjectPhaseFactory(
        project=campus,
        sequence=1,
        name="Building A",
        stage="operational",
        capacity_mw=Decimal("600"),
        expected_online=dt.date(2025, 12, 1),
    )
    html = viewer_client.get(url(campus)).text
    table = html.split('id="phases"')[1].split("</table>")[0]
    assert table.index("Building A") < table.index("Building B")
    first = table.split("Building A")[1].split("</tr>")[0]
    assert "badge--operational" in first and "600 MW" in first and "Dec 2025" in first
    second = table.split("Building B")[1].split("</tr>")[0]
    assert "badge--construction" in second and "700 MW" in second and "Jun 2027" in second
    figures = html.split('id="figures"')[1].split("</section>")[0]
    assert "In 2 phases" in figures


def test_participations_and_commitments(viewer_client, campus):
    gip = PartnerFactory(name="Global Infrastructure Partners", slug="gip")
    mgx = PartnerFactory(name="MGX", slug="mgx")
    ParticipationFactory(project=campus, partner=mgx, stake_percent=Decimal("40"))
    ParticipationFactory(project=campus, partner=gip, stake_percent=Decimal("60"))
    ParticipationFactory(
        project=campus, partner=gip, role=Participation.Role.OPERATOR, stake_percent=None
    )
    CommitmentFactory(
        partner=gip, project=campus, amount_usd=Decimal("2000000000"), note="First close"
    )
    html = viewer_client.get(url(campus)).text
    table = html.split('id="participations"')[1].split("</table>")[0]
    rows = table.split("<tbody>")[1].split("</tr>")
    assert "Global Infrastructure Partners" in rows[0] and "60%" in rows[0]
    assert "MGX" in rows[1] and "40%" in rows[1]
    assert "Operator" in rows[2] and "—" in rows[2]
    assert 'href="/partners/gip/"' in table
    commitments = html.split('id="commitments"')[1].split("</table>")[0]
    assert 'href="/partners/gip/"' in commitments
    assert "$2bn" in commitments
    assert "First close" in commitments
    assert "badge--illustrative" in commitments


def test_sources(viewer_client, campus):
    html = viewer_client.get(url(campus)).text
    sources = html.split('id="sources"')[1].split("</section>")[0]
    assert f'href="{DEAL_URL}"' in sources
    assert DEAL_SOURCE in sources
    assert "as of 15 Oct 2025" in sources


@pytest.mark.parametrize("size", [1, 8])
def test_queries_do_not_grow_with_rows(
    viewer_client, campus, django_assert_num_queries, size, session_queries
):
    for n in range(size):
        partner = PartnerFactory()
        ProjectPhaseFactory(project=campus, sequence=n + 1)
        ParticipationFactory(project=campus, partner=partner, stake_percent=Decimal("10"))
        CommitmentFactory(project=campus, partner=partner)
    viewer_client.get(url(campus))  # the first day (the date field's bound) is cached from then
    # session, user, project, its deal, phases, participations, commitments, their partners, the
    # notes, the timeline's stage history (the charts are made from these records)
    with django_assert_num_queries(
        11 + session_queries
    ):  # 10, and the nav's two permission queries
        response = viewer_client.get(url(campus))
    assert response.status_code == 200
    # Each partner: its stake, its commitment, and that commitment in the timeline.
    assert response.text.count('href="/partners/partner-') == 3 * size
    assert response.text.count('href="/?partner=partner-') == size
    figures = islands(response.text)
    markers = figures["chart-project-phases-data"]["data"][1]
    assert len(markers["x"]) == size
    (bars,) = figures["chart-project-participations-data"]["data"]
    assert bars["x"] == [10.0] * size


def test_illustrative_records_without_a_source_are_counted_not_cited(viewer_client, campus):
    demo = {"illustrative": True, "source_title": "Illustrative demo data", "source_url": ""}
    Project.objects.filter(pk=campus.pk).update(**demo)
    ProjectPhaseFactory(project=campus, **demo)
    html = viewer_client.get(url(campus)).text
    sources = html.split('id="sources"')[1].split("</section>")[0]
    assert "Illustrative demo data" not in sources
    assert DEAL_SOURCE in sources
    assert "2 records on this page are illustrative: demo data, not public fact." in sources
    facts = html.split('id="facts"')[1].split("</section>")[0]
    assert "badge--illustrative" in facts
    assert "Illustrative demo data" not in facts  # the badge says it


# Charts and dashboard links --------------------------------------------------------------------


@pytest.fixture
def phased(campus):
    """The Dallas campus in three phases (one cancelled), with GIP (two roles), MGX and Cisco
    (no stake)."""
    for sequence, name, stage, mw, online in [
        (1, "Building A", "operational", 600, dt.date(2025, 12, 1)),
        (2, "Building B", "construction", 700, dt.date(2027, 6, 30)),
        (3, "", "cancelled", 200, dt.date(2028, 1, 1)),
    ]:
        ProjectPhaseFactory(
            project=campus,
            sequence=sequence,
            name=name,
            stage=stage,
            capacity_mw=Decimal(mw),
            expected_online=online,
        )
    gip = PartnerFactory(short_name="GIP", slug="gip", colour="#2ca02c")
    mgx = PartnerFactory(short_name="MGX", slug="mgx", colour="#d62728")
    cisco = PartnerFactory(short_name="Cisco", slug="cisco", colour="#17becf")
    ParticipationFactory(project=campus, partner=mgx, stake_percent=Decimal("40"))
    ParticipationFactory(project=campus, partner=gip, stake_percent=Decimal("55.5"))
    ParticipationFactory(
        project=campus, partner=gip, role=Participation.Role.OPERATOR, stake_percent=None
    )
    ParticipationFactory(
        project=campus,
        partner=cisco,
        role=Participation.Role.EQUIPMENT_SUPPLIER,
        stake_percent=None,
    )
    ParticipationFactory(stake_percent=Decimal("90"))  # another project's
    return campus


def test_the_page_loads_plotly_and_charts_js_like_the_dashboard(viewer_client, phased):
    html = viewer_client.get(url(phased)).text
    head = html.split("</head>")[0]
    assert '<meta id="plotly.js-style-global" class="no-inline-styles">' in head
    assert "vendor/plotly/plotly.css" in head
    for script in ("vendor/plotly/plotly-custom.min.js", "js/charts.js"):
        assert re.search(rf'<script src="[^"]*{script}" defer nonce="[^"]+"></script>', head)
    assert "<script>" not in html


def test_phases_chart(viewer_client, phased):
    html = viewer_client.get(url(phased)).text
    fig = islands(html)["chart-project-phases-data"]
    line, construction, operational, cancelled = fig["data"]
    assert line["y"] == [0.0, 0.6, 1.3, 1.3, 1.3]  # GW, cumulative; the cancelled phase adds 0
    assert line["line"]["shape"] == "hv"
    assert operational["x"] == ["2025-12-01"] and operational["y"] == [0.6]
    assert construction["customdata"] == [["", "Phase 2: Building B", "+700 MW", "1.3 GW"]]
    assert cancelled["customdata"] == [["", "Phase 3", "not counted", "1.3 GW"]]
    assert [a["text"] for a in fig["layout"]["annotations"]] == ["Project capacity 1.3 GW"]
    chart = card(html, "project-phases")
    assert "Phases coming online" in chart
    assert "Cumulative IT load as each phase comes online" in chart
    assert "Phase 1: Building A</td><td>Operational</td><td>1 Dec 2025</td><td>600 MW" in chart
    assert "Phase 3</td><td>Cancelled</td><td>1 Jan 2028</td><td>200 MW" in chart
    assert "includes illustrative data" in chart  # the factories' phases are demo data


def test_participations_chart(viewer_client, phased):
    html = viewer_client.get(url(phased)).text
    fig = islands(html)["chart-project-participations-data"]
    (bars,) = fig["data"]
    assert bars["y"] == ["GIP", "MGX"]  # Cisco has no stake: in the table only
    assert bars["x"] == [55.5, 40.0]
    assert bars["marker"]["color"] == ["#2ca02c", "#d62728"]
    assert bars["customdata"] == [
        ["?partner=gip", "Equity investor, Operator"],
        ["?partner=mgx", "Equity investor"],
    ]
    chart = card(html, "project-participations")
    assert 'data-drill-base="/"' in chart
    assert 'data-filename="aip-dallas-stakes"' in chart  # Plotly's PNG download
    assert "GIP</td><td>55.5%</td><td>Equity investor, Operator</td>" in chart
    assert "Cisco</td><td>—</td><td>Equipment supplier</td>" in chart


def test_dashboard_links(viewer_client, phased):
    html = viewer_client.get(url(phased)).text
    nav = html.split('id="project-dashboard-links"')[1].split("</nav>")[0]
    links = re.findall(r'href="([^"]+)">([^<]+)</a>', nav)
    assert links == [
        ("/?country=US", "Projects in United States of America"),
        ("/?kind=data_centre", "Data-centre campus projects"),
        ("/?partner=gip", "GIP on the dashboard"),
        ("/?partner=mgx", "MGX on the dashboard"),
        ("/?partner=cisco", "Cisco on the dashboard"),
    ]
    cache.clear()  # the dashboard caches the partners' slugs; no commit here bumps its version
    for href, _ in links:
        assert viewer_client.get(href).status_code == 200  # canonical: no redirect, no 400


def test_a_project_without_phases_or_participations(viewer_client, campus):
    html = viewer_client.get(url(campus)).text
    assert islands(html) == {}
    phases = card(html, "project-phases")
    assert '<p class="chart-empty">No phases recorded for this project.</p>' in phases
    assert "View data" not in phases
    stakes = card(html, "project-participations")
    assert '<p class="chart-empty">No partners recorded for this project.</p>' in stakes
    nav = html.split('id="project-dashboard-links"')[1].split("</nav>")[0]
    assert nav.count("href=") == 2  # country and kind


def test_partners_without_a_stake_are_in_the_table_only(viewer_client, campus):
    ParticipationFactory(
        project=campus,
        partner=PartnerFactory(short_name="Cisco"),
        role=Participation.Role.EQUIPMENT_SUPPLIER,
        stake_percent=None,
    )
    html = viewer_client.get(url(campus)).text
    assert "chart-project-participations-data" not in islands(html)
    stakes = card(html, "project-participations")
    assert '<p class="chart-empty">No stakes recorded for this project.</p>' in stakes
    assert "Cisco</td><td>—</td><td>Equipment supplier</td>" in stakes
