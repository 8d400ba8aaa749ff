"""The read models the database keeps for the dashboard's sums: a narrow copy of each
commitment (CommitmentFact), its sources once each (FactSource), the commitments summed per
project kind, stage and energy source, partner and month (CommitmentSum) and without the
project columns (CommitmentTotal), the capacity coming online summed the same way
(CapacitySum), and the projects per kind, stage, energy source, country and year
(ProjectSum); for the scenario charts, the phases also by their own stage (PhaseGroupSum) and
the projects' capital costs (CapitalSum).

Only triggers write them (migrations 0007, 0010, 0016, 0017, 0018, 0023 and 0024), on every
write however it is made; the application only reads them (aipdash/dashboard/selectors/,
aipdash/scenarios/selectors.py). No history, no provenance of their own: they are derived, not
records. FactSource also names the sources of the capacity sums (and of the project sums),
so that every sum groups on a small integer.
"""

import datetime as dt

from django.db import models

from projects.models.portfolio import Commitment


class FactSource(models.Model):
    """One distinct source (title and URL) of the commitments, phases and projects: facts and
    sums refer to it by id, so that a million of them group on a small integer, and the
    sources of a figure come from the few that its facts name.

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

    def __str__(self) -> str:
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

    def __str__(self) -> str:
        return f"Fact of commitment {self.commitment_id}"


class CommitmentSum(models.Model):
    """Commitments summed per project kind, stage and energy source (all three empty, and
    `to_project` false, for commitments to the partnership as a whole), partner, instrument,
    status, month, source, as-of date and illustrative flag: a few tens of thousands of rows,
    whatever the number of commitments. The commitment charts and the headline read them
    whenever the filters are on those project columns (or the partner's own commitments);
    other filters read the facts of the matching projects and the rows here without a project
    (project filters leave those all in).

    Kept by database triggers on projects_commitmentfact and projects_project (migration
    0017): a fact added adds its cents and one commitment to its row, a fact removed takes
    them off (an empty row goes), and a project's change of kind, stage or energy source moves
    its facts' sums."""

    to_project = models.BooleanField()
    kind = models.CharField(max_length=20)
    stage = models.CharField(max_length=20)
    energy_source = models.CharField(max_length=20)
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
                    "to_project",
                    "kind",
                    "stage",
                    "energy_source",
                    "partner_id",
                    "instrument",
                    "status",
                    "month",
                    "source_id",
                    "as_of",
                    "illustrative",
                ],
                name="commitmentsum_key",
            )
        ]

    def __str__(self) -> str:
        return f"Partnership commitments of partner {self.partner_id}, {self.month:%b %Y}"


class CommitmentTotal(models.Model):
    """The commitments summed per partner, instrument, status, month, source, as-of date and
    illustrative flag: CommitmentSum without its project columns, a few thousand rows (4,274 at
    a million commitments, against CommitmentSum's 139,841). The views that do not narrow the
    projects (the unfiltered page, a partner's own) read these instead of grouping
    CommitmentSum. Kept by database triggers on projects_commitmentfact (migration 0024)."""

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
                name="commitmenttotal_key",
            )
        ]

    def __str__(self) -> str:
        return f"Commitments of partner {self.partner_id}, {self.month:%b %Y}"


class CapacitySum(models.Model):
    """Capacity coming online summed per project kind, stage and energy source, month, source,
    as-of date and illustrative flag: each phase that is not cancelled under its project's kind,
    stage and energy source, and each project without phases (with an expected-online date)
    as a whole. The capacity-online chart reads these few thousand rows instead of joining
    every phase to its project, whenever its filters are on these three columns only.

    Kept by database triggers on projects_projectphase and projects_project (migration 0016):
    a phase added, changed or deleted, a project added, deleted or moved to another kind, stage
    or energy source. Cancelled projects and grid links are summed too (a project may leave
    either state); the chart leaves them out. MW in whole tenths, so sums stay exact."""

    kind = models.CharField(max_length=20)
    stage = models.CharField(max_length=20)
    energy_source = models.CharField(max_length=20)
    month = models.DateField()
    source_id = models.BigIntegerField()
    as_of = models.DateField()
    illustrative = models.BooleanField()
    mw_tenths = models.BigIntegerField()
    items = models.IntegerField()  # phases and whole projects summed here

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "kind",
                    "stage",
                    "energy_source",
                    "month",
                    "source_id",
                    "as_of",
                    "illustrative",
                ],
                name="capacitysum_key",
            )
        ]

    def __str__(self) -> str:
        return f"Capacity of {self.kind} projects ({self.stage}), {self.month:%b %Y}"


# The month under which PhaseGroupSum and CapitalSum keep what has no expected online date
# (migration 0023: a key column is never NULL).
NO_MONTH = dt.date(1, 1, 1)


