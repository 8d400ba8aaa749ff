"""The portfolio: deals, projects and their phases, who takes part, who commits what, the
partnership's targets and the market context. Money is Decimal USD; capacity is MW.

Rules live in the database first (named check and unique constraints); field validators repeat
them so that the admin shows each violation on its field; `clean()` holds the rules that span
fields or rows.

Over 500 lines for now: the records and the read models the triggers keep (CommitmentFact,
FactSource, PartnershipCommitmentSum) are to be split into a models package (records.py,
facts.py), as issue 14 plans; not done in this session.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from aipdash.records.provenance import (
    Provenance,
    plausible_date_constraint,
    plausible_date_validators,
)

ZERO = Decimal(0)
# The most one record may hold: ten times the partnership's whole $100bn target, more than any
# deal, project or commitment it could make, so only a typing error goes past it. It also keeps
# the dashboard's sums in bigint cents (CommitmentFact, PartnershipCommitmentSum) far from
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


class Stage(models.TextChoices):
    ANNOUNCED = "announced", "Announced"
    DEVELOPMENT = "development", "Development"
    CONSTRUCTION = "construction", "Construction"
    OPERATIONAL = "operational", "Operational"
    PAUSED = "paused", "Paused"
    CANCELLED = "cancelled", "Cancelled"


class Investment(Provenance):
    """A deal of the partnership (such as the Aligned Data Centers acquisition)."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    enterprise_value_usd = money_field("enterprise value (USD)", null=True, blank=True)
    announced_on = models.DateField(validators=plausible_date_validators())
    expected_close_by = models.DateField(
        null=True,
        blank=True,
        validators=plausible_date_validators(),
        help_text="Latest expected closing date (H1 2026 → 30 Jun 2026).",
    )
    closed_on = models.DateField(null=True, blank=True, validators=plausible_date_validators())
    stated_sites = models.PositiveIntegerField(
        null=True, blank=True, help_text="Number of sites the deal's announcement states."
    )
    stated_capacity_mw = mw_field(
        "stated capacity (MW)",
        null=True,
        blank=True,
        help_text="Operational and planned capacity the announcement states.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["announced_on", "name"]
        constraints = [
            not_negative("enterprise_value_usd", "investment"),
            at_most_max_usd("enterprise_value_usd", "investment"),
            not_negative("stated_capacity_mw", "investment"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("announced_on")),
                name="investment_closed_after_announced",
                violation_error_message="A deal cannot close before it is announced.",
            ),
            *(
                plausible_date_constraint(field, "investment")
                for field in ("announced_on", "expected_close_by", "closed_on")
            ),
            *Provenance.provenance_constraints("investment"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.closed_on and self.announced_on and self.closed_on < self.announced_on:
            raise ValidationError({"closed_on": "A deal cannot close before it is announced."})


class Project(Provenance):
    class Kind(models.TextChoices):
        DATA_CENTRE = "data_centre", "Data-centre campus"
        GENERATION = "generation", "Power generation"
        STORAGE = "storage", "Energy storage"
        GRID = "grid", "Grid"

    class EnergySource(models.TextChoices):
        NATURAL_GAS = "natural_gas", "Natural gas"
        SOLAR = "solar", "Solar"
        WIND = "wind", "Wind"
        NUCLEAR = "nuclear", "Nuclear"
        HYDRO = "hydro", "Hydro"
        GEOTHERMAL = "geothermal", "Geothermal"
        BATTERY = "battery", "Battery storage"

    KINDS_WITH_ENERGY_SOURCE = (Kind.GENERATION, Kind.STORAGE)

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind)
    stage = models.CharField(max_length=20, choices=Stage, default=Stage.ANNOUNCED)
    investment = models.ForeignKey(
        Investment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        help_text="The deal that brought this project, if any.",
    )
    country = CountryField()
    region = models.CharField(max_length=100, blank=True, help_text="Market or state.")
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(-90, "Latitude runs from -90 to 90."),
            MaxValueValidator(90, "Latitude runs from -90 to 90."),
        ],
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(-180, "Longitude runs from -180 to 180."),
            MaxValueValidator(180, "Longitude runs from -180 to 180."),
        ],
    )
    energy_source = models.CharField(
        max_length=20,
        choices=EnergySource,
        blank=True,
        help_text="For generation and storage projects only.",
    )
    capacity_mw = mw_field(
        "capacity (MW)", help_text="IT load for a data centre; nameplate for generation."
    )
    announced_on = models.DateField(validators=plausible_date_validators())
    expected_online = models.DateField(
        "expected online",
        null=True,
        blank=True,
        validators=plausible_date_validators(),
        help_text="Commercial operation date (actual, once operational).",
    )
    capital_cost_usd = money_field("capital cost (USD)", null=True, blank=True)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            not_negative("capacity_mw", "project"),
            not_negative("capital_cost_usd", "project"),
            at_most_max_usd("capital_cost_usd", "project"),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90) | Q(latitude__isnull=True),
                name="project_latitude_in_range",
                violation_error_message="Latitude runs from -90 to 90.",
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180) | Q(longitude__isnull=True),
                name="project_longitude_in_range",
                violation_error_message="Longitude runs from -180 to 180.",
            ),
            models.CheckConstraint(
                condition=Q(energy_source="") | Q(kind__in=["generation", "storage"]),
                name="project_energy_source_only_for_power",
                violation_error_message="Only generation and storage projects have an energy "
                "source.",
            ),
            models.CheckConstraint(
                condition=~Q(stage="operational") | Q(expected_online__isnull=False),
                name="project_operational_has_online_date",
                violation_error_message="An operational project needs its online date.",
            ),
            plausible_date_constraint("announced_on", "project"),
            plausible_date_constraint("expected_online", "project"),
            *Provenance.provenance_constraints("project"),
        ]
        indexes = [
            models.Index(fields=["kind", "stage"], name="project_kind_stage"),
            # Dashboard filters (selectors.projects): a selective one reads only its rows.
            models.Index(fields=["stage"], name="project_stage"),
            models.Index(fields=["country"], name="project_country"),
            models.Index(fields=["expected_online"], name="project_expected_online"),
        ]

    def __str__(self):
        return self.name

    # Set by the admin's change form, whose phase rows are each checked against the new
    # announcement date (edited phases included); anything else checks the saved phases.
    phase_dates_checked_elsewhere = False

    def get_absolute_url(self):
        return reverse("projects:detail", args=[self.slug])

    def clean(self):
        super().clean()
        errors = {}
        if self.pk and self.announced_on and not self.phase_dates_checked_elsewhere:
            # A phase cannot come online before the announcement: a later announcement date
            # must not slip past the phases already saved (such as a revert from the history).
            earliest = (
                self.phases.filter(expected_online__lt=self.announced_on)
                .order_by("expected_online")
                .values_list("expected_online", flat=True)
                .first()
            )
            if earliest:
                errors["announced_on"] = (
                    f"A phase of this project comes online on {earliest:%d %b %Y}, before this "
                    "date; a project is announced before any phase comes online."
                )
        if self.kind in self.KINDS_WITH_ENERGY_SOURCE and not self.energy_source:
            errors["energy_source"] = "A generation or storage project needs its energy source."
        if self.kind not in self.KINDS_WITH_ENERGY_SOURCE and self.energy_source:
            errors["energy_source"] = "Only generation and storage projects have an energy source."
        if self.stage == Stage.OPERATIONAL and not self.expected_online:
            errors["expected_online"] = "An operational project needs its online date."
        if (self.latitude is None) != (self.longitude is None):
            field = "longitude" if self.longitude is None else "latitude"
            errors[field] = "Give both latitude and longitude, or neither."
        if errors:
            raise ValidationError(errors)


