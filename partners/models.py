from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from aipdash.records.provenance import (
    Provenance,
    plausible_date_constraint,
    plausible_date_validators,
)

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour as #RRGGBB, for example #1f77b4.")


class Partner(Provenance):
    class Kind(models.TextChoices):
        ASSET_MANAGER = "asset_manager", "Asset manager"
        INFRASTRUCTURE_INVESTOR = "infrastructure_investor", "Infrastructure investor"
        SOVEREIGN_INVESTOR = "sovereign_investor", "Sovereign investor"
        TECHNOLOGY_COMPANY = "technology_company", "Technology company"
        AI_DEVELOPER = "ai_developer", "AI developer"
        ENERGY_UTILITY = "energy_utility", "Energy utility"
        ENERGY_EQUIPMENT = "energy_equipment", "Energy equipment maker"

    class Role(models.TextChoices):
        FOUNDING_MEMBER = "founding_member", "Founding member"
        MEMBER = "member", "Member"
        TECHNICAL_ADVISER = "technical_adviser", "Technical adviser"
        ENERGY_PARTNER = "energy_partner", "Energy partner"
        ANCHOR_INVESTOR = "anchor_investor", "Anchor investor"
        TECHNOLOGY_PARTNER = "technology_partner", "Technology partner"

    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40, help_text="Used in charts and tables.")
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=40, choices=Kind)
    role = models.CharField("role in AIP", max_length=40, choices=Role)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subsidiaries",
        help_text="The owning company, if any (GIP's parent is BlackRock).",
    )
    headquarters_country = CountryField(blank=True)
    joined_on = models.DateField(
        "joined AIP on",
        null=True,
        blank=True,
        validators=plausible_date_validators(),
        help_text="Leave empty when not published.",
    )
    website = models.URLField(blank=True)
    colour = models.CharField(
        "chart colour",
        max_length=7,
        validators=[hex_colour],
        help_text="Stable colour for this partner in every chart (#RRGGBB).",
    )
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"),
                name="partner_colour_is_hex",
                violation_error_message="The chart colour must be #RRGGBB.",
            ),
            plausible_date_constraint("joined_on", "partner"),
            *Provenance.provenance_constraints("partner"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partners:detail", args=[self.slug])

    def clean(self) -> None:
        super().clean()
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError({"parent": "A partner cannot own itself, even indirectly."})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
