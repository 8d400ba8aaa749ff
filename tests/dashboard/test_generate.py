"""The synthetic scale data (`manage.py generate_portfolio`): deterministic, valid by every model
rule, spread over every chart, refusing or replacing a loaded seed, invalidating the cache; and
the dashboard's reads run as many queries on a large portfolio as on a small one."""

import hashlib
from collections import defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Sum
from django.test.utils import CaptureQueriesContext

from aipdash.core.cache.versions import data_version
from aipdash.dashboard import selectors
from aipdash.dashboard.filters import DashboardFilters
from aipdash.operations.demo import synthetic
from partners.models import Partner
from projects.models import Commitment, Participation, Project, ProjectPhase, Stage
from tests.factories import CommitmentFactory, PartnerFactory

pytestmark = pytest.mark.django_db

SYNTHETIC = {"illustrative": True, "source_title": synthetic.SOURCE_TITLE}


def records():
    """Every synthetic record as plain values (foreign keys by slug or reference, no ids)."""
    return {
        "projects": list(
            Project.objects.filter(**SYNTHETIC)
            .order_by("slug")
            .values_list(
                "slug",
                "name",
                "kind",
                "stage",
                "country",
                "region",
                "latitude",
                "longitude",
                "energy_source",
                "capacity_mw",
                "announced_on",
                "expected_online",
                "capital_cost_usd",
                "as_of",
            )
        ),
        "phases": list(
            ProjectPhase.objects.filter(**SYNTHETIC)
            .order_by("project__slug", "sequence")
            .values_list("project__slug", "sequence", "stage", "capacity_mw", "expected_online")
        ),
        "participations": list(
            Participation.objects.filter(**SYNTHETIC)
            .order_by("project__slug", "partner__slug", "role")
            .values_list("project__slug", "partner__slug", "role", "stake_percent")
        ),
        "commitments": list(
            Commitment.objects.filter(**SYNTHETIC)
            .order_by("reference")
            .values_list(
                "reference",
                "partner__slug",
                "project__slug",
                "instrument",
                "status",
                "amount_usd",
                "committed_on",
            )
        ),
    }


def digest(values):
    return hashlib.sha256(repr(values).encode()).hexdigest()


def totals():
    projects = Project.objects.filter(**SYNTHETIC)
    commitments = Commitment.objects.filter(**SYNTHETIC)
    return {
        "projects": projects.count(),
        "capacity_mw": projects.aggregate(total=Sum("capacity_mw"))["total"],
        "phase_mw": ProjectPhase.objects.filter(**SYNTHETIC).aggregate(t=Sum("capacity_mw"))["t"],
        "stakes": Participation.objects.filter(**SYNTHETIC).aggregate(t=Sum("stake_percent"))["t"],
        "commitments": commitments.count(),
        "amount_usd": commitments.aggregate(total=Sum("amount_usd"))["total"],
        "by_stage": dict(projects.order_by().values_list("stage").annotate(n=Count("pk"))),
    }


def fresh_load(**arguments):
    """Load into the portfolio as it is, read everything back, then undo the load."""
    with transaction.atomic():
        synthetic.load(**arguments)
        result = totals(), digest(records())
        transaction.set_rollback(True)
    return result


def test_the_same_seed_gives_the_same_records_and_another_seed_does_not():
    first = fresh_load(projects=40, commitments=200, seed=7)
    again = fresh_load(projects=40, commitments=200, seed=7)
    # Batches of any size draw the same records.
    batched = fresh_load(projects=40, commitments=200, seed=7, project_batch=7, commitment_batch=13)
    other = fresh_load(projects=40, commitments=200, seed=8)

    assert first == again == batched
    assert first[0]["projects"] == 40 and first[0]["commitments"] == 200
    assert sum(first[0]["by_stage"].values()) == 40
    assert first[0]["capacity_mw"] > 0 and first[0]["amount_usd"] > 0
    assert other[0]["projects"] == 40
    assert other[0]["capacity_mw"] != first[0]["capacity_mw"]
    assert other[0]["amount_usd"] != first[0]["amount_usd"]
    assert other[1] != first[1]


def test_slugs_and_references_carry_the_seed():
    synthetic.load(projects=3, commitments=4, seed=12)
    assert sorted(Project.objects.filter(**SYNTHETIC).values_list("slug", flat=True)) == [
        "synthetic-12-p000001",
        "synthetic-12-p000002",
        "synthetic-12-p000003",
    ]
    assert sorted(Commitment.objects.filter(**SYNTHETIC).values_list("reference", flat=True)) == [
        f"synthetic-12-c{n:07d}" for n in range(1, 5)
    ]


