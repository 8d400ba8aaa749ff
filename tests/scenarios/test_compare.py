"""Compare two scenarios, or a scenario and the recorded portfolio (/scenarios/compare/), on the
small portfolio of test_dashboard_figures: each side's figures are its dashboard view's, the
table lines them up (A, B, B − A, with units), the filters compose, wrong input is a 400 that
names the field, another user's private scenario is never shown, the dashboard links to it
under a scenario, and the cold page's queries do not grow with the data."""

import re
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aipdash.dashboard import scenario_compare
from aipdash.history import dates
from aipdash.scenarios.models import Scenario
from tests.dashboard.test_selectors import grow
from tests.factories import ScenarioFactory
from tests.scenarios.test_dashboard_figures import late_and_lost, small  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
D = Decimal
COMPARE = "/scenarios/compare/"
TODAY = dates.today().isoformat()


@pytest.fixture
def lean():
    return ScenarioFactory(slug="lean", name="Lean", leverage=D("1.5"))


def comparison(viewer, **query):
    a, b = scenario_compare.sides(QueryDict(urlencode(query)), viewer)
    return scenario_compare.compare(a, b)


def table(c):
    return {row.label: row for row in c.differences()}


def test_the_address_is_the_one_the_routes_give():
    assert reverse("scenario-compare") == COMPARE


def test_a_scenario_against_the_recorded_portfolio(viewer, small, late_and_lost):  # noqa: F811
    c = comparison(viewer, b="late-and-lost")
    assert (c.a.name, c.b.name) == ("Recorded portfolio", "Late & lost")
    rows = table(c)
    power = rows["Generation and storage, in the pipeline"]
    assert (power.a, power.b, power.difference) == (300, 150, -150)
    assert (power.a_shown, power.b_shown, power.difference_shown) == ("300 MW", "150 MW", "−150 MW")
    assert rows["Data-centre IT load, in the pipeline"].difference_shown == "no change"
    # The power balance at the end of the last year either side has (cumulative): half the
    # announced wind is lost; the campus's slipped phases are online by then.
    assert c.balance_year == 2028
    supply = rows["Generation and storage online, end of 2028"]
    assert (supply.a, supply.b, supply.unit) == (300, 150, "MW")
    assert rows["Demand over supply, end of 2028"].difference == 150
    gap = next(r for r in c.differences() if r.unit == "year")
    assert gap.label.startswith("First year data-centre demand exceeds")
    assert gap.a == c.figures["a"].first_gap_year and gap.b == c.figures["b"].first_gap_year


def test_two_scenarios_side_by_side(viewer, small, late_and_lost, lean):  # noqa: F811
    c = comparison(viewer, a="late-and-lost", b="lean")
    rows = table(c)
    leverage = rows["Leverage (debt per $ of equity)"]
    # No targets are recorded: the partnership's leverage cannot be computed (0), lean's is 1.5.
    assert (leverage.a_shown, leverage.b_shown, leverage.difference_shown) == (
        "0.00 : 1",
        "1.50 : 1",
        "+1.50",
    )
    # Lean moves no MW: its pipeline is the recorded one, late-and-lost's is not.
    assert rows["Generation and storage, in the pipeline"].difference == 150


def test_the_page_shows_both_sides_and_the_table(viewer_client, small, late_and_lost):  # noqa: F811
    response = viewer_client.get(COMPARE, {"b": "late-and-lost"})
    assert response.status_code == 200
    html = response.text
    for words in (
        "Recorded portfolio",
        "Late &amp; lost",
        "The differences",
        '<td class="num">−150 MW</td>',
        'id="a-chart-power-balance"',
        'id="b-chart-capital-bridge"',
        'data-figure-id="b-chart-power-balance-data"',
        # Each side's cards export and open that side's view.
        "/charts/power_balance.csv?scenario=late-and-lost",
        'href="/charts/power_balance.csv"',
    ):
        assert words in html, words
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # two sides, no id twice
    header = html[html.index('class="print-only print-header"') :][:600]
    assert "A “Recorded portfolio” and B “Late &amp; lost”" in header


