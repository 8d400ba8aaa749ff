"""The partnership's own figures and their context: its targets (Target), the capital it
reports as raised toward them (FundraisingUpdate), and published market series
(MarketIndicator). Provenance records like the portfolio's (source, as-of, locking, history).
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from aipdash.records.provenance import (
    Provenance,
    plausible_date_constraint,
    plausible_date_validators,
)
from projects.models.fields import at_most_max_usd, money_field, not_negative


class Target(Provenance):
    """A target of the partnership itself, kept as data."""

    class Scope(models.TextChoices):
        EQUITY = "equity", "Equity"
        TOTAL = "total", "Total investment including debt"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    scope = models.CharField(max_length=10, choices=Scope)
    amount_usd = money_field("amount (USD)")
    set_on = models.DateField(validators=plausible_date_validators())

    history = HistoricalRecords()

    class Meta:
        ordering = ["amount_usd"]
        constraints = [
            not_negative("amount_usd", "target"),
            at_most_max_usd("amount_usd", "target"),
            plausible_date_constraint("set_on", "target"),
            *Provenance.provenance_constraints("target"),
        ]

    def __str__(self) -> str:
        return self.name


class FundraisingUpdate(Provenance):
    """Capital the partnership reports as raised toward a target, on the as-of date."""

    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="updates")
    amount_raised_usd = money_field("amount raised (USD)")
    statement = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    constraint_error_fields = {"fundraising_one_update_per_target_per_day": "as_of"}

    class Meta:
        ordering = ["as_of"]
        constraints = [
            not_negative("amount_raised_usd", "fundraising"),
            at_most_max_usd("amount_raised_usd", "fundraising"),
            models.UniqueConstraint(
                fields=["target", "as_of"],
                name="fundraising_one_update_per_target_per_day",
                violation_error_code="fundraising_one_update_per_target_per_day",
                violation_error_message="This target already has an update for this date.",
            ),
            *Provenance.provenance_constraints("fundraising"),
        ]

    def __str__(self) -> str:
        return f"{self.related_label('target')}: raised as of {self.as_of:%d %b %Y}"


class MarketIndicator(Provenance):
    """A published point of a market series, for context (such as data-centre TWh by year)."""

    class Scenario(models.TextChoices):
        HISTORICAL = "historical", "Historical"
        BASE = "base", "Base case"
        HIGH = "high", "High case"
        PROJECTION = "projection", "Projection"
        REFERENCE = "reference", "Reference"

    series = models.SlugField(max_length=80, help_text="Identifies the series, such as dc-twh.")
    label = models.CharField(max_length=200, help_text="What is measured, for people.")
    region = models.CharField(max_length=100, default="World")
    scenario = models.CharField(max_length=20, choices=Scenario)
    year = models.PositiveSmallIntegerField(
        validators=[
            MinValueValidator(1990, "A year from 1990 to 2100."),
            MaxValueValidator(2100, "A year from 1990 to 2100."),
        ]
    )
    value = models.DecimalField(max_digits=14, decimal_places=2)
    unit = models.CharField(max_length=20, default="TWh")

    history = HistoricalRecords()

    constraint_error_fields = {"indicator_unique_point": "year"}

    class Meta:
        ordering = ["series", "region", "scenario", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "region", "scenario", "year", "as_of"],
                name="indicator_unique_point",
                violation_error_code="indicator_unique_point",
                violation_error_message="This series already has a value for this year, "
                "scenario and as-of date.",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990, year__lte=2100),
                name="indicator_year_in_range",
                violation_error_message="A year from 1990 to 2100.",
            ),
            *Provenance.provenance_constraints("indicator"),
        ]

    def __str__(self) -> str:
        return f"{self.label}, {self.region}, {self.year} ({self.get_scenario_display()})"