@pytest.fixture
def portfolio():
    """A small synthetic portfolio beside a record of someone else's."""
    PartnerFactory(slug="aaa-editor-partner")
    return synthetic.load(projects=120, commitments=500, seed=3)


def test_every_record_passes_full_clean():
    """The generator's rows are valid by construction: prove it with every model rule.
    (full_clean checks each constraint with a query: a smaller portfolio, still of every
    kind and stage.)"""
    synthetic.load(projects=50, commitments=120, seed=9)  # a seed that draws every case
    projects = Project.objects.filter(**SYNTHETIC)
    assert set(projects.values_list("kind", flat=True)) == set(Project.Kind.values)
    assert set(projects.values_list("stage", flat=True)) == set(Stage.values)
    assert projects.filter(latitude__isnull=True).exists()
    assert projects.filter(expected_online__isnull=True).exists()
    for model in (Partner, Project, ProjectPhase, Participation, Commitment):
        rows = model.objects.filter(**SYNTHETIC)
        assert rows.exists(), model
        for row in rows:
            row.full_clean()  # raises ValidationError on any broken rule


def test_rules_that_span_rows_hold(portfolio):
    stakes = (
        Participation.objects.filter(**SYNTHETIC)
        .values("project")
        .annotate(total=Sum("stake_percent"), n=Count("pk"), partners=Count("partner", True))
    )
    assert all(row["total"] <= 100 for row in stakes)
    assert all(row["n"] == row["partners"] <= 4 for row in stakes)
    assert {row["project"] for row in stakes} == set(
        Project.objects.filter(**SYNTHETIC).values_list("pk", flat=True)
    )

    phases = defaultdict(list)
    for phase in ProjectPhase.objects.filter(**SYNTHETIC).select_related("project"):
        phases[phase.project].append(phase)
    assert phases
    for project, its_phases in phases.items():
        assert len(its_phases) <= 4
        assert sum(p.capacity_mw for p in its_phases) == project.capacity_mw
        assert all(p.expected_online >= project.announced_on for p in its_phases)
        assert max(p.expected_online for p in its_phases) == project.expected_online

    for project in Project.objects.filter(**SYNTHETIC):
        assert (project.energy_source != "") == (project.kind in ("generation", "storage"))
        assert (project.latitude is None) == (project.longitude is None)
        if project.stage == Stage.OPERATIONAL:
            assert project.expected_online is not None
        if project.expected_online:
            assert project.announced_on < project.expected_online


def test_the_portfolio_is_spread_over_every_chart(portfolio):
    projects = Project.objects.filter(**SYNTHETIC)
    assert set(projects.values_list("kind", flat=True)) == set(Project.Kind.values)
    assert set(projects.values_list("stage", flat=True)) == set(Stage.values)
    assert projects.values("country").distinct().count() >= 10
    assert projects.filter(kind="data_centre").count() > projects.count() / 2
    span = projects.aggregate(first=Min("expected_online"), last=Max("expected_online"))
    assert span["first"].year <= 2016 and span["last"].year >= 2034

    commitments = Commitment.objects.filter(**SYNTHETIC)
    to_partnership = commitments.filter(project__isnull=True).count() / commitments.count()
    assert 0.2 < to_partnership < 0.4
    assert set(commitments.values_list("instrument", flat=True)) == set(
        Commitment.Instrument.values
    )
    assert set(commitments.values_list("status", flat=True)) == set(Commitment.Status.values)
    # Fewer than five partners existed: the synthetic ones were added, and all are used.
    assert Partner.objects.count() == 1 + len(synthetic.SYNTHETIC_PARTNERS)
    assert commitments.values("partner").distinct().count() == Partner.objects.count()
    dates = commitments.aggregate(first=Min("committed_on"), last=Max("committed_on"))
    assert dates["first"].year == 2024 and dates["last"].year == 2030

    filters = DashboardFilters()
    for name, chart in selectors.CHARTS.items():
        if name != "market_context":  # published series, not portfolio data
            assert chart(filters).rows, name


def test_commitments_go_to_the_partners_already_there():
    partners = [PartnerFactory(slug=f"partner-{n}") for n in range(6)]
    synthetic.load(projects=10, commitments=300, seed=4)
    assert Partner.objects.count() == 6  # enough partners: none added
    used = set(Commitment.objects.filter(**SYNTHETIC).values_list("partner", flat=True))
    assert used == {p.pk for p in partners}


