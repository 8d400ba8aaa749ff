"""The portfolio: deals (Investment), projects and their phases, who takes part
(Participation), who commits what (Commitment), and the Stage choices. Every one is a
Provenance record (source, as-of, locking, history); the partnership's own targets and the
market context are in partnership.py.

Rules live in the database first (named check and unique constraints); field validators repeat
them so that the admin shows each violation on its field; `clean()` holds the rules that span
fields or rows.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, FloatField, Q, Sum
from django.db.models.functions import Cast
from django.urls import reverse
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from aipdash.records.provenance import (
    Provenance,
    plausible_date_constraint,
    plausible_date_validators,
)
from projects.models.fields import ZERO, at_most_max_usd, money_field, mw_field, not_negative
from projects.models.spans import Spanned


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

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.closed_on and self.announced_on and self.closed_on < self.announced_on:
            raise ValidationError({"closed_on": "A deal cannot close before it is announced."})


# A project's recorded capital cost per MW, and the projects that have one: what the median
# cost per MW of a kind is taken over (the index below serves exactly this expression).
COST_PER_MW = Cast("capital_cost_usd", FloatField()) / Cast("capacity_mw", FloatField())
PRICED = Q(capital_cost_usd__isnull=False, capacity_mw__gt=0)


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

    history = HistoricalRecords(bases=[Spanned])  # versions carry their span: spans.py

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
            # The median cost per MW of each kind (scenarios.selectors.cost_per_mw_medians):
            # its middle row is read from this index alone, in order, instead of sorting
            # every priced project (at 100k projects: ~560 ms -> tens of ms; migration 0023).
            models.Index(
                F("kind"),
                COST_PER_MW,
                F("id"),
                include=["capital_cost_usd", "capacity_mw"],
                condition=PRICED,
                name="project_cost_per_mw",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    # Set by the admin's change form, whose phase rows are each checked against the new
    # announcement date (edited phases included); anything else checks the saved phases.
    phase_dates_checked_elsewhere = False

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.slug])

    def clean(self) -> None:
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

    history = HistoricalRecords(bases=[Spanned])  # versions carry their span: spans.py

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

    def __str__(self) -> str:
        return self.name or f"Phase {self.sequence}"

    def clean(self) -> None:
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

    history = HistoricalRecords(bases=[Spanned])  # versions carry their span: spans.py

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

    def __str__(self) -> str:
        return f"{self.related_label('partner')} — {self.get_role_display()}"

    def clean(self) -> None:
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

    def __str__(self) -> str:
        partner = self.related_label("partner", "short_name")
        target = self.related_label("project") or "AIP"
        return f"{partner} → {target}: {self.get_instrument_display()}"
