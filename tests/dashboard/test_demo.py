"""The demo data: idempotent, sourced or flagged, faithful to the published figures, valid."""

import datetime as dt
import hashlib
import json
from collections import defaultdict
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse

from aipdash.dashboard import selectors
from aipdash.dashboard.filters import DashboardFilters
from aipdash.operations.demo import illustrative, loader
from aipdash.operations.demo.loader import load_demo, read_public_facts
from partners.models import Partner
from projects.models import (
    Commitment,
    FundraisingUpdate,
    Investment,
    MarketIndicator,
    Note,
    Participation,
    Project,
    ProjectPhase,
    Target,
)
from tests.dashboard.test_headline import tile
from tests.factories import CommitmentFactory, ParticipationFactory, PartnerFactory, ProjectFactory

pytestmark = pytest.mark.django_db

# Children before parents, so that deleting in this order respects every PROTECT.
MODELS = (
    Note,
    Commitment,
    Participation,
    ProjectPhase,
    Project,
    Investment,
    FundraisingUpdate,
    Target,
    MarketIndicator,
    Partner,
)
EXPECTED_COUNTS = {
    "Partner": 11,
    "Target": 2,
    "FundraisingUpdate": 1,
    "Investment": 1,
    "MarketIndicator": 9,
    "Project": 67,
    "ProjectPhase": 163,
    "Participation": 288,
    "Commitment": 30,
    "Note": 8,
}
PARTNER_SLUGS = {
    "blackrock",
    "gip",
    "microsoft",
    "mgx",
    "nvidia",
    "xai",
    "ge-vernova",
    "nextera-energy",
    "kia",
    "temasek",
    "cisco",
}
RAISED_BY = dt.date(2026, 1, 15)
BN = Decimal(1_000_000_000)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for this module, rolled back after it (loading takes seconds)."""
    with django_db_blocker.unblock(), transaction.atomic():
        counts = load_demo()
        yield counts
        transaction.set_rollback(True)


def all_records():
    for model in MODELS:
        yield from model.objects.all()


def digest():
    """A hash of every value of every record, foreign keys by slug and primary keys left out."""
    rows = []
    for record in all_records():
        values = {}
        for field in record._meta.concrete_fields:
            if field.primary_key:
                continue
            value = getattr(record, field.name)
            if field.is_relation and value is not None:
                value = value.slug
            values[field.name] = str(value)
        rows.append([type(record).__name__, json.dumps(values, sort_keys=True)])
    return hashlib.sha256(json.dumps(sorted(rows)).encode()).hexdigest()


def history_rows():
    return {model.__name__: model.history.count() for model in MODELS}


def snapshot(record):
    fresh = type(record).objects.get(pk=record.pk)
    return {field.attname: getattr(fresh, field.attname) for field in fresh._meta.concrete_fields}


def campuses():
    return Project.objects.filter(
        investment__slug="aligned-data-centers", kind=Project.Kind.DATA_CENTRE
    )


# --- Idempotence and determinism ----------------------------------------------------------


def test_counts_match_what_is_in_the_database(demo):
    assert demo == EXPECTED_COUNTS
    for model in MODELS:
        assert model.objects.count() == demo[model.__name__]


def test_a_second_run_gives_the_same_counts_and_writes_nothing(demo):
    before, history_before = digest(), history_rows()

    assert load_demo() == demo

    for model in MODELS:
        assert model.objects.count() == demo[model.__name__], model.__name__
    assert digest() == before
    assert history_rows() == history_before  # nothing saved again


def test_the_same_data_in_a_fresh_database(demo):
    first = digest()
    for model in MODELS:
        if model is Partner:
            Partner.objects.filter(parent__isnull=False).delete()
        model.objects.all().delete()
    assert not any(model.objects.exists() for model in MODELS)

    assert load_demo() == demo
    assert digest() == first


def test_the_generator_is_pure_and_deterministic():
    assert illustrative.generate() == illustrative.generate()


def test_a_second_run_keeps_an_editors_change_to_a_demo_record(demo):
    campus = campuses().get(slug="aligned-dallas-01")
    commitment = Commitment.objects.filter(reference__startswith="demo-").first()
    campus.capacity_mw += 1
    campus.save()
    commitment.amount_usd += 1
    commitment.committed_on += dt.timedelta(days=1)
    commitment.save()
    edited = [snapshot(campus), snapshot(commitment)]

    assert load_demo() == demo

    assert [snapshot(campus), snapshot(commitment)] == edited
    assert Commitment.objects.count() == demo["Commitment"]  # no second copy of the original


def test_refresh_puts_the_demo_values_back(demo):
    campus = campuses().get(slug="aligned-dallas-01")
    capacity = campus.capacity_mw
    campus.capacity_mw = capacity + 1
    campus.save()

    load_demo(refresh=True)

    campus.refresh_from_db()
    assert campus.capacity_mw == capacity


def test_records_an_editor_added_are_left_alone(demo):
    microsoft = Partner.objects.get(slug="microsoft")
    campus = campuses().get(slug="aligned-chicago-01")
    own_project = ProjectFactory(slug="editor-campus", name="Editor's campus")
    own_partner = PartnerFactory(slug="editor-partner")
    own_participation = ParticipationFactory(
        project=campus, partner=own_partner, role=Participation.Role.LENDER, stake_percent=None
    )
    own_commitment = CommitmentFactory(
        partner=microsoft, amount_usd=Decimal("123456789.00"), committed_on=dt.date(2025, 5, 5)
    )
    own = [own_project, own_partner, own_participation, own_commitment]
    before = [snapshot(record) for record in own]

    assert load_demo() == demo

    assert [snapshot(record) for record in own] == before
    assert Project.objects.count() == demo["Project"] + 1
    assert Commitment.objects.count() == demo["Commitment"] + 1


def test_the_command_prints_the_counts(demo):
    out = StringIO()
    call_command("load_demo", stdout=out)
    output = out.getvalue()
    for name, count in demo.items():
        assert name in output
        assert str(count) in output
    assert "Demo data in place" in output


def counts_in_database():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_if_empty_loads_nothing_once_the_portfolio_has_data(demo):
    # An editor renames a demo partner and deletes a demo participation: a plain load would
    # now recreate the partner under its demo slug (and break the stakes of its projects).
    Partner.objects.filter(slug="gip").update(slug="global-infrastructure-partners")
    Participation.objects.filter(partner__slug="microsoft").first().delete()
    before, history_before = counts_in_database(), history_rows()

    out = StringIO()
    call_command("load_demo", "--if-empty", stdout=out)

    assert out.getvalue().strip() == (
        "Portfolio data present: demo not loaded; run `manage.py load_demo` to add missing "
        "demo records"
    )
    assert counts_in_database() == before
    assert history_rows() == history_before
    assert not Partner.objects.filter(slug="gip").exists()


def test_a_plain_load_that_would_break_a_rule_changes_nothing_and_says_why(demo):
    Partner.objects.filter(slug="gip").update(slug="global-infrastructure-partners")
    before = counts_in_database()

    with pytest.raises(CommandError, match=r"nothing was changed.*Stakes in this project"):
        call_command("load_demo", stdout=StringIO())

    assert counts_in_database() == before


def test_if_empty_loads_the_demo_into_an_empty_portfolio(demo):
    for model in MODELS:
        if model is Partner:
            Partner.objects.filter(parent__isnull=False).delete()
        model.objects.all().delete()

    out = StringIO()
    call_command("load_demo", "--if-empty", stdout=out)

    assert "Demo data in place" in out.getvalue()
    assert counts_in_database() == demo


# --- Provenance ---------------------------------------------------------------------------


def test_every_public_fact_names_its_source(demo):
    public = 0
    for record in all_records():
        if not record.illustrative:
            public += 1
            assert record.source_url.startswith("https://"), record
            assert record.source_title, record
            assert record.as_of, record
    assert public == 11 + 2 + 1 + 1 + 9 + 8  # partners, targets, update, deal, market, notes


def test_every_illustrative_record_says_so(demo):
    for record in all_records():
        if record.illustrative:
            assert record.source_title == "Illustrative demo data (not public fact)", record
            assert record.source_url == "", record
    for model in (Project, ProjectPhase, Participation, Commitment):
        assert not model.objects.filter(illustrative=False).exists(), model.__name__


def test_the_product_reads_its_own_facts_file():
    assert loader.PUBLIC_FACTS.parent == Path(loader.__file__).parent
    assert "shared" not in Path(loader.__file__).read_text(encoding="utf-8")
    facts = read_public_facts()
    assert all(
        record["source_url"].startswith("https://") and not record["illustrative"]
        for records in facts.values()
        for record in records
    )


def test_every_record_passes_full_clean(demo):
    for record in all_records():
        record.full_clean()


# --- The published figures ----------------------------------------------------------------


def test_partners_and_their_roles(demo):
    partners = {p.slug: p for p in Partner.objects.all()}
    assert set(partners) == PARTNER_SLUGS
    assert partners["gip"].parent == partners["blackrock"]
    assert all(p.parent is None for slug, p in partners.items() if slug != "gip")
    founders = {s for s, p in partners.items() if p.role == Partner.Role.FOUNDING_MEMBER}
    assert founders == {"blackrock", "gip", "microsoft", "mgx"}
    assert partners["nvidia"].role == Partner.Role.TECHNICAL_ADVISER
    assert {partners[s].role for s in ("ge-vernova", "nextera-energy")} == {
        Partner.Role.ENERGY_PARTNER
    }
    assert {partners[s].role for s in ("kia", "temasek")} == {Partner.Role.ANCHOR_INVESTOR}
    assert partners["cisco"].role == Partner.Role.TECHNOLOGY_PARTNER
    assert partners["cisco"].joined_on is None  # the day is not confirmed
    assert partners["kia"].joined_on == dt.date(2025, 6, 4)
    assert {partners[s].joined_on for s in ("nvidia", "xai", "ge-vernova", "nextera-energy")} == {
        dt.date(2025, 3, 19)
    }
    # AIP was announced in September 2024, not earlier.
    assert min(p.joined_on for p in partners.values() if p.joined_on) == dt.date(2024, 9, 17)
    colours = [p.colour.lower() for p in partners.values()]
    assert len(set(colours)) == len(colours)


def test_targets_and_capital_raised(demo):
    targets = {t.scope: t for t in Target.objects.all()}
    assert targets[Target.Scope.EQUITY].amount_usd == 30 * BN
    assert targets[Target.Scope.TOTAL].amount_usd == 100 * BN
    assert not Target.objects.filter(amount_usd=70 * BN).exists()  # press arithmetic, not AIP's

    update = FundraisingUpdate.objects.get()
    assert update.target == targets[Target.Scope.EQUITY]
    assert update.amount_raised_usd == Decimal("12.5") * BN
    assert update.as_of == RAISED_BY


def test_equity_commitments_add_up_to_the_capital_raised(demo):
    equity = Commitment.objects.filter(
        instrument=Commitment.Instrument.EQUITY, committed_on__lte=RAISED_BY
    )
    assert equity.aggregate(total=Sum("amount_usd"))["total"] == Decimal("12.5") * BN
    to_partnership = equity.filter(project=None)
    assert to_partnership.aggregate(total=Sum("amount_usd"))["total"] == Decimal("12.5") * BN
    assert set(to_partnership.values_list("status", flat=True)) == set(Commitment.Status.values)
    assert Commitment.objects.filter(instrument=Commitment.Instrument.DEBT).exists()
    assert Commitment.objects.filter(project__isnull=False).exists()


def test_the_headline_counts_committed_money_and_gives_announced_apart(viewer_client, demo):
    """The figures of issue 13: $12.95bn of equity of every status, of which $0.8bn only
    announced."""
    h = selectors.headline(DashboardFilters())
    assert h["equity_committed"] == Decimal("12.15") * BN  # $5.35bn committed + $6.8bn called
    assert h["equity_announced"] == Decimal("0.8") * BN
    assert h["total_committed"] == Decimal("15.92") * BN  # + $3.4bn + $0.37bn of debt
    assert h["total_announced"] == Decimal("1.4") * BN
    assert h["equity_percent"] == pytest.approx(40.5)
    html = viewer_client.get(reverse("dashboard")).text
    equity = tile(html, "equity")
    assert "$12.15bn" in equity and "$12.95bn" not in equity
    assert "40.5% of the $30bn equity target" in equity
    assert "+ $800m announced" in equity
    assert "+ $1.4bn announced" in tile(html, "total")


def test_no_commitment_before_its_partner_joined(demo):
    for commitment in Commitment.objects.select_related("partner", "project"):
        assert commitment.committed_on >= dt.date(2024, 9, 17)
        if commitment.partner.joined_on:
            assert commitment.committed_on >= commitment.partner.joined_on, commitment
        if commitment.project:
            assert commitment.committed_on >= commitment.project.announced_on, commitment


def test_the_aligned_deal(demo):
    deal = Investment.objects.get(slug="aligned-data-centers")
    assert deal.enterprise_value_usd == 40 * BN
    assert deal.announced_on == dt.date(2025, 10, 15)
    assert deal.expected_close_by == dt.date(2026, 6, 30)
    assert deal.closed_on is None
    assert deal.stated_sites == 50
    assert deal.stated_capacity_mw == 5000


def test_the_aligned_campuses_reproduce_the_published_totals(demo):
    assert campuses().count() == 50

    def mw(**filters):
        return campuses().filter(**filters).aggregate(total=Sum("capacity_mw"))["total"]

    assert mw(stage="operational") == 600
    assert mw(stage="construction") == 700
    assert 5000 < mw() < 5200
    assert {str(c) for c in campuses().values_list("country", flat=True)} == {
        "US",
        "BR",
        "MX",
        "CL",
        "CO",
    }
    assert set(campuses().values_list("region", flat=True)) == {
        "Northern Virginia",
        "Chicago",
        "Dallas",
        "Ohio",
        "Phoenix",
        "Salt Lake City",
        "São Paulo",
        "Querétaro",
        "Santiago",
        "Bogotá",
    }
    phase_mw = ProjectPhase.objects.filter(project__in=campuses())
    assert phase_mw.filter(stage="operational").aggregate(t=Sum("capacity_mw"))["t"] == 600
    assert phase_mw.filter(stage="construction").aggregate(t=Sum("capacity_mw"))["t"] == 700


def test_phases_add_up_to_their_project(demo):
    phases = defaultdict(list)
    for phase in ProjectPhase.objects.select_related("project"):
        phases[phase.project].append(phase)
    assert len(phases) == Project.objects.count()
    for project, its_phases in phases.items():
        assert sum(p.capacity_mw for p in its_phases) == project.capacity_mw, project
        assert all(p.expected_online >= project.announced_on for p in its_phases), project
        assert max(p.expected_online for p in its_phases) == project.expected_online, project
        assert [p.sequence for p in sorted(its_phases, key=lambda p: p.sequence)] == list(
            range(1, len(its_phases) + 1)
        )


def test_operational_projects_have_their_online_date(demo):
    operational = Project.objects.filter(stage="operational")
    assert operational.exists()
    assert not operational.filter(expected_online__isnull=True).exists()


def test_stakes_add_up_to_at_most_100_per_project(demo):
    totals = Participation.objects.values("project").annotate(total=Sum("stake_percent"))
    assert all((row["total"] or 0) <= 100 for row in totals)


def test_power_projects_supply_the_campuses(demo):
    power = Project.objects.filter(kind__in=[Project.Kind.GENERATION, Project.Kind.STORAGE])
    assert 12 <= power.count() <= 20
    assert set(power.values_list("energy_source", flat=True)) == {
        "natural_gas",
        "solar",
        "wind",
        "nuclear",
        "geothermal",
        "battery",
    }
    assert len(set(power.values_list("stage", flat=True))) >= 5
    gas = power.filter(energy_source="natural_gas").exclude(stage="cancelled")
    for project in gas:
        roles = set(project.participations.values_list("partner__slug", "role"))
        assert ("ge-vernova", "equipment_supplier") in roles, project
    assert Participation.objects.filter(
        partner__slug="nextera-energy", role="developer", project__in=power
    ).exists()
    offtakers = set(
        Participation.objects.filter(role="offtaker").values_list("partner__slug", flat=True)
    )
    assert offtakers == {"microsoft", "xai"}


def test_every_partner_takes_part(demo):
    active = set(Participation.objects.values_list("partner__slug", flat=True)) | set(
        Commitment.objects.values_list("partner__slug", flat=True)
    )
    assert active == PARTNER_SLUGS


def test_market_context(demo):
    points = {
        (m.series, m.region, m.scenario, m.year, m.as_of): m.value
        for m in MarketIndicator.objects.all()
    }
    iea = dt.date(2025, 4, 10)
    assert points == {
        ("dc-electricity", "World", "historical", 2024, iea): 415,
        ("dc-electricity", "World", "base", 2030, iea): 945,
        ("dc-electricity", "World", "base", 2035, iea): 1200,
        ("dc-electricity", "World", "high", 2035, iea): 1720,
        ("dc-electricity", "World", "base", 2030, dt.date(2026, 4, 16)): 950,
        ("dc-electricity", "World", "projection", 2034, dt.date(2024, 6, 21)): 1580,
        ("dc-electricity", "United States", "historical", 2024, iea): 183,
        ("dc-electricity", "United States", "base", 2030, iea): 426,
        ("india-electricity", "India", "reference", 2025, dt.date(2025, 3, 31)): 1694,
    }


def test_the_traps_stay_out(demo):
    text = " ".join(
        f"{name} {region} {description}"
        for name, region, description in Project.objects.values_list(
            "name", "region", "description"
        )
    ).lower()
    assert "abilene" not in text
    assert "stargate" not in text
    # $12.5bn is also BlackRock's price for GIP: only AIP's capital raised is loaded.
    assert FundraisingUpdate.objects.get().as_of == RAISED_BY
    assert not Commitment.objects.filter(amount_usd=Decimal("12.5") * BN).exists()