class ProjectPhase(Provenance):
    """A part of a project that comes online on its own date."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phases")
    sequence = models.PositiveSmallIntegerField(default=1, help_text="1 for the first phase.")
    name = models.CharField(max_length=100, blank=True)
    stage = models.CharField(max_length=20, choices=Stage, default=Stage.ANNOUNCED)
    capacity_mw = mw_field("capacity (MW)")
    expected_online = models.DateField("expected online", validators=plausible_date_validators())

    history = HistoricalRecords()

    constraint_error_fields = {"phase_unique_sequence_per_project": "sequence"}

    class Meta:
        ordering = ["project", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "sequence"],
                name="phase_unique_sequence_per_project",
                violation_error_code="phase_unique_sequence_per_project",
                violation_error_message="This project already has a phase with this number.",
            ),
            not_negative("capacity_mw", "phase"),
            plausible_date_constraint("expected_online", "phase"),
            *Provenance.provenance_constraints("phase"),
        ]

    def __str__(self):
        return self.name or f"Phase {self.sequence}"

    def clean(self):
        super().clean()
        try:
            # In an admin inline on a new project, this is the project being added (unsaved).
            project = self.project
        except Project.DoesNotExist:
            return
        if (
            project.announced_on
            and self.expected_online
            and (self.expected_online < project.announced_on)
        ):
            raise ValidationError(
                {
                    "expected_online": "A phase cannot come online before the project is "
                    f"announced ({project.announced_on:%d %b %Y})."
                }
            )


class Participation(Provenance):
    """A partner's role in a project, with its stake."""

    class Role(models.TextChoices):
        SPONSOR = "sponsor", "Sponsor"
        EQUITY_INVESTOR = "equity_investor", "Equity investor"
        LENDER = "lender", "Lender"
        DEVELOPER = "developer", "Developer"
        OPERATOR = "operator", "Operator"
        OFFTAKER = "offtaker", "Offtaker"
        EQUIPMENT_SUPPLIER = "equipment_supplier", "Equipment supplier"
        ENERGY_SUPPLIER = "energy_supplier", "Energy supplier"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="participations")
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="participations"
    )
    role = models.CharField(max_length=30, choices=Role)
    stake_percent = models.DecimalField(
        "stake (%)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(0, "A stake runs from 0 to 100 percent."),
            MaxValueValidator(100, "A stake runs from 0 to 100 percent."),
        ],
        help_text="Equity stake in the project; empty for roles without one.",
    )

    history = HistoricalRecords()

    constraint_error_fields = {"participation_one_role_per_partner_per_project": "role"}

    class Meta:
        ordering = ["project", "-stake_percent", "partner"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "partner", "role"],
                name="participation_one_role_per_partner_per_project",
                violation_error_code="participation_one_role_per_partner_per_project",
                violation_error_message="This partner already has this role in this project.",
            ),
            models.CheckConstraint(
                condition=Q(stake_percent__gte=0, stake_percent__lte=100)
                | Q(stake_percent__isnull=True),
                name="participation_stake_between_0_and_100",
                violation_error_message="A stake runs from 0 to 100 percent.",
            ),
            *Provenance.provenance_constraints("participation"),
        ]
        # The dashboard's partner filter: projects a partner takes part in (EXISTS), index only.
        indexes = [models.Index(fields=["partner", "project"], name="participation_partner_proj")]

    # Set by the admin's inline formset, which checks the total over all its rows at once.
    stake_total_checked_elsewhere = False

    def __str__(self):
        return f"{self.related_label('partner')} — {self.get_role_display()}"

    def clean(self):
        super().clean()
        if self.stake_percent is None or self.stake_total_checked_elsewhere or not self.project_id:
            return
        others = (
            Participation.objects.filter(project_id=self.project_id)
            .exclude(pk=self.pk)
            .aggregate(total=Sum("stake_percent"))["total"]
            or ZERO
        )
        if others + self.stake_percent > 100:
            raise ValidationError(
                {
                    "stake_percent": f"Stakes in this project would add up to "
                    f"{others + self.stake_percent}%; the most is 100% "
                    f"({others}% is already held by others)."
                }
            )


