"""The portfolio page: deals, partners and projects with their sources; login and errors."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from projects.models import Commitment, FundraisingUpdate, Project, Target
from tests.factories import (
    CommitmentFactory,
    InvestmentFactory,
    ParticipationFactory,
    PartnerFactory,
    ProjectFactory,
    ProjectPhaseFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db

RAISED_SOURCE = "BlackRock Says AI Partnership Raises $12.5B Toward $30B Goal"
RAISED_URL = "https://example.com/raised"
TARGET_SOURCE = "Microsoft-backed partnership aims to raise $100 billion"


def sourced(**kwargs):
    """Provenance of a public fact (not illustrative)."""
    return {
        "illustrative": False,
        "source_title": kwargs.pop("title", TARGET_SOURCE),
        "source_url": kwargs.pop("url", "https://example.com/target"),
        "as_of": kwargs.pop("as_of", dt.date(2024, 9, 17)),
        **kwargs,
    }


def public_targets():
    equity = TargetFactory(
        name="Equity",
        scope=Target.Scope.EQUITY,
        amount_usd=Decimal("30000000000"),
        **sourced(),
    )
    TargetFactory(
        name="Total",
        scope=Target.Scope.TOTAL,
        amount_usd=Decimal("100000000000"),
        **sourced(),
    )
    FundraisingUpdate.objects.create(
        target=equity,
        amount_raised_usd=Decimal("12500000000"),
        **sourced(title=RAISED_SOURCE, url=RAISED_URL, as_of=dt.date(2026, 1, 15)),
    )
    return equity


def portfolio(size):
    """`size` partners, projects (with two phases each) and commitments of each instrument."""
    deal = InvestmentFactory(name="Aligned Data Centers")
    for _ in range(size):
        partner = PartnerFactory()
        project = ProjectFactory(investment=deal, stage="construction", capacity_mw=500)
        ProjectPhaseFactory(project=project, stage="operational", capacity_mw=200)
        ProjectPhaseFactory(project=project, stage="construction", capacity_mw=300)
        ParticipationFactory(partner=partner, project=project)
        CommitmentFactory(partner=partner, instrument=Commitment.Instrument.EQUITY)
        CommitmentFactory(partner=partner, project=project, instrument=Commitment.Instrument.DEBT)


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("portfolio"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/portfolio/"


def test_healthz_and_login_need_no_login(client):
    assert client.get(reverse("healthz")).status_code == 200
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'name="password"' in response.content


def test_login_page_shows_a_clear_error(client, viewer):
    response = client.post(reverse("login"), {"username": "viewer", "password": "wrong"})
    assert response.status_code == 200
    assert 'role="alert"' in response.text
    assert "Please enter a correct username and password" in response.text


def test_login_through_the_form_lands_on_the_dashboard(client, viewer):
    response = client.post(
        reverse("login"), {"username": "viewer", "password": "viewer-pass-1234"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert response.status_code == 200


def test_logout_is_a_post_form_with_csrf(viewer_client):
    response = viewer_client.get(reverse("portfolio"))
    html = response.text
    form = re.search(r'<form[^>]*action="/accounts/logout/"[^>]*>(.*?)</form>', html, re.S)
    assert form, "no logout form"
    assert 'method="post"' in form.group(0)
    assert "csrfmiddlewaretoken" in form.group(1)
    assert "viewer" in html
    assert viewer_client.post(reverse("logout")).status_code == 302
    assert viewer_client.get(reverse("portfolio")).status_code == 302


def test_no_admin_link_for_a_viewer(viewer_client):
    assert f'href="{reverse("admin:index")}"' not in viewer_client.get(reverse("portfolio")).text


def test_admin_link_for_staff(editor_client):
    assert f'href="{reverse("admin:index")}"' in editor_client.get(reverse("portfolio")).text


def test_the_page_points_to_the_dashboard_for_headline_figures(viewer_client):
    public_targets()
    portfolio(2)
    html = viewer_client.get(reverse("portfolio")).text
    lede = html.split('class="page-head__lede"')[1].split("</p>")[0]
    assert f'href="{reverse("dashboard")}"' in lede
    # No key figures here: the dashboard's tiles tell them apart properly.
    for gone in ("Key figures", 'id="kpi-', "Committed by partners", "Capital raised"):
        assert gone not in html
    assert 'id="deals"' in html
    assert 'id="partners-table"' in html
    assert 'id="projects-table"' in html


def test_no_illustrative_note_when_everything_is_sourced(viewer_client):
    PartnerFactory(**sourced())
    html = viewer_client.get(reverse("portfolio")).text
    assert "demo data, not public fact" in html  # the footer explains the badge
    assert "notice--illustrative" not in html


def test_illustrative_data_is_flagged(viewer_client):
    ProjectFactory(name="Demo campus", illustrative=True)
    html = viewer_client.get(reverse("portfolio")).text
    assert "notice--illustrative" in html
    assert "Figures marked illustrative are demo data, not public fact" in html
    row = html.split("Demo campus")[1].split("</tr>")[0]
    assert "badge--illustrative" in row


def test_partners_table(viewer_client):
    blackrock = PartnerFactory(
        name="BlackRock",
        slug="blackrock",
        role="founding_member",
        kind="asset_manager",
        joined_on=dt.date(2024, 9, 17),
        **sourced(title="Launch news"),
    )
    project = ProjectFactory()
    ParticipationFactory(partner=blackrock, project=project)
    CommitmentFactory(partner=blackrock, amount_usd=Decimal("12500000000"))
    CommitmentFactory(partner=blackrock, amount_usd=Decimal("2000000000"))
    CommitmentFactory(partner=blackrock, instrument="debt", amount_usd=Decimal("350000000"))
    PartnerFactory(name="Cisco", joined_on=None)

    html = viewer_client.get(reverse("portfolio")).text
    table = html.split('id="partners-table"')[1].split("</table>")[0]
    row = table.split("BlackRock")[1].split("</tr>")[0]
    assert 'href="/partners/blackrock/"' in table
    assert "Founding member" in row
    assert "Asset manager" in row
    assert "17 Sep 2024" in row
    assert "$14.5bn" in row
    assert "$350m" in row
    assert re.search(r'class="num">1</td>', row)
    assert 'title="Launch news"' in row
    cisco = table.split("Cisco")[1].split("</tr>")[0]
    assert "Not published" in cisco
    assert "—" in cisco  # nothing committed


def test_projects_table(viewer_client):
    deal = InvestmentFactory(name="Aligned Data Centers")
    ProjectFactory(
        name="Dallas campus",
        slug="dallas",
        kind=Project.Kind.DATA_CENTRE,
        stage="construction",
        region="Texas",
        capacity_mw=Decimal("1300"),
        expected_online=dt.date(2027, 6, 30),
        investment=deal,
    )
    html = viewer_client.get(reverse("portfolio")).text
    table = html.split('id="projects-table"')[1].split("</table>")[0]
    row = table.split("Dallas campus")[1].split("</tr>")[0]
    assert 'href="/projects/dallas/"' in table
    assert "Data-centre campus" in row
    assert "badge--construction" in row
    assert 'Texas, <span title="United States of America">US</span>' in row
    assert "Texas" in row
    assert "1.3 GW" in row
    assert "Jun 2027" in row
    assert "Aligned Data Centers" in row
    assert "badge--illustrative" in row


def test_page_is_safe_under_the_strict_csp(viewer_client):
    portfolio(2)
    response = viewer_client.get(reverse("portfolio"))
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert " style=" not in response.text
    assert "<style" not in response.text
    assert not re.search(r"<script(?![^>]*\bsrc=)", response.text)


def test_an_illustrative_commitment_alone_brings_the_note(viewer_client):
    partner = PartnerFactory(**sourced())
    CommitmentFactory(partner=partner, illustrative=True)
    html = viewer_client.get(reverse("portfolio")).text
    assert "notice--illustrative" in html
    row = html.split('id="partners-table"')[1].split("</tr>")[1]
    assert "illus." in row


@pytest.mark.parametrize("size", [1, 6])
def test_queries_do_not_grow_with_rows(
    viewer_client, django_assert_num_queries, size, session_queries
):
    public_targets()
    portfolio(size)
    # session, user, the user's and its groups' permissions (the nav), deals, partners, projects
    with django_assert_num_queries(6 + session_queries):
        response = viewer_client.get(reverse("portfolio"))
    assert response.status_code == 200
    assert response.text.count('href="/projects/campus-') >= size


def test_error_pages_render_without_a_request():
    html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert "/static/css/app.css" in html


def test_unknown_address_gets_the_404_page(viewer_client):
    response = viewer_client.get("/no-such-page/")
    assert response.status_code == 404
    assert "This page does not exist" in response.text
