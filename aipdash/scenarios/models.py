"""A saved scenario: a name, an owner, who may see it, and its assumptions (assumptions.py).

Not a portfolio record: it is a user's assumptions about the portfolio, not data of it. So it
is not in the portfolio registry (aipdash/records/registry.py): saving one leaves the data
version, and so every cached chart of the recorded portfolio, as it is. Its own `version` is a
token that every save replaces, for the cache keys of the figures computed under it. It keeps
a history like every record (django-simple-history: who changed which assumption when).

The assumptions are columns, so that the database checks each bound (named constraints), the
admin shows each error on its field and the history shows each change apart; the optional
per-kind attrition is one JSON field validated strictly (assumptions.attrition_by_kind_errors):
a sparse override that most scenarios leave empty, saved with the scenario in one row, one
version and one history entry (a child table would need its own history, and a change to it
would not replace the scenario's version by itself).
"""

import datetime as dt
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from aipdash.records.provenance import EARLIEST_DATE, latest_today
from aipdash.scenarios.assumptions import (
    ASSUMPTION_FIELDS,
    ATTRITION_MESSAGE,
    COST_PER_MW_MAX,
    COST_PER_MW_MESSAGE,
    COST_PER_MW_MIN,
    DEFAULT_BASIS,
    DEFAULT_DEMAND_CASE,
    DEMAND_CASES,
    GROUPS,
    HUNDRED,
    LEVERAGE_MAX,
    LEVERAGE_MESSAGE,
    OPEN_STAGES,
    SLIP_MAX,
    SLIP_MESSAGE,
    ZERO,
    Assumptions,
    Basis,
    attrition_by_kind_errors,
)
from projects.models import MarketIndicator, Project

TITLE_MAX, NOTE_MAX = 300, 500


def validate_attrition_by_kind(value: object) -> None:
    if problems := attrition_by_kind_errors(value):
        raise ValidationError(problems, code="attrition_by_kind")


def source_errors(value: object) -> list[str]:
    """What is wrong with `assumption_sources`: {group: basis}, a basis being {"kind": "source",
    "title", "url", "as_of", "note"?} or {"kind": "ours", "note"}. Strict: unknown keys are
    errors."""
    if value in (None, ""):
        return []
    if not isinstance(value, Mapping):
        return ['Sources are {group: source}, such as {"leverage": {"kind": "ours", "note": …}}.']
    errors = []
    for group, basis in value.items():
        if group not in GROUPS:
            errors.append(f"Unknown assumption “{str(group)[:40]}”: one of {', '.join(GROUPS)}.")
            continue
        if not isinstance(basis, Mapping) or basis.get("kind") not in (Basis.SOURCE, Basis.OURS):
            errors.append(f"{group}: a kind, “source” or “ours”.")
            continue
        allowed = {"kind", "note", "title", "url", "as_of"}
        if basis["kind"] == Basis.OURS:
            allowed = {"kind", "note"}
        if extra := sorted(set(basis) - allowed):
            errors.append(f"{group}: unknown key “{str(extra[0])[:40]}”.")
            continue
        note = basis.get("note", "")
        if not isinstance(note, str) or len(note) > NOTE_MAX:
            errors.append(f"{group}: a note of at most {NOTE_MAX} characters.")
        if basis["kind"] == Basis.OURS:
            if not str(note).strip():
                errors.append(f"{group}: say in the note why we assume it.")
            continue
        title, url, as_of = basis.get("title"), basis.get("url"), basis.get("as_of")
        if not isinstance(title, str) or not title.strip() or len(title) > TITLE_MAX:
            errors.append(f"{group}: the source's title (at most {TITLE_MAX} characters).")
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors.append(f"{group}: the source's URL (http or https).")
        try:
            date = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else None
        except ValueError:
            date = None
        if date is None:
            errors.append(f"{group}: the source's as-of date (YYYY-MM-DD).")
            continue
        if not EARLIEST_DATE <= date <= latest_today():
            errors.append(f"{group}: an as-of date from 1990 to today.")
    return errors


def validate_sources(value: object) -> None:
    if problems := source_errors(value):
        raise ValidationError(problems, code="assumption_sources")


def _in_range(
    field: str, low: int | Decimal, high: int | Decimal, message: str
) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": low, f"{field}__lte": high})
        | Q(**{f"{field}__isnull": True}),
        name=f"scenario_{field}_in_range",
        violation_error_message=message,
    )


def _slip(stage: str) -> "models.PositiveSmallIntegerField[Any, int]":
    return models.PositiveSmallIntegerField(
        f"slip, {stage} (months)",
        default=0,
        validators=[MaxValueValidator(SLIP_MAX, SLIP_MESSAGE)],
        help_text=f"Every {stage} phase comes online this many months later (0 to {SLIP_MAX}).",
    )


def _attrition(stage: str) -> "models.DecimalField[Any, Decimal]":
    return models.DecimalField(
        f"attrition, {stage} (%)",
        max_digits=5,
        decimal_places=2,
        default=ZERO,
        validators=[
            MinValueValidator(ZERO, ATTRITION_MESSAGE),
            MaxValueValidator(HUNDRED, ATTRITION_MESSAGE),
        ],
        help_text=f"Percent of the MW of {stage} phases that never comes online (0 to 100).",
    )


