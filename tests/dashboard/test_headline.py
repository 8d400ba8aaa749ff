"""The headline tiles as a finance reader means them: "committed" counts money committed or
called / deployed, and money only announced is shown apart, never added in; the capacity tiles
add data-centre IT load and generation and storage nameplate, never a grid link's transfer
capacity (shown apart). On a hand-made portfolio; the demo's figures in test_demo.py."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from aipdash.dashboard import selectors
from aipdash.dashboard.filters import DashboardFilters
from partners.models import Partner
from projects.models import Commitment
from tests.dashboard.test_selectors import B, portfolio  # noqa: F401 (fixture)
from tests.factories import CommitmentFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_announced(portfolio):  # noqa: F811
    """The hand-made portfolio (equity: $5bn committed + $1bn called; debt: $0.5bn committed)
    with $0.8bn of equity and $0.6bn of debt only announced, and a grid link operational
    (1,200 MW) and one under construction (500 MW)."""
    gip = Partner.objects.get(slug="gip")
    CommitmentFactory(partner=gip, status="announced", amount_usd=Decimal("800000000"))
    CommitmentFactory(
        partner=gip, status="announced", instrument="debt", amount_usd=Decimal("600000000")
    )
    ProjectFactory(
        slug="link",
        kind="grid",
        stage="operational",
        capacity_mw=Decimal("1200"),
        expected_online=dt.date(2025, 1, 1),
    )
    ProjectFactory(slug="link-2", kind="grid", stage="construction", capacity_mw=Decimal("500"))


def tile(html, name):
    """The text of one headline tile, tags removed and spaces collapsed."""
    article = html.split(f'id="tile-{name}"')[1].split("</article>")[0]
    return " ".join(re.sub(r"<[^>]+>", " ", article).split())


def test_committed_means_committed_or_called():
    assert set(Commitment.COUNTED_AS_COMMITTED) == {
        Commitment.Status.COMMITTED,
        Commitment.Status.CALLED,
    }


def test_announced_money_is_shown_apart_and_not_counted(with_announced):
    h = selectors.headline(DashboardFilters())
    assert h["equity_committed"] == 6 * B  # 5 committed + 1 called; not the 0.8 announced
    assert h["equity_announced"] == 0.8 * B
    assert h["total_committed"] == 6.5 * B
    assert h["total_announced"] == pytest.approx(1.4 * B)
    assert h["equity_percent"] == pytest.approx(20.0)  # of $30bn: committed only
    gip = selectors.headline(DashboardFilters(partner=("gip",)))
    assert (gip["equity_committed"], gip["equity_announced"]) == (3 * B, 0.8 * B)


def test_grid_links_are_counted_apart_from_load_and_generation(with_announced):
    h = selectors.headline(DashboardFilters())
    assert h["mw"] == {
        "dc_operational": 100.0,
        "dc_pipeline": 200.0,
        "power_operational": 0.0,
        "power_pipeline": 300.0,
        "grid_operational": 1200.0,
        "grid_pipeline": 500.0,
    }


def test_the_tiles_say_what_they_count(viewer_client, with_announced):
    html = viewer_client.get(reverse("dashboard")).text
    equity = tile(html, "equity")
    assert "$6bn" in equity and "$6.8bn" not in equity
    assert "20% of the $30bn equity target" in equity
    assert "+ $800m announced" in equity
    assert "committed or called / deployed" in equity
    assert 'value="20.0"' in html.split('id="tile-equity"')[1].split("</article>")[0]
    total = tile(html, "total")
    assert "$6.5bn" in total and "+ $1.4bn announced" in total
    operational = tile(html, "operational")
    assert "100 MW" in operational
    assert "Excl. grid links" in operational and "1.2 GW" in operational
    pipeline = tile(html, "pipeline")
    assert "Excl. grid links" in pipeline and "500 MW" in pipeline


def test_nothing_announced_says_nothing_about_it(viewer_client, portfolio):  # noqa: F811
    html = viewer_client.get(reverse("dashboard")).text
    assert "announced" not in tile(html, "equity")
    assert "Excl. grid links" in tile(html, "operational")  # the rule, even with no link


def test_the_chart_over_time_against_the_targets_counts_what_the_tile_counts(with_announced):
    """Its lines are read against the $30bn and $100bn targets, as the tile is: the same money."""
    h = selectors.headline(DashboardFilters())
    data = selectors.commitments_over_time(DashboardFilters())
    equity = sum(r["amount_usd"] for r in data.rows if r["instrument"] == "equity")
    assert equity == h["equity_committed"] == 6 * B
    assert sum(r["amount_usd"] for r in data.rows) == h["total_committed"]
    assert "announced" in data.note
    # The chart by partner still shows every status, announced included, each apart.
    by_partner = selectors.commitments_by_partner(DashboardFilters())
    assert {r["status"] for r in by_partner.rows} == {"announced", "committed", "called"}
