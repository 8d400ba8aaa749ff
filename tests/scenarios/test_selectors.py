"""The grouped reads scenarios apply to: the same MW as the dashboard's own charts (an all-zero
scenario is the recorded portfolio on them), the median cost per MW and its count, a fixed
number of queries whatever the size, and who sees which scenario."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User

from aipdash.dashboard.filters import DashboardFilters
from aipdash.dashboard.selectors import capacity_online, capacity_pipeline, phases, projects
from aipdash.dashboard.selectors.common import project_sums
from aipdash.dashboard.selectors.scenarios import _medians
from aipdash.scenarios import selectors
from aipdash.scenarios.arithmetic import DEMAND_KINDS, SUPPLY_KINDS, apply_attrition
from aipdash.scenarios.assumptions import Assumptions
from aipdash.scenarios.models import Scenario
from projects.models import Project
from tests.factories import ProjectFactory, ProjectPhaseFactory, ScenarioFactory

pytestmark = pytest.mark.django_db
D = Decimal
M = 1_000_000


def priced(kind, cost_per_mw_m, mw=100, **fields):
    return ProjectFactory(
        kind=kind, capacity_mw=D(mw), capital_cost_usd=D(cost_per_mw_m * M) * mw, **fields
    )


# -- The median cost per MW ------------------------------------------------------------------


def test_the_median_cost_per_mw_of_each_kind_and_the_count_it_rests_on():
    for cost in (20, 10, 12):
        priced("data_centre", cost)
    priced("data_centre", 1, mw=0)  # no MW: no cost per MW
    ProjectFactory(kind="data_centre", capital_cost_usd=None)  # no cost: not in the median
    for cost in (1, 2, D("1.5"), 3):
        priced("generation", cost, energy_source="solar", mw=50)

    assert selectors.cost_per_mw_medians() == {
        "data_centre": (D(12 * M), 3),  # 10, 12, 20
        "generation": (D(1_750_000), 4),  # 1, 1.5, 2, 3: between 1.5 and 2
    }
    assert selectors.cost_per_mw_medians(Project.objects.filter(kind="generation")) == {
        "generation": (D(1_750_000), 4)
    }


# -- The grouped rows ------------------------------------------------------------------------


def portfolio():
    """Phases across stages and kinds, a project without phases, cancelled ones."""
    campus = ProjectFactory(kind="data_centre", stage="construction")
    ProjectPhaseFactory(project=campus, stage="construction", expected_online=dt.date(2027, 2, 3))
    ProjectPhaseFactory(project=campus, stage="announced", expected_online=dt.date(2028, 12, 9))
    ProjectPhaseFactory(project=campus, stage="cancelled", expected_online=dt.date(2028, 1, 1))
    plant = ProjectFactory(kind="generation", energy_source="natural_gas", stage="development")
    ProjectPhaseFactory(project=plant, stage="development", expected_online=dt.date(2027, 2, 20))
    ProjectFactory(kind="storage", energy_source="battery", stage="announced", capacity_mw=D(40))
    ProjectFactory(kind="grid", stage="development", capacity_mw=D(500))
    ProjectFactory(kind="data_centre", stage="announced", expected_online=None)
    gone = ProjectFactory(kind="generation", energy_source="solar", stage="cancelled")
    ProjectPhaseFactory(project=gone, stage="construction")


def by_month_and_side(rows):
    sums = {}
    for row in rows:
        if row["month"] is None or row["mw"] is None:
            continue
        side = (
            "demand"
            if row["kind"] in DEMAND_KINDS
            else "supply"
            if row["kind"] in SUPPLY_KINDS
            else None
        )
        if side:
            key = (row["month"], side)
            sums[key] = sums.get(key, 0) + float(row["mw"])
    return sums


@pytest.mark.parametrize(
    "filters",
    [
        DashboardFilters(),
        DashboardFilters(kind=("data_centre",)),
        DashboardFilters(stage=("construction",)),
    ],
    ids=["all", "kind", "stage"],
)
def test_phase_groups_hold_what_capacity_online_draws(filters):
    portfolio()
    rows = selectors.phase_groups(phases(filters), projects(filters))
    recorded = {(r["date"], r["side"]): r["mw"] for r in capacity_online(filters).rows}
    assert by_month_and_side(rows) == recorded
    # Each row says its stage and kind, and the provenance the chart cites.
    assert {(r["stage"], r["kind"]) for r in rows} <= {
        ("construction", "data_centre"),
        ("announced", "data_centre"),
        ("development", "generation"),
        ("announced", "storage"),
        ("development", "grid"),
    }
    assert all(r["source_url"] == "https://example.com/source" for r in rows)


def test_an_all_zero_scenario_is_the_recorded_pipeline():
    portfolio()
    filters = DashboardFilters()
    rows = apply_attrition(project_sums(filters), Assumptions())
    assert rows == project_sums(filters)
    pipeline = {(r["stage"], r["kind"]): r["mw"] for r in capacity_pipeline(filters).rows}
    summed = {}
    for row in rows:
        key = (row["stage"], row["kind"])
        summed[key] = summed.get(key, 0) + float(row["mw"] or 0)
    assert summed == pipeline


def test_capital_groups_sum_recorded_costs_and_the_mw_without_one():
    priced("data_centre", 10, mw=100, stage="construction", expected_online=dt.date(2027, 3, 5))
    priced("data_centre", 12, mw=50, stage="construction", expected_online=dt.date(2027, 3, 20))
    ProjectFactory(
        kind="data_centre",
        stage="construction",
        capacity_mw=D(80),
        capital_cost_usd=None,
        expected_online=dt.date(2027, 3, 1),
    )
    priced("data_centre", 10, stage="cancelled")
    ProjectFactory(kind="grid", stage="operational", capital_cost_usd=None, capacity_mw=D(300))

    rows = sorted(selectors.capital_groups(), key=lambda r: r["kind"])
    assert rows == [
        {
            "stage": "construction",
            "kind": "data_centre",
            "month": dt.date(2027, 3, 1),
            "projects": 3,
            "with_cost": 2,
            "cost_usd": D(1600 * M),
            "without_cost": 1,
            "mw_without_cost": D(80),
        },
        {
            "stage": "operational",
            "kind": "grid",
            "month": dt.date(2027, 6, 1),
            "projects": 1,
            "with_cost": 0,
            "cost_usd": D(0),
            "without_cost": 1,
            "mw_without_cost": D(300),
        },
    ]


def test_the_grouped_reads_take_the_same_queries_at_two_sizes(django_assert_num_queries):
    portfolio()
    for _ in range(2):
        with django_assert_num_queries(2):
            selectors.phase_groups()
        with django_assert_num_queries(1):
            selectors.capital_groups()
        for n in range(8):  # twice the projects and more
            ProjectPhaseFactory(project=ProjectFactory(stage="development", capital_cost_usd=None))
            priced("data_centre", 10 + n)
    # One query for the counts, one per kind (a kind without a recorded cost too: the count
    # does not depend on the data).
    with django_assert_num_queries(1 + len(Project.Kind.values)):
        selectors.cost_per_mw_medians()


# -- Who sees which scenario -----------------------------------------------------------------


@pytest.fixture
def other_viewer(groups):
    user = User.objects.create_user("other")
    user.groups.add(Group.objects.get(name="viewer"))
    return user


def test_a_private_scenario_is_invisible_to_another_user(viewer, other_viewer, editor):
    mine = ScenarioFactory(owner=viewer, visibility=Scenario.Visibility.PRIVATE, slug="mine")
    shared = ScenarioFactory(owner=viewer, visibility=Scenario.Visibility.EVERYONE)
    shipped = ScenarioFactory()  # no owner, visible to everyone
    theirs = ScenarioFactory(owner=other_viewer, visibility=Scenario.Visibility.PRIVATE)
    root = User.objects.create_superuser("root")
    nobody = User.objects.create_user("nobody")  # signed in, without a role

    assert set(selectors.visible_scenarios(viewer)) == {mine, shared, shipped}
    assert set(selectors.visible_scenarios(other_viewer)) == {shared, shipped, theirs}
    assert set(selectors.visible_scenarios(editor)) == {shared, shipped}
    assert set(selectors.visible_scenarios(root)) == {shared, shipped}  # not others' private
    assert not selectors.visible_scenarios(nobody).exists()
    assert not selectors.visible_scenarios(AnonymousUser()).exists()

    assert selectors.scenario_for(viewer, "mine") == mine
    with pytest.raises(selectors.ScenarioNotFound) as unknown:
        selectors.scenario_for(other_viewer, "mine")
    with pytest.raises(selectors.ScenarioNotFound) as missing:
        selectors.scenario_for(other_viewer, "no-such-scenario")
    # Someone else's private scenario and one that does not exist: the same answer.
    assert str(unknown.value) == "No scenario “mine” that you may see."
    assert str(missing.value) == "No scenario “no-such-scenario” that you may see."


def test_the_medians_are_computed_once_for_every_view_of_a_day(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    """A cost per MW is of the whole portfolio, not a view's filters: the capital bridge of
    any view reads the medians the first view computed, until the next write."""
    priced("data_centre", 10, mw=100)
    first = _medians(DashboardFilters(stage=("construction",)))
    assert first == selectors.cost_per_mw_medians()
    with django_assert_num_queries(0):
        assert _medians(DashboardFilters(kind=("grid",), partner=("x",))) == first
    with django_capture_on_commit_callbacks(execute=True):  # a write: a new data version
        priced("data_centre", 30, mw=100)
    assert _medians(DashboardFilters())["data_centre"][1] == 2
