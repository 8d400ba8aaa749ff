"""The partner page: facts, commitments, participations and sources."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import Commitment, Participation
from tests.factories import (
    CommitmentFactory,
    ParticipationFactory,
    PartnerFactory,
    ProjectFactory,
)

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
def test_queries_do_not_grow_with_rows(viewer_client, gip, django_assert_num_queries, size):
    PartnerFactory(parent=gip)
    for _ in range(size):
        project = ProjectFactory()
        ParticipationFactory(partner=gip, project=project)
        CommitmentFactory(partner=gip, project=project)
        CommitmentFactory(partner=gip)
    # session, user, partner with parent, subsidiaries, commitments, participations
    with django_assert_num_queries(8):  # 6, and the nav's two permission queries
        response = viewer_client.get(url(gip))
    assert response.status_code == 200
    assert response.text.count('href="/projects/campus-') == 2 * size
