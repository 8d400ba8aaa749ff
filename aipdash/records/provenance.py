"""Provenance: where every portfolio record comes from.

Each record carries the title and URL of its source, the date the figure was true (as-of) and
whether it is illustrative (demo data that is not public fact). Pages show the source with the
figure and flag illustrative records.
"""

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from typing import Any, ClassVar, Self, cast

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.core.validators import BaseValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from aipdash.records.locking import VERSION_FIELD, LockingManager, StaleEditError

# Every date of the portfolio falls in this range; a date outside it is a typing error (and
# a year such as 9999 breaks date arithmetic, the admin's date hierarchy among it).
EARLIEST_DATE = dt.date(1990, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
DATE_RANGE_MESSAGE = "A date from 1990 to 2100."
# An as-of date is when a source's figures were last confirmed, so it never lies ahead: a record
# dated 2100 would never go stale. "Today" is the latest date anywhere on Earth (UTC+14): a
# release dated today in Singapore or Abu Dhabi is accepted while the site's time zone (UTC)
# is still on yesterday, and a later date is in the future everywhere.
LATEST_TIME_ZONE = dt.timezone(dt.timedelta(hours=14))
AS_OF_IN_THE_FUTURE = (
    "An as-of date cannot be in the future: it is the day the figures were last confirmed."
)
# The provenance fields of every record, in the order forms, files and the API show them.
PROVENANCE_FIELDS = ("source_title", "source_url", "as_of", "illustrative")


def plausible_date_validators() -> list[BaseValidator]:
    """The field validators of a portfolio date: the admin shows a wrong date on its field."""
    return [
        MinValueValidator(EARLIEST_DATE, DATE_RANGE_MESSAGE),
        MaxValueValidator(LATEST_DATE, DATE_RANGE_MESSAGE),
    ]


def latest_today() -> dt.date:
    """Today's date where it is latest (see LATEST_TIME_ZONE)."""
    return timezone.now().astimezone(LATEST_TIME_ZONE).date()


def not_in_the_future(value: dt.date | None) -> None:
    """The validator of an as-of date. Field validators only: the database can't check a rule
    that moves with the clock (SQLite refuses date('now') in a check constraint)."""
    if value is not None and value > latest_today():
        raise ValidationError(AS_OF_IN_THE_FUTURE, code="as_of_in_the_future")


def plausible_date_constraint(field: str, prefix: str) -> models.CheckConstraint:
    """The database rule of a portfolio date: empty, or from 1990 to 2100.

    Named `<prefix>_<field>_in_range`. A field that is not null is never empty, so the empty
    branch costs nothing there.
    """
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": EARLIEST_DATE, f"{field}__lte": LATEST_DATE})
        | Q(**{f"{field}__isnull": True}),
        name=f"{prefix}_{field}_in_range",
        violation_error_message=DATE_RANGE_MESSAGE,
    )


