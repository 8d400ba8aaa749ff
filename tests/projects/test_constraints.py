"""Each database rule, hit directly (no model validation), and each through full_clean()."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from aipdash.records.provenance import AS_OF_IN_THE_FUTURE, latest_today
from projects.models import Participation
from tests.factories import (
    CommitmentFactory,
    FundraisingUpdateFactory,
    InvestmentFactory,
    MarketIndicatorFactory,
    ParticipationFactory,
    PartnerFactory,
    ProjectFactory,
    ProjectPhaseFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db

# Every field that holds money holds at most $1 trillion: (factory, field, constraint prefix).
MONEY_FIELDS = [
    (InvestmentFactory, "enterprise_value_usd", "investment"),
    (ProjectFactory, "capital_cost_usd", "project"),
    (CommitmentFactory, "amount_usd", "commitment"),
    (TargetFactory, "amount_usd", "target"),
    (FundraisingUpdateFactory, "amount_raised_usd", "fundraising"),
]
A_TRILLION = Decimal("1000000000000.00")
OVER_THE_LIMIT = Decimal("1000000000000.01")

# (factory, values, the constraint the database names, the field validation names)
CHECK_CONSTRAINTS = [
    (
        ProjectFactory,
        {"capacity_mw": Decimal("-1")},
        "project_capacity_mw_not_negative",
        "capacity_mw",
    ),
    (
        ProjectFactory,
        {"capital_cost_usd": Decimal("-5")},
        "project_capital_cost_usd_not_negative",
        "capital_cost_usd",
    ),
    (ProjectFactory, {"latitude": Decimal("90.5")}, "project_latitude_in_range", "latitude"),
    (ProjectFactory, {"latitude": Decimal("-91")}, "project_latitude_in_range", "latitude"),
    (ProjectFactory, {"longitude": Decimal("180.1")}, "project_longitude_in_range", "longitude"),
    (ProjectFactory, {"longitude": Decimal("-181")}, "project_longitude_in_range", "longitude"),
    (
        ProjectFactory,
        {"energy_source": "solar"},
        "project_energy_source_only_for_power",
        "energy_source",
    ),
    (
        ProjectFactory,
        {"stage": "operational", "expected_online": None},
        "project_operational_has_online_date",
        "expected_online",
    ),
    (
        ProjectFactory,
        {"illustrative": False, "source_url": ""},
        "project_sourced_unless_illustrative",
        "source_url",
    ),
    (
        ProjectPhaseFactory,
        {"capacity_mw": Decimal("-0.1")},
        "phase_capacity_mw_not_negative",
        "capacity_mw",
    ),
    (
        CommitmentFactory,
        {"amount_usd": Decimal("-1")},
        "commitment_amount_usd_not_negative",
        "amount_usd",
    ),
    (TargetFactory, {"amount_usd": Decimal("-1")}, "target_amount_usd_not_negative", "amount_usd"),
    (
        InvestmentFactory,
        {"enterprise_value_usd": Decimal("-1")},
        "investment_enterprise_value_usd_not_negative",
        "enterprise_value_usd",
    ),
    (
        InvestmentFactory,
        {"announced_on": dt.date(2025, 10, 15), "closed_on": dt.date(2025, 1, 1)},
        "investment_closed_after_announced",
        "closed_on",
    ),
    (
        ParticipationFactory,
        {"stake_percent": Decimal("100.01")},
        "participation_stake_between_0_and_100",
        "stake_percent",
    ),
    (
        ParticipationFactory,
        {"stake_percent": Decimal("-1")},
        "participation_stake_between_0_and_100",
        "stake_percent",
    ),
    (PartnerFactory, {"colour": "blue"}, "partner_colour_is_hex", "colour"),
    *(
        (factory, {field: OVER_THE_LIMIT}, f"{prefix}_{field}_at_most_1_trillion", field)
        for factory, field, prefix in MONEY_FIELDS
    ),
    (MarketIndicatorFactory, {"year": 1850}, "indicator_year_in_range", "year"),
]


# Every date of the portfolio runs from 1990 to 2100: (factory, field, constraint).
YEAR_9999 = dt.date(9999, 12, 31)
DATE_FIELDS = [
    (PartnerFactory, "joined_on", "partner_joined_on_in_range"),
    (InvestmentFactory, "announced_on", "investment_announced_on_in_range"),
    (InvestmentFactory, "expected_close_by", "investment_expected_close_by_in_range"),
    (InvestmentFactory, "closed_on", "investment_closed_on_in_range"),
    (ProjectFactory, "announced_on", "project_announced_on_in_range"),
    (ProjectFactory, "expected_online", "project_expected_online_in_range"),
    (ProjectPhaseFactory, "expected_online", "phase_expected_online_in_range"),
    (CommitmentFactory, "committed_on", "commitment_committed_on_in_range"),
    (TargetFactory, "set_on", "target_set_on_in_range"),
    # The provenance's as-of date, with its constraint on each model.
    (PartnerFactory, "as_of", "partner_as_of_in_range"),
    (InvestmentFactory, "as_of", "investment_as_of_in_range"),
    (ProjectFactory, "as_of", "project_as_of_in_range"),
    (ProjectPhaseFactory, "as_of", "phase_as_of_in_range"),
    (ParticipationFactory, "as_of", "participation_as_of_in_range"),
    (CommitmentFactory, "as_of", "commitment_as_of_in_range"),
    (TargetFactory, "as_of", "target_as_of_in_range"),
    (FundraisingUpdateFactory, "as_of", "fundraising_as_of_in_range"),
    (MarketIndicatorFactory, "as_of", "indicator_as_of_in_range"),
]
DATES_OUT_OF_RANGE = (YEAR_9999, dt.date(1989, 12, 31))


def dated(field, date):
    """Values that put `date` in `field` and break no other rule of the database (a deal
    closes on or after the day it is announced)."""
    values = {field: date}
    if field == "closed_on":
        values["announced_on"] = dt.date(1990, 1, 1)
    return values


CHECK_CONSTRAINTS += [
    (factory, dated(field, date), constraint, field)
    for factory, field, constraint in DATE_FIELDS
    for date in DATES_OUT_OF_RANGE
    # A deal closed before 1990 was announced before 1990 or closed before its announcement:
    # the database names one of those rules instead.
    if not (field == "closed_on" and date < dt.date(1990, 1, 1))
]


@pytest.mark.parametrize(("factory", "values", "constraint", "field"), CHECK_CONSTRAINTS)
def test_database_refuses_the_row(factory, values, constraint, field):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        factory(**values)


@pytest.mark.parametrize(("factory", "values", "constraint", "field"), CHECK_CONSTRAINTS)
def test_validation_names_the_problem_before_the_database_does(factory, values, constraint, field):
    obj = factory.build(**values)
    for relation in ("project", "partner", "target"):
        related = getattr(obj, relation, None)
        if related is not None and related.pk is None:
            related.save()
            setattr(obj, relation, related)
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    # The message is on the field that breaks the rule, and only there.
    assert set(error.value.message_dict) == {field}, error.value.message_dict


@pytest.mark.parametrize(("factory", "field", "constraint"), DATE_FIELDS)
@pytest.mark.parametrize("date", DATES_OUT_OF_RANGE)
def test_a_date_out_of_range_is_an_error_on_its_field(factory, field, constraint, date):
    obj = factory(**dated(field, dt.date(2026, 1, 1)))
    setattr(obj, field, date)
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    # Only on the field (a rule that compares dates may add its own message there).
    assert set(error.value.message_dict) == {field}
    assert "A date from 1990 to 2100." in error.value.message_dict[field]


@pytest.mark.parametrize(("factory", "field", "constraint"), DATE_FIELDS)
@pytest.mark.parametrize("date", [dt.date(1990, 1, 1), dt.date(2100, 12, 31)])
def test_the_first_and_last_days_of_the_range_are_allowed(factory, field, constraint, date):
    factory(**dated(field, date))  # the database agrees with the validators at both ends


@pytest.mark.parametrize(("factory", "field", "prefix"), MONEY_FIELDS)
def test_an_amount_over_a_trillion_is_an_error_on_its_field(factory, field, prefix):
    record = factory()
    for amount in (OVER_THE_LIMIT, Decimal("9999999999999999.99")):
        setattr(record, field, amount)
        with pytest.raises(ValidationError) as error:
            record.full_clean()
        assert error.value.message_dict == {
            field: ["An amount cannot be more than $1 trillion (1,000,000,000,000 USD)."]
        }
    setattr(record, field, A_TRILLION)
    record.full_clean()
    record.save()  # the database agrees with the validator at the limit


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


def test_a_repeated_role_is_an_error_on_the_role():
    first = ParticipationFactory(stake_percent=None)
    again = Participation(
        project=first.project,
        partner=first.partner,
        role=first.role,
        source_url="https://example.com",
        as_of=first.as_of,
    )
    with pytest.raises(ValidationError) as error:
        again.full_clean()
    assert error.value.message_dict == {
        "role": ["This partner already has this role in this project."]
    }
    assert error.value.error_dict["role"][0].code == (
        "participation_one_role_per_partner_per_project"
    )


def test_other_constraint_errors_stay_on_the_whole_record():
    """Only the constraints a model maps to a field move; others keep Django's place."""
    phase = ProjectPhaseFactory()
    again = ProjectPhaseFactory.build(project=phase.project, sequence=phase.sequence)
    with pytest.raises(ValidationError) as error:
        again.validate_constraints()
    assert error.value.message_dict == {
        "sequence": ["This project already has a phase with this number."]
    }
    partner = PartnerFactory.build(colour="blue")
    with pytest.raises(ValidationError) as error:
        partner.validate_constraints()
    assert error.value.message_dict == {"__all__": ["The chart colour must be #RRGGBB."]}


PROVENANCE_FACTORIES = [
    PartnerFactory,
    InvestmentFactory,
    ProjectFactory,
    ProjectPhaseFactory,
    ParticipationFactory,
    CommitmentFactory,
    TargetFactory,
    FundraisingUpdateFactory,
    MarketIndicatorFactory,
]


@pytest.mark.parametrize("factory", PROVENANCE_FACTORIES)
def test_an_as_of_date_in_the_future_is_an_error_on_its_field(factory):
    """An as-of date in 2100 never went stale. The as-of date is when the figures were last
    confirmed: at the latest today, anywhere on Earth (UTC+14). Other dates keep 1990-2100."""
    record = factory()
    record.full_clean()  # what the factories make is dated in the past
    for as_of in (latest_today() + dt.timedelta(days=1), dt.date(2100, 1, 1)):
        record.as_of = as_of
        with pytest.raises(ValidationError) as error:
            record.full_clean()
        assert error.value.message_dict == {"as_of": [AS_OF_IN_THE_FUTURE]}
    for today in (latest_today(), timezone.localdate()):
        record.as_of = today
        record.full_clean()
