"""Each database rule, hit directly (no model validation), and each through full_clean()."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects.models import Participation
from tests.factories import (
    CommitmentFactory,
    InvestmentFactory,
    MarketIndicatorFactory,
    ParticipationFactory,
    PartnerFactory,
    ProjectFactory,
    ProjectPhaseFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db

CHECK_CONSTRAINTS = [
    (ProjectFactory, {"capacity_mw": Decimal("-1")}, "project_capacity_mw_not_negative"),
    (ProjectFactory, {"capital_cost_usd": Decimal("-5")}, "project_capital_cost_usd_not_negative"),
    (ProjectFactory, {"latitude": Decimal("90.5")}, "project_latitude_in_range"),
    (ProjectFactory, {"latitude": Decimal("-91")}, "project_latitude_in_range"),
    (ProjectFactory, {"longitude": Decimal("180.1")}, "project_longitude_in_range"),
    (ProjectFactory, {"longitude": Decimal("-181")}, "project_longitude_in_range"),
    (ProjectFactory, {"energy_source": "solar"}, "project_energy_source_only_for_power"),
    (
        ProjectFactory,
        {"stage": "operational", "expected_online": None},
        "project_operational_has_online_date",
    ),
    (
        ProjectFactory,
        {"illustrative": False, "source_url": ""},
        "project_sourced_unless_illustrative",
    ),
    (ProjectPhaseFactory, {"capacity_mw": Decimal("-0.1")}, "phase_capacity_mw_not_negative"),
    (CommitmentFactory, {"amount_usd": Decimal("-1")}, "commitment_amount_usd_not_negative"),
    (TargetFactory, {"amount_usd": Decimal("-1")}, "target_amount_usd_not_negative"),
    (
        InvestmentFactory,
        {"enterprise_value_usd": Decimal("-1")},
        "investment_enterprise_value_usd_not_negative",
    ),
    (
        InvestmentFactory,
        {"announced_on": dt.date(2025, 10, 15), "closed_on": dt.date(2025, 1, 1)},
        "investment_closed_after_announced",
    ),
    (
        ParticipationFactory,
        {"stake_percent": Decimal("100.01")},
        "participation_stake_between_0_and_100",
    ),
    (
        ParticipationFactory,
        {"stake_percent": Decimal("-1")},
        "participation_stake_between_0_and_100",
    ),
    (PartnerFactory, {"colour": "blue"}, "partner_colour_is_hex"),
    (MarketIndicatorFactory, {"year": 1850}, "indicator_year_in_range"),
]


@pytest.mark.parametrize(("factory", "values", "constraint"), CHECK_CONSTRAINTS)
def test_database_refuses_the_row(factory, values, constraint):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        factory(**values)


@pytest.mark.parametrize(("factory", "values", "constraint"), CHECK_CONSTRAINTS)
def test_validation_names_the_problem_before_the_database_does(factory, values, constraint):
    obj = factory.build(**values)
    for field in ("project", "partner"):
        related = getattr(obj, field, None)
        if related is not None and related.pk is None:
            related.save()
            setattr(obj, field, related)
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    assert error.value.message_dict, "validation must explain the refusal"


@pytest.mark.parametrize(
    ("factory", "fields"),
    [
        (PartnerFactory, ["slug"]),
        (ProjectFactory, ["slug"]),
        (InvestmentFactory, ["slug"]),
        (TargetFactory, ["slug"]),
    ],
)
def test_slugs_are_unique(factory, fields):
    first = factory()
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**{field: getattr(first, field) for field in fields})


def test_one_role_per_partner_per_project():
    first = ParticipationFactory(stake_percent=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipationFactory(
            project=first.project, partner=first.partner, role=first.role, stake_percent=None
        )
    # Another role for the same partner is fine.
    ParticipationFactory(
        project=first.project, partner=first.partner, role=Participation.Role.OFFTAKER
    )


def test_phase_numbers_are_unique_per_project():
    phase = ProjectPhaseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectPhaseFactory(project=phase.project, sequence=phase.sequence)