class Provenance(models.Model):
    source_title = models.CharField(
        "source title",
        max_length=300,
        blank=True,
        help_text="Title of the publication the figures come from.",
    )
    source_url = models.URLField(
        "source URL", max_length=500, blank=True, help_text="Where the source can be read."
    )
    as_of = models.DateField(
        "as of",
        validators=[*plausible_date_validators(), not_in_the_future],
        help_text="Date on which the figures were true (the source's date).",
    )
    illustrative = models.BooleanField(
        default=False,
        help_text="Demo data that is not public fact. Pages flag it as illustrative.",
    )
    # Optimistic locking (aipdash/records/locking.py): every save of an existing record is an UPDATE
    # on the version it was loaded with, and counts one up; a stale save raises StaleEditError.
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Counts the saves of this record; a save from an older version is refused.",
    )

    objects = LockingManager()

    # Unique constraints over several fields whose violation is a message on one field of the
    # form rather than above it: constraint name → field. Each such constraint sets its
    # `violation_error_code` to its name, so that its error is told apart from any other.
    constraint_error_fields: ClassVar[dict[str, str]] = {}

    class Meta:
        abstract = True

    @classmethod
    def provenance_constraints(cls, prefix: str) -> list[models.BaseConstraint]:
        """Database rules of the model's provenance: a record that is not illustrative names
        its source; its as-of date is plausible."""
        return [
            models.CheckConstraint(
                condition=Q(illustrative=True) | ~Q(source_url=""),
                name=f"{prefix}_sourced_unless_illustrative",
                violation_error_message="A record that is not illustrative needs a source URL.",
            ),
            plausible_date_constraint("as_of", prefix),
        ]

    # Whether a record that is not illustrative must name its source URL (checked in clean();
    # `provenance_constraints` holds it in the database). Off for dated notes only: an
    # editor's own note has no source to give (projects/models/notes.py).
    source_required = True

    # Set on an instance to re-create a deleted record under its old key (a restore from the
    # history): its save then inserts where the row is gone instead of refusing.
    restoring = False

    def _do_update(
        self,
        base_qs: models.QuerySet[Self],
        using: str | None,
        pk_val: Any,
        values: Collection[tuple["models.Field[Any, Any]", type[models.Model] | None, Any]],
        update_fields: Iterable[str] | None,
        forced_update: bool,
        returning_fields: "Sequence[models.Field[Any, Any]]",
    ) -> list[Sequence[Any]]:
        """The conditional UPDATE of optimistic locking (see aipdash/records/locking.py)."""
        loaded: int = getattr(self, VERSION_FIELD)
        # The version is a column of the model (get_field's type includes relations' far ends).
        field = cast("models.Field[Any, Any]", self._meta.get_field(VERSION_FIELD))
        kept = [(f, m, v) for f, m, v in values if f.attname != VERSION_FIELD]
        kept.append((field, None, loaded + 1))
        updated = super()._do_update(
            base_qs.filter(**{VERSION_FIELD: loaded}),
            using,
            pk_val,
            kept,
            update_fields,
            forced_update,
            returning_fields,
        )
        if updated:
            setattr(self, VERSION_FIELD, loaded + 1)
            return updated
        if base_qs.filter(pk=pk_val).exists():
            raise StaleEditError(self, loaded)
        if self.restoring or self._state.adding:
            return updated  # the row is gone: Django inserts it (a restore, an explicit key)
        raise StaleEditError(self, loaded)

    def related_label(self, field: str, attribute: str | None = None) -> object:
        """For `__str__`: the related record (or its `attribute`), None when the field is
        empty, or "deleted partner #7" when the row is gone: a version in the history outlives
        the partner or project it names, and its History page must still render."""
        try:
            related = getattr(self, field)
        except ObjectDoesNotExist:
            model_field = self._meta.get_field(field)
            if not isinstance(model_field, models.ForeignKey):
                raise  # only a foreign key's missing row raises this
            name = model_field.related_model._meta.verbose_name
            return f"deleted {name} #{getattr(self, model_field.attname)}"
        if related is None or attribute is None:
            return related
        return getattr(related, attribute)

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        """The model's constraints, with the errors of `constraint_error_fields` on their
        field. A constraint is only checked when none of its fields is excluded, so the field
        is on the form that shows the error."""
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict({})
            kept = []
            for item in errors.pop(NON_FIELD_ERRORS, []):
                code = getattr(item, "code", None)
                field = self.constraint_error_fields.get(code) if code else None
                if field is None:
                    kept.append(item)
                else:
                    errors.setdefault(field, []).append(item)
            if kept:
                errors[NON_FIELD_ERRORS] = kept
            raise ValidationError(errors) from None

    def clean(self) -> None:
        super().clean()
        if self.source_required and not self.illustrative and not self.source_url:
            raise ValidationError(
                {"source_url": "A record that is not illustrative needs a source URL."}
            )
