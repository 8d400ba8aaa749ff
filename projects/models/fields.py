"""The building blocks of the portfolio's records: money (Decimal USD with cents, at most
$1 trillion) and capacity (MW) fields, and the check constraints that hold the same rules in the
database. Apart so that each record's module reads as its fields and rules.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

ZERO = Decimal(0)
# The most one record may hold: ten times the partnership's whole $100bn target, more than any
# deal, project or commitment it could make, so only a typing error goes past it. It also keeps
# the dashboard's sums in bigint cents (CommitmentFact, CommitmentSum) far from
# overflowing: 2**63 cents is $92 quadrillion, 92,234 records at the limit with one partner,
# instrument, status, month and source.
MAX_USD = Decimal("1000000000000")
MAX_USD_MESSAGE = "An amount cannot be more than $1 trillion (1,000,000,000,000 USD)."


def money_field(verbose_name, **kwargs):
    """USD amount with cents; never negative, at most MAX_USD (the database checks both too:
    `not_negative` and `at_most_max_usd`)."""
    return models.DecimalField(
        verbose_name,
        max_digits=18,
        decimal_places=2,
        validators=[
            MinValueValidator(ZERO, "An amount cannot be negative."),
            MaxValueValidator(MAX_USD, MAX_USD_MESSAGE),
        ],
        **kwargs,
    )


def mw_field(verbose_name, **kwargs):
    """Capacity in megawatts to one decimal; never negative."""
    return models.DecimalField(
        verbose_name,
        max_digits=10,
        decimal_places=1,
        validators=[MinValueValidator(ZERO, "Capacity cannot be negative.")],
        **kwargs,
    )


def not_negative(field, prefix):
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0}),
        name=f"{prefix}_{field}_not_negative",
        violation_error_message=f"{field.replace('_', ' ').capitalize()} cannot be negative.",
    )


def at_most_max_usd(field, prefix):
    """The database's rule of a money field: at most MAX_USD, however the row is written."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__lte": MAX_USD}),
        name=f"{prefix}_{field}_at_most_1_trillion",
        violation_error_message=MAX_USD_MESSAGE,
    )