def _cost_per_mw(label: str) -> "models.DecimalField[Any, Decimal | None]":
    return models.DecimalField(
        f"cost per MW, {label} (USD)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(COST_PER_MW_MIN, COST_PER_MW_MESSAGE),
            MaxValueValidator(COST_PER_MW_MAX, COST_PER_MW_MESSAGE),
        ],
        help_text="For projects of this kind without a recorded capital cost; empty: the "
        "median of the recorded costs per MW of this kind.",
    )


class Scenario(models.Model):
    class Visibility(models.TextChoices):
        PRIVATE = "private", "Only its owner"
        EVERYONE = "everyone", "Everyone who may browse the dashboard"

    name = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=80,
        unique=True,
        blank=True,
        help_text="Its address (?scenario=…); made from the name when left empty.",
    )
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="scenarios",
        help_text="Empty for the scenarios shipped with the demo data.",
    )
    visibility = models.CharField(max_length=10, choices=Visibility, default=Visibility.PRIVATE)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # Replaced by every save: the cache keys of figures computed under this scenario carry it.
    version = models.CharField(max_length=32, editable=False, default="")

    slip_announced_months = _slip("announced")
    slip_development_months = _slip("development")
    slip_construction_months = _slip("construction")
    attrition_announced_pct = _attrition("announced")
    attrition_development_pct = _attrition("development")
    attrition_construction_pct = _attrition("construction")
    attrition_by_kind = models.JSONField(
        "attrition by project kind",
        default=dict,
        blank=True,
        validators=[validate_attrition_by_kind],
        help_text='Optional, replaces the rates above for a kind and stage: {"generation": '
        '{"announced": 86}}. Kinds: ' + ", ".join(Project.Kind.values) + ".",
    )
    leverage = models.DecimalField(
        "leverage (debt per $ of equity)",
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(ZERO, LEVERAGE_MESSAGE),
            MaxValueValidator(LEVERAGE_MAX, LEVERAGE_MESSAGE),
        ],
        help_text="Empty: the partnership's own, $70bn of debt on $30bn of equity (about 2.33).",
    )
    cost_per_mw_data_centre_usd = _cost_per_mw("data-centre campus")
    cost_per_mw_generation_usd = _cost_per_mw("power generation")
    cost_per_mw_storage_usd = _cost_per_mw("energy storage")
    cost_per_mw_grid_usd = _cost_per_mw("grid")
    demand_case = models.CharField(
        max_length=20,
        choices=[(c, MarketIndicator.Scenario(c).label) for c in DEMAND_CASES],
        default=DEFAULT_DEMAND_CASE,
        help_text="The published series of data-centre electricity demand to show.",
    )
    assumption_sources = models.JSONField(
        "sources of the assumptions",
        default=dict,
        blank=True,
        validators=[validate_sources],
        help_text="Per assumption (" + ", ".join(GROUPS) + '): {"kind": "source", "title": …, '
        '"url": …, "as_of": "YYYY-MM-DD"} or {"kind": "ours", "note": why}. An assumption '
        "left at its default carries the default's source.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            *(_in_range(f"slip_{s}_months", 0, SLIP_MAX, SLIP_MESSAGE) for s in OPEN_STAGES),
            *(_in_range(f"attrition_{s}_pct", 0, 100, ATTRITION_MESSAGE) for s in OPEN_STAGES),
            _in_range("leverage", 0, LEVERAGE_MAX, LEVERAGE_MESSAGE),
            *(
                _in_range(
                    f"cost_per_mw_{k}_usd", COST_PER_MW_MIN, COST_PER_MW_MAX, COST_PER_MW_MESSAGE
                )
                for k in Project.Kind.values
            ),
            models.CheckConstraint(
                condition=Q(demand_case__in=DEMAND_CASES),
                name="scenario_demand_case_known",
                violation_error_message="One of the published demand cases.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.version = uuid.uuid4().hex
        if not self.slug:
            self.slug = self._free_slug()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version", "updated"}
        super().save(*args, **kwargs)

    def _free_slug(self) -> str:
        base = slugify(self.name)[:70].strip("-") or "scenario"
        taken = set(Scenario.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        return slug

    def clean(self) -> None:
        super().clean()
        if self.owner_id is None and self.visibility == self.Visibility.PRIVATE:
            raise ValidationError(
                {
                    "visibility": "A scenario without an owner is seen by everyone or by no one: "
                    "give it an owner, or make it visible to everyone."
                }
            )

    @property
    def assumptions(self) -> Assumptions:
        return Assumptions.from_fields({name: getattr(self, name) for name in ASSUMPTION_FIELDS})

    def at_default(self, group: str) -> bool:
        """Whether every assumption of `group` is at its default."""
        return all(getattr(self, name) == self.default_of(name) for name in GROUPS[group])

    @classmethod
    def default_of(cls, name: str) -> object:
        """The default of the field `name` (an assumption's; None for a relation)."""
        field = cls._meta.get_field(name)
        return field.get_default() if isinstance(field, models.Field) else None

    def basis(self, group: str) -> Basis:
        """Where the group's assumptions come from: the source stated for them; else, at the
        default, the default's; else an assumption of the scenario's author, said so."""
        stated = (self.assumption_sources or {}).get(group)
        if stated:
            return Basis.from_json(stated)
        if self.at_default(group):
            return DEFAULT_BASIS[group]
        return Basis(Basis.OURS, "Set in this scenario; no source given.")


# simple-history names the historical model's module after the app ("aipdash.scenarios") when
# the app's label is not its package, but puts the class in this module: say where it is, so
# that pickle and the shell find it.
HistoricalScenario = Scenario.history.model
HistoricalScenario.__module__ = __name__
