"""Dated notes (issue 18): what happened on a day, in a line ("Aligned Data Centers acquisition
announced", "xAI joins"), optionally about one partner or one project, with its source.

A record like the others (provenance, locking, history, the registry, import and export, the
API), drawn by the time charts as markers in the next step (docs/as-of.md). Unlike the
portfolio's figures, a note may go without a source URL: an editor's own note ("board pack
sent") has none to give, so `source_required` is off; the as-of date and the illustrative flag
still say when it was written down and whether it is demo data.
"""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from aipdash.records.provenance import (
    Provenance,
    plausible_date_constraint,
    plausible_date_validators,
)

TEXT_MAX = 200


class Note(Provenance):
    """A dated note on the portfolio's timeline."""

    date = models.DateField(
        validators=plausible_date_validators(), help_text="The day it happened."
    )
    text = models.CharField(
        max_length=TEXT_MAX, help_text="What happened, in a line: shown on the charts as typed."
    )
    partner = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notes",
        help_text="The partner it is about, if one.",
    )
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notes",
        help_text="The project it is about, if one.",
    )

    history = HistoricalRecords()

    source_required = False

    class Meta:
        ordering = ["date", "text"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""),
                name="note_has_text",
                violation_error_message="A note needs its text.",
            ),
            plausible_date_constraint("date", "note"),
            plausible_date_constraint("as_of", "note"),
        ]
        indexes = [models.Index(fields=["date"], name="note_date")]

    def __str__(self):
        return f"{self.date:%d %b %Y}: {self.text}"