class PhaseGroupSum(models.Model):
    """Capacity coming online as the scenario charts group it (scenarios.selectors
    .phase_groups): per project kind, stage and energy source (what the filters are on), the
    phase's own stage (`item_stage`: what a scenario's slip and attrition go by), month,
    source, as-of date and illustrative flag. The phases that are not cancelled under their
    project, and each project without phases as a whole under its own stage, dated or not
    (month NO_MONTH). Cancelled projects and grid links are summed too (a project may leave
    either state); the readers leave them out. MW in whole tenths, so sums stay exact.

    Kept by database triggers on projects_projectphase and projects_project (migration 0023),
    on the rules of CapacitySum."""

    kind = models.CharField(max_length=20)
    stage = models.CharField(max_length=20)
    energy_source = models.CharField(max_length=20)
    item_stage = models.CharField(max_length=20)
    month = models.DateField()
    source_id = models.BigIntegerField()
    as_of = models.DateField()
    illustrative = models.BooleanField()
    mw_tenths = models.BigIntegerField()
    items = models.IntegerField()  # phases and whole projects summed here

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "kind",
                    "stage",
                    "energy_source",
                    "item_stage",
                    "month",
                    "source_id",
                    "as_of",
                    "illustrative",
                ],
                name="phasegroupsum_key",
            )
        ]

    def __str__(self) -> str:
        return f"Phases of {self.kind} projects ({self.stage}, {self.item_stage}), {self.month}"


class CapitalSum(models.Model):
    """Projects per kind, stage, energy source and month of their expected online date
    (NO_MONTH: none), as the capital bridge groups them (scenarios.selectors.capital_groups):
    how many, how many with a recorded capital cost and those costs in cents, how many without
    one and their MW in tenths. Every project, cancelled ones too (the reader leaves them out).
    Kept by database triggers on projects_project (migration 0023). A row holds at most
    $92 quadrillion in cents (a bigint): 92,000 projects of the largest allowed cost."""

    kind = models.CharField(max_length=20)
    stage = models.CharField(max_length=20)
    energy_source = models.CharField(max_length=20)
    month = models.DateField()
    with_cost = models.IntegerField()
    cost_cents = models.BigIntegerField()
    without_cost = models.IntegerField()
    mw_without_cost_tenths = models.BigIntegerField()
    projects = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "stage", "energy_source", "month"], name="capitalsum_key"
            )
        ]

    def __str__(self) -> str:
        return f"Capital of {self.kind} projects ({self.stage}), {self.month}"


class ProjectSum(models.Model):
    """Projects counted and summed per kind, stage, energy source, country, expected-online
    year (0: none), source, as-of date and illustrative flag: their capacity, and of those with
    a position, their number, capacity and summed latitude and longitude. A few thousand rows
    whatever the number of projects; the pipeline, energy-mix and map charts, the headline's
    capacity and the filter's countries read them whenever the filters are not on partners.

    Kept by database triggers on projects_project (migration 0018). MW in whole tenths and
    degrees in hundred-thousandths, as stored, so that sums stay exact."""

    kind = models.CharField(max_length=20)
    stage = models.CharField(max_length=20)
    energy_source = models.CharField(max_length=20)
    country = models.CharField(max_length=2)
    online_year = models.IntegerField()
    source_id = models.BigIntegerField()
    as_of = models.DateField()
    illustrative = models.BooleanField()
    mw_tenths = models.BigIntegerField()
    located = models.IntegerField()  # projects with latitude and longitude
    located_mw_tenths = models.BigIntegerField()
    latitude_sum = models.BigIntegerField()
    longitude_sum = models.BigIntegerField()
    projects = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "kind",
                    "stage",
                    "energy_source",
                    "country",
                    "online_year",
                    "source_id",
                    "as_of",
                    "illustrative",
                ],
                name="projectsum_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} projects ({self.stage}) in {self.country}, {self.online_year}"


class CommitmentSpan(models.Model):
    """One version of a commitment as the dashboard sums it (the columns of CommitmentFact)
    with the span of time it stood: from its history row's date (`valid_from`) to the next
    version's (`valid_to`, empty while it is the latest). The commitment sums of a past moment
    `t` are then one scan of this narrow table, `valid_from < t <= valid_to` (or no end), not
    an anti-join of the wide commitment history (docs/as-of.md, "validity ranges").

    Kept by database triggers on the commitment HISTORY (migration 0021), not on the live
    table: a version written into the past (the demo's past, `complete()`, a restore) dates its
    span by its history_date, as the as-of reading does. A deletion's version is a span too
    (`deleted`), so that it ends the span before it. Only the triggers write here.

    Mind on SQLite: a migration that rebuilds projects_historicalcommitment drops these
    triggers with it (see CommitmentFact); it must create them again."""

    history_id = models.BigIntegerField(primary_key=True)
    commitment_id = models.BigIntegerField()
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True)
    deleted = models.BooleanField()
    partner_id = models.BigIntegerField()
    project_id = models.BigIntegerField(null=True)
    instrument = models.SmallIntegerField()
    status = models.SmallIntegerField()
    month = models.DateField()
    amount_cents = models.BigIntegerField()
    source_id = models.BigIntegerField()
    as_of = models.DateField()
    illustrative = models.BooleanField()

    class Meta:
        indexes = [
            # The triggers find a commitment's spans in order (the next one's start).
            models.Index(
                fields=["commitment_id", "valid_from", "history_id"], name="commitmentspan_order"
            ),
            # An early day reads the few spans begun before it.
            models.Index(fields=["valid_from"], name="commitmentspan_from"),
        ]

    def __str__(self) -> str:
        return f"Commitment {self.commitment_id} from {self.valid_from:%Y-%m-%d %H:%M}"