class Commitment(Provenance):
    """Capital a partner commits, to the partnership as a whole or to one project."""

    class Instrument(models.TextChoices):
        EQUITY = "equity", "Equity"
        DEBT = "debt", "Debt"

    class Status(models.TextChoices):
        ANNOUNCED = "announced", "Announced"
        COMMITTED = "committed", "Committed"
        CALLED = "called", "Called / deployed"

    # What every figure of money "committed" counts (the dashboard's headline, the API's, the
    # workbook's): money agreed or already called. An announcement is not a commitment: the
    # headline shows announced money apart and never adds it in.
    COUNTED_AS_COMMITTED = (Status.COMMITTED, Status.CALLED)

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="commitments"
    )
    project = models.ForeignKey(
        Project,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
        help_text="Empty for a commitment to the partnership as a whole.",
    )
    instrument = models.CharField(max_length=10, choices=Instrument)
    status = models.CharField(max_length=10, choices=Status)
    amount_usd = money_field("amount (USD)")
    committed_on = models.DateField("date", validators=plausible_date_validators())
    reference = models.CharField(
        max_length=80,
        blank=True,
        help_text="The agreement's or capital call's own reference; unique when given.",
    )
    note = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    constraint_error_fields = {"commitment_unique_reference": "reference"}

    class Meta:
        ordering = ["committed_on", "partner"]
        constraints = [
            not_negative("amount_usd", "commitment"),
            at_most_max_usd("amount_usd", "commitment"),
            plausible_date_constraint("committed_on", "commitment"),
            models.UniqueConstraint(
                fields=["reference"],
                condition=~Q(reference=""),
                name="commitment_unique_reference",
                violation_error_code="commitment_unique_reference",
                violation_error_message="Another commitment already has this reference.",
            ),
            *Provenance.provenance_constraints("commitment"),
        ]
        indexes = [models.Index(fields=["committed_on"], name="commitment_date")]

    def __str__(self):
        partner = self.related_label("partner", "short_name")
        target = self.related_label("project") or "AIP"
        return f"{partner} → {target}: {self.get_instrument_display()}"


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

    def __str__(self):
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

    def __str__(self):
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

    def __str__(self):
        return f"{self.label}, {self.region}, {self.year} ({self.get_scenario_display()})"


