"""Provenance: where every portfolio record comes from.

Each record carries the title and URL of its source, the date the figure was true (as-of) and
whether it is illustrative (demo data that is not public fact). Pages show the source with the
figure and flag illustrative records.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


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
        "as of", help_text="Date on which the figures were true (the source's date)."
    )
    illustrative = models.BooleanField(
        default=False,
        help_text="Demo data that is not public fact. Pages flag it as illustrative.",
    )

    class Meta:
        abstract = True

    @classmethod
    def provenance_constraints(cls, prefix):
        """Database rule: a record that is not illustrative names its source."""
        return [
            models.CheckConstraint(
                condition=Q(illustrative=True) | ~Q(source_url=""),
                name=f"{prefix}_sourced_unless_illustrative",
                violation_error_message="A record that is not illustrative needs a source URL.",
            )
        ]

    def clean(self):
        super().clean()
        if not self.illustrative and not self.source_url:
            raise ValidationError(
                {"source_url": "A record that is not illustrative needs a source URL."}
            )


PROVENANCE_FIELDSET = (
    "Provenance",
    {
        "fields": ("source_title", "source_url", "as_of", "illustrative"),
        "description": "Where these figures come from. Illustrative records are demo data.",
    },
)
