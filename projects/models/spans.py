"""The span of time each version of a project, phase or participation stood, kept in the
version itself: `history_valid_to`, the moment the record's next version was written (empty
for the latest). The as-of reading of these three models is then a range condition on their
history, `history_date < t <= history_valid_to` (or no end), instead of an anti-join against
later versions, which one view repeated in several queries (docs/as-of.md, "Measured").

A base of the historical models (simple-history's `bases=`), so that Django's model state knows
the column. Only the database's triggers write it (migration 0022), on every insert, delete or
re-dating of a version however it is made: the application leaves it empty.
"""

from django.db import models

# The column, named like simple-history's own (`history_*`): no record has a field of that
# name, and the code that copies a record's fields into its history leaves it out.
VALID_TO = "history_valid_to"


class Spanned(models.Model):
    """A historical model whose versions carry the end of the span they stood."""

    history_valid_to = models.DateTimeField(null=True, editable=False)

    class Meta:
        abstract = True