# The dashboard's narrow copy of the commitments ----------------------------------------------


class FactSource(models.Model):
    """One distinct source (title and URL) of the commitments: facts refer to it by id, so that
    a million of them group on a small integer, and the sources of a figure come from the few
    that its facts name.

    Each (title, URL) once: on PostgreSQL the index behind `factsource_unique` is on a SHA-256
    of the pair (migration 0010), since the longest pair the fields allow, 3,200 bytes of
    UTF-8, is more than a btree entry holds; SQLite indexes the text. Only the triggers write
    here."""

    source_title = models.CharField(max_length=300)
    source_url = models.CharField(max_length=500)

    class Meta:
        constraints = [
            # On PostgreSQL a unique index of that name (0010), not a table constraint: a later
            # migration that changes it must drop the index.
            models.UniqueConstraint(fields=["source_title", "source_url"], name="factsource_unique")
        ]

    def __str__(self):
        return self.source_title or self.source_url


class CommitmentFact(models.Model):
    """A commitment as the dashboard sums it: integer codes, the month, the amount in cents,
    its source's id, as-of date and illustrative flag; no text to hash, half the width of a
    commitment row.

    Kept by database triggers (migration 0007) on every insert, update and delete of
    projects_commitment, however it is made: the admin, imports, bulk_create, raw SQL. The
    application only reads it (aipdash/dashboard/selectors/). No foreign keys: a commitment's delete
    removes its fact in the same statement, through the trigger.

    Mind on SQLite: a later migration that alters projects_commitment (or this table) rebuilds
    the table there, and SQLite drops a table's triggers with it. Such a migration must create
    the triggers of 0007 (and 0008) again; tests/projects/test_commitment_facts.py fails until
    it does. PostgreSQL keeps triggers through ALTER TABLE."""

    # The codes the triggers write (migration 0007 spells the same mapping in SQL).
    INSTRUMENT_CODES = {Commitment.Instrument.EQUITY: 0, Commitment.Instrument.DEBT: 1}
    STATUS_CODES = {
        Commitment.Status.ANNOUNCED: 0,
        Commitment.Status.COMMITTED: 1,
        Commitment.Status.CALLED: 2,
    }

    commitment_id = models.BigIntegerField(primary_key=True)
    partner_id = models.BigIntegerField()
    project_id = models.BigIntegerField(null=True)
    instrument = models.SmallIntegerField()
    status = models.SmallIntegerField()
    month = models.DateField()  # the first day of the commitment's month
    amount_cents = models.BigIntegerField()
    source_id = models.BigIntegerField()
    as_of = models.DateField()
    illustrative = models.BooleanField()

    class Meta:
        indexes = [
            # Covering (PostgreSQL): a filtered view reads the facts of its projects from the
            # index alone, ~7 per project, instead of scanning every fact (at 1M commitments,
            # stage=construction: 280 ms -> 140 ms; bench/results/2026-11-27-100kepyc.md).
            models.Index(
                fields=["project_id"],
                include=[
                    "partner_id",
                    "instrument",
                    "status",
                    "month",
                    "source_id",
                    "amount_cents",
                    "as_of",
                    "illustrative",
                    "commitment_id",
                ],
                condition=models.Q(project_id__isnull=False),
                name="commitmentfact_project_cover",
            )
        ]

    def __str__(self):
        return f"Fact of commitment {self.commitment_id}"


class PartnershipCommitmentSum(models.Model):
    """Commitments to the partnership as a whole (no project) summed per partner, instrument,
    status, month, source, as-of date and illustrative flag. Project filters leave them all in,
    so every view reads these few thousand rows instead of grouping their ~30% of the facts.
    Kept by database triggers on projects_commitmentfact (migration 0008): a fact added adds its
    cents and one commitment to its row, a fact removed takes them off, an empty row goes."""

    partner_id = models.BigIntegerField()
    instrument = models.SmallIntegerField()
    status = models.SmallIntegerField()
    month = models.DateField()
    source_id = models.BigIntegerField()
    as_of = models.DateField()
    illustrative = models.BooleanField()
    amount_cents = models.BigIntegerField()
    commitments = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "partner_id",
                    "instrument",
                    "status",
                    "month",
                    "source_id",
                    "as_of",
                    "illustrative",
                ],
                name="partnershipsum_key",
            )
        ]

    def __str__(self):
        return f"Partnership commitments of partner {self.partner_id}, {self.month:%b %Y}"
