"""factory_boy factories: valid records by default, illustrative so they need no source."""

import datetime as dt
from decimal import Decimal

import factory

from aipdash.scenarios.models import Scenario
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

# The passwords of the users that tests/conftest.py makes (the viewer and editor fixtures).
PASSWORDS = {"viewer": "viewer-pass-1234", "editor": "editor-pass-1234"}


class ProvenanceFactory(factory.django.DjangoModelFactory):
    source_title = "Test source"
    source_url = "https://example.com/source"
    as_of = dt.date(2025, 10, 15)
    illustrative = True

    class Meta:
        abstract = True


class PartnerFactory(ProvenanceFactory):
    name = factory.Sequence(lambda n: f"Partner {n}")
    short_name = factory.Sequence(lambda n: f"P{n}")
    slug = factory.Sequence(lambda n: f"partner-{n}")
    kind = Partner.Kind.ASSET_MANAGER
    role = Partner.Role.MEMBER
    colour = "#1f77b4"

    class Meta:
        model = Partner


class InvestmentFactory(ProvenanceFactory):
    name = factory.Sequence(lambda n: f"Deal {n}")
    slug = factory.Sequence(lambda n: f"deal-{n}")
    enterprise_value_usd = Decimal("40000000000")
    announced_on = dt.date(2025, 10, 15)

    class Meta:
        model = Investment


class ProjectFactory(ProvenanceFactory):
    name = factory.Sequence(lambda n: f"Campus {n}")
    slug = factory.Sequence(lambda n: f"campus-{n}")
    kind = Project.Kind.DATA_CENTRE
    stage = "construction"
    country = "US"
    region = "Texas"
    latitude = Decimal("32.7767")
    longitude = Decimal("-96.7970")
    capacity_mw = Decimal("200.0")
    announced_on = dt.date(2025, 1, 1)
    expected_online = dt.date(2027, 6, 30)

    class Meta:
        model = Project


class ProjectPhaseFactory(ProvenanceFactory):
    project = factory.SubFactory(ProjectFactory)
    sequence = factory.Sequence(lambda n: n + 1)
    capacity_mw = Decimal("100.0")
    expected_online = dt.date(2027, 6, 30)

    class Meta:
        model = ProjectPhase


class ParticipationFactory(ProvenanceFactory):
    project = factory.SubFactory(ProjectFactory)
    partner = factory.SubFactory(PartnerFactory)
    role = Participation.Role.EQUITY_INVESTOR
    stake_percent = Decimal("25.00")

    class Meta:
        model = Participation


class CommitmentFactory(ProvenanceFactory):
    partner = factory.SubFactory(PartnerFactory)
    instrument = Commitment.Instrument.EQUITY
    status = Commitment.Status.COMMITTED
    amount_usd = Decimal("1000000000")
    committed_on = dt.date(2025, 6, 1)

    class Meta:
        model = Commitment


class TargetFactory(ProvenanceFactory):
    name = factory.Sequence(lambda n: f"Target {n}")
    slug = factory.Sequence(lambda n: f"target-{n}")
    scope = Target.Scope.EQUITY
    amount_usd = Decimal("30000000000")
    set_on = dt.date(2024, 9, 17)

    class Meta:
        model = Target


class FundraisingUpdateFactory(ProvenanceFactory):
    target = factory.SubFactory(TargetFactory)
    amount_raised_usd = Decimal("12500000000")
    as_of = dt.date(2026, 1, 15)

    class Meta:
        model = FundraisingUpdate


class MarketIndicatorFactory(ProvenanceFactory):
    series = "dc-electricity"
    label = "Data-centre electricity demand"
    scenario = MarketIndicator.Scenario.HISTORICAL
    # Years the tests never name (they use 2024-2035): a fixture's explicit year and a
    # sequence's can't collide on the unique (series, region, scenario, year, as_of).
    year = factory.Sequence(lambda n: 2040 + n % 61)
    value = Decimal("415")

    class Meta:
        model = MarketIndicator


class NoteFactory(ProvenanceFactory):
    date = dt.date(2025, 3, 19)
    text = factory.Sequence(lambda n: f"Milestone {n}")

    class Meta:
        model = Note


class ScenarioFactory(factory.django.DjangoModelFactory):
    """A scenario visible to everyone, with no owner (as the shipped ones): all at defaults."""

    name = factory.Sequence(lambda n: f"Scenario {n}")
    slug = factory.Sequence(lambda n: f"scenario-{n}")
    visibility = Scenario.Visibility.EVERYONE

    class Meta:
        model = Scenario