def test_the_comparison_composes_with_the_filters(viewer_client, viewer, small, late_and_lost):  # noqa: F811
    c = comparison(viewer, b="late-and-lost", country="BR")  # the campus alone
    rows = table(c)
    assert rows["Generation and storage, in the pipeline"].a == 0
    assert rows["Data-centre IT load, in the pipeline"].b == 200
    html = viewer_client.get(COMPARE, {"b": "late-and-lost", "country": "BR"}).text
    assert "/charts/capital_bridge.csv?country=BR&amp;scenario=late-and-lost" in html
    assert '<input type="hidden" name="country" value="BR">' in html
    assert "<strong>Filters:</strong> Country: BR." in html


@pytest.fixture
def private_of_another(db):
    other = User.objects.create_user("other", password="other-pass-1234")
    return ScenarioFactory(
        slug="secret", name="Secret plan", owner=other, visibility=Scenario.Visibility.PRIVATE
    )


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ({"b": "nope"}, "Scenario B", "No scenario “nope” that you may see."),
        ({"a": "nope", "b": "late-and-lost"}, "Scenario A", "No scenario “nope”"),
        ({"b": "secret"}, "Scenario B", "No scenario “secret” that you may see."),
        ({}, "Scenario B", "Pick the scenario to compare."),
        ({"b": "bad slug!"}, "Scenario B", "is not a scenario&#x27;s address"),
        ({"b": "late-and-lost", "scenario": "late-and-lost"}, "Scenario", "as A and B"),
        # Today: a day the records stand (the small portfolio is made today).
        ({"b": "late-and-lost", "as_of": TODAY}, "As of", "today&#x27;s portfolio only"),
        ({"b": "late-and-lost", "kind": "nope"}, "Project kind", "Unknown project kind"),
        ({"b": "late-and-lost", "q": "x"}, "q", "is not a filter"),
    ],
)
def test_wrong_input_is_a_400_that_names_the_field(
    viewer_client,
    small,  # noqa: F811
    late_and_lost,  # noqa: F811
    private_of_another,
    query,
    field,
    words,
):
    response = viewer_client.get(COMPARE, query)
    assert response.status_code == 400
    html = response.text
    assert f"<strong>{field}</strong>" in html and words in html
    assert "Secret plan" not in html  # never named, never offered


def test_the_picker_offers_what_the_reader_may_see(
    viewer_client,
    small,  # noqa: F811
    late_and_lost,  # noqa: F811
    private_of_another,
):
    html = viewer_client.get(COMPARE, {"b": "late-and-lost"}).text
    assert '<option value="late-and-lost" selected>Late &amp; lost</option>' in html
    assert "Secret plan" not in html and 'value="secret"' not in html


def test_the_dashboard_offers_compare_with_under_a_scenario(viewer_client, small, late_and_lost):  # noqa: F811
    html = viewer_client.get(reverse("dashboard") + "?country=US&scenario=late-and-lost").text
    assert f'href="{COMPARE}?country=US&amp;b=late-and-lost">Compare with…</a>' in html
    partial = viewer_client.get(
        reverse("dashboard") + "?scenario=late-and-lost", HTTP_HX_REQUEST="true"
    ).text
    assert f'href="{COMPARE}?b=late-and-lost">Compare with…' in partial
    assert "Compare with…" not in viewer_client.get(reverse("dashboard")).text


def test_queries_of_a_cold_comparison_do_not_grow_with_the_data(
    viewer_client,
    small,  # noqa: F811
    late_and_lost,  # noqa: F811
    lean,
):
    def cold_queries():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = viewer_client.get(COMPARE, {"a": "lean", "b": "late-and-lost"})
            assert response.status_code == 200
        return len(queries)

    viewer_client.get(reverse("dashboard"))  # the session's first page starts its visit
    grow(1)
    before = cold_queries()
    grow(15)
    assert cold_queries() == before


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "scenario", "country", "online_from", "stage", "x"]),
            st.sampled_from(["", "late-and-lost", "nope", "US", "2027", "announced", "é", "a b"])
            | st.text(max_size=12),
        ),
        max_size=5,
    )
)
def test_no_query_string_ever_makes_a_500(viewer_client, small, late_and_lost, query):  # noqa: F811
    assert viewer_client.get(COMPARE + "?" + urlencode(query)).status_code in (200, 400)