def test_history_is_recorded_in_bulk_for_synthetic_rows():
    """(Written in bulk, see aipdash/audit/history.py; tests/nothing_lost/test_audit.py checks
    it.)"""
    synthetic.load(projects=5, commitments=5, seed=6)
    reason = "Synthetic scale data (generate_portfolio --seed 6)"
    assert Project.history.filter(slug__startswith="synthetic-6-", history_change_reason=reason)
    # One creation each (dated by the record's own dates: tests/history/test_generator_past.py).
    assert Project.history.filter(slug__startswith="synthetic-6-", history_type="+").count() == 5
    created = Commitment.history.filter(reference__startswith="synthetic-6-", history_type="+")
    assert created.count() == 5


def run(*arguments):
    out, err = StringIO(), StringIO()
    call_command("generate_portfolio", *arguments, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_loads_shows_progress_and_refuses_a_second_run():
    out, err = run("--projects", "30", "--commitments", "90", "--seed", "5")
    assert "30 projects" in out and "90 commitments" in out
    assert "projects" in err and "30/30 (100%)" in err
    assert "commitments" in err and "90/90 (100%)" in err
    before = totals()

    with pytest.raises(CommandError, match=r"seed 5 is already loaded.*--replace"):
        run("--projects", "30", "--commitments", "90", "--seed", "5")
    assert totals() == before


def test_replace_deletes_the_seed_and_loads_anew():
    run("--projects", "30", "--commitments", "90", "--seed", "5")
    synthetic.load(projects=4, commitments=6, seed=9)
    demo_like = CommitmentFactory(reference="someone-else")

    out, _ = run("--projects", "12", "--commitments", "40", "--seed", "5", "--replace")
    assert "deleted 90 commitments" in out and "30 projects" in out
    assert synthetic.existing(5) == {"projects": 12, "commitments": 40}
    assert synthetic.existing(9) == {"projects": 4, "commitments": 6}  # another seed stays
    assert Commitment.objects.filter(pk=demo_like.pk).exists()
    # The deleted projects' phases and participations went with them (the test's transaction
    # never commits, so the database's deferred foreign-key checks would not tell).
    live = Project.objects.values("pk")
    assert not ProjectPhase.objects.exclude(project__in=live).exists()
    assert not Participation.objects.exclude(project__in=live).exists()
    assert not Commitment.objects.filter(project__isnull=False).exclude(project__in=live).exists()


def test_replace_refuses_while_other_commitments_use_its_projects():
    synthetic.load(projects=3, commitments=0, seed=5)
    CommitmentFactory(project=Project.objects.get(slug="synthetic-5-p000002"), reference="")
    with pytest.raises(CommandError, match="refer to its projects"):
        run("--projects", "3", "--commitments", "0", "--seed", "5", "--replace")
    assert synthetic.existing(5)["projects"] == 3


def test_a_load_changes_the_data_version(django_capture_on_commit_callbacks):
    before = data_version()
    with django_capture_on_commit_callbacks(execute=True):
        run("--projects", "5", "--commitments", "5", "--seed", "2")
    after = data_version()
    assert after != before
    with django_capture_on_commit_callbacks(execute=True):
        run("--projects", "5", "--commitments", "5", "--seed", "2", "--replace")
    assert data_version() != after


@pytest.mark.parametrize("value", ["-1", "many"])
def test_command_refuses_a_bad_number(value):
    with pytest.raises(CommandError):
        run("--projects", value, "--commitments", "1")


def count_queries(function, filters):
    cache.clear()  # selectors share cached parts per (filters, data version): count them cold
    with CaptureQueriesContext(connection) as queries:
        function(filters)
    return len(queries)


def test_query_counts_per_view_stay_constant_when_the_data_grows():
    readers = {**selectors.CHARTS, "headline": selectors.headline}
    filtered = DashboardFilters(stage=("construction", "operational"), country=("US",))

    counts = {}
    for size in (20, 200):
        synthetic.load(projects=size, commitments=size * 5, seed=1, replace=True)
        assert Project.objects.filter(**SYNTHETIC).count() == size
        partner = Partner.objects.order_by("slug").first().slug
        with_partner = DashboardFilters(partner=(partner,))
        counts[size] = {
            (name, label): count_queries(reader, filters)
            for name, reader in readers.items()
            for label, filters in (
                ("all", DashboardFilters()),
                ("filtered", filtered),
                ("partner", with_partner),
            )
        }
    assert counts[20] == counts[200]
    assert all(counts[200].values())


def test_money_is_whole_steps_and_capacity_tenths(portfolio):
    amounts = Commitment.objects.filter(**SYNTHETIC).values_list("amount_usd", flat=True)
    assert all(a > 0 and a % 100_000 == 0 for a in amounts)
    mw = Project.objects.filter(**SYNTHETIC).values_list("capacity_mw", flat=True)
    assert all(Decimal(10) <= m <= Decimal(2000) for m in mw)
