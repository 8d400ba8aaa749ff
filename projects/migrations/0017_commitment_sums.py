"""projects_commitmentsum: the commitments summed per project kind, stage and energy source
(none for commitments to the partnership as a whole), partner, instrument, status, month,
source, as-of date and illustrative flag (see CommitmentSum), kept by triggers on
projects_commitmentfact and projects_project; the existing facts are summed in once.

It takes the place of projects_partnershipcommitmentsum (migration 0008), whose rows are its
rows without a project: that table, its triggers and function go.

The rules of migration 0016: a fact adds under its project's kind, stage and energy source as
they are when the trigger runs (a fact whose project is missing counts nothing until the
project's insert adds it), and a project's own triggers move its facts when its kind, stage or
energy source changes, and add or remove them with the project. Facts are only ever inserted
and deleted (migration 0007 turns an update of a commitment into both).
"""

# ruff: noqa: S608  (SQL built from this file's constants only, no input)
import importlib

from django.db import migrations, models

kept = importlib.import_module("projects.migrations.0016_capacity_sums")
POSTGRESQL, SQLITE, Sums, grouped = kept.POSTGRESQL, kept.SQLITE, kept.Sums, kept.grouped
PROJECTS, FACTS = "projects_project", "projects_commitmentfact"

COMMITMENTS = Sums(
    "projects_commitmentsum",
    (
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
    ),
    ("amount_cents", "commitments"),
)
FACT_COLUMNS = (
    "commitment_id",
    "partner_id",
    "project_id",
    "instrument",
    "status",
    "month",
    "amount_cents",
    "source_id",
    "as_of",
    "illustrative",
)
_FACT_KEY = [
    ("f.partner_id", "partner_id"),
    ("f.instrument", "instrument"),
    ("f.status", "status"),
    ("f.month", "month"),
    ("f.source_id", "source_id"),
    ("f.as_of", "as_of"),
    ("f.illustrative", "illustrative"),
]
_MEASURES = [("SUM(f.amount_cents)", "amount_cents"), ("COUNT(*)", "commitments")]


def fact_parts(d, facts):
    """The facts of `facts`: those to a project under its kind, stage and energy source (none
    when it is missing), those to the partnership as a whole under none."""
    if facts == FACTS:
        relation = f"{FACTS} f LEFT JOIN {PROJECTS} p ON p.id = f.project_id"
    else:
        relation = d.join_each(facts, "f", PROJECTS, "p", "p.id = f.project_id", left=True)
    return grouped(
        [
            ("f.project_id IS NOT NULL", "to_project"),
            ("COALESCE(p.kind, '')", "kind"),
            ("COALESCE(p.stage, '')", "stage"),
            ("COALESCE(p.energy_source, '')", "energy_source"),
            *_FACT_KEY,
            *_MEASURES,
        ],
        relation,
        "f.project_id IS NULL OR p.id IS NOT NULL",
        11,
    )


def project_fact_parts(d, projects, where="true"):
    """The facts of the projects in `projects` (a batch), under those projects' kind, stage
    and energy source."""
    return grouped(
        [
            ("f.project_id IS NOT NULL", "to_project"),  # true: an expression to group by
            ("p.kind", "kind"),
            ("p.stage", "stage"),
            ("p.energy_source", "energy_source"),
            *_FACT_KEY,
            *_MEASURES,
        ],
        d.join_each(projects, "p", FACTS, "f", "f.project_id = p.id"),
        where,
        11,
    )


P = POSTGRESQL
_MOVED = (
    "p.id IN (SELECT o.id FROM old_projects o JOIN new_projects n ON n.id = o.id "
    f"WHERE {kept.dimensions_changed('o', 'n')})"
)
POSTGRESQL_FUNCTIONS = [
    kept.plpgsql_function(
        "projects_commitment_sums_of_facts",
        [
            (("DELETE",), [COMMITMENTS.subtract(fact_parts(P, "old_facts")), COMMITMENTS.prune()]),
            (("INSERT",), [COMMITMENTS.add(fact_parts(P, "new_facts"))]),
        ],
    ),
    kept.plpgsql_function(
        "projects_commitment_sums_of_projects",
        [
            (
                ("UPDATE",),
                [
                    COMMITMENTS.subtract(project_fact_parts(P, "old_projects", _MOVED)),
                    COMMITMENTS.add(project_fact_parts(P, "new_projects", _MOVED)),
                ],
            ),
            (("DELETE",), [COMMITMENTS.subtract(project_fact_parts(P, "old_projects"))]),
            (("INSERT",), [COMMITMENTS.add(project_fact_parts(P, "new_projects"))]),
            (("UPDATE", "DELETE"), [COMMITMENTS.prune()]),
        ],
    ),
]
POSTGRESQL_TRIGGERS = [
    # Facts are inserted and deleted only (migration 0007): no UPDATE trigger.
    *(
        trigger
        for trigger in kept.statement_triggers(
            "projects_commitment_sums_facts",
            FACTS,
            "projects_commitment_sums_of_facts",
            ("old_facts", "new_facts"),
        )
        if " AFTER UPDATE " not in trigger
    ),
    *kept.statement_triggers(
        "projects_commitment_sums_projects",
        PROJECTS,
        "projects_commitment_sums_of_projects",
        ("old_projects", "new_projects"),
    ),
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER projects_commitment_sums_facts_insert ON projects_commitmentfact",
    "DROP TRIGGER projects_commitment_sums_facts_delete ON projects_commitmentfact",
    *(
        f"DROP TRIGGER projects_commitment_sums_projects_{op} ON {PROJECTS}"
        for op in ("insert", "update", "delete")
    ),
    "DROP FUNCTION projects_commitment_sums_of_facts()",
    "DROP FUNCTION projects_commitment_sums_of_projects()",
]

S = SQLITE
NEW_FACT, OLD_FACT = S.row("NEW", FACT_COLUMNS), S.row("OLD", FACT_COLUMNS)
NEW_PROJECT = S.row("NEW", kept.PROJECT_COLUMNS)
OLD_PROJECT = S.row("OLD", kept.PROJECT_COLUMNS)
SQLITE_TRIGGERS = [
    kept.row_trigger(
        "projects_commitment_sums_facts_insert",
        "INSERT",
        FACTS,
        [COMMITMENTS.add(fact_parts(S, NEW_FACT))],
    ),
    kept.row_trigger(
        "projects_commitment_sums_facts_delete",
        "DELETE",
        FACTS,
        [COMMITMENTS.subtract(fact_parts(S, OLD_FACT)), COMMITMENTS.prune()],
    ),
    kept.row_trigger(
        "projects_commitment_sums_projects_insert",
        "INSERT",
        PROJECTS,
        [COMMITMENTS.add(project_fact_parts(S, NEW_PROJECT))],
    ),
    kept.row_trigger(
        "projects_commitment_sums_projects_update",
        "UPDATE",
        PROJECTS,
        [
            COMMITMENTS.subtract(project_fact_parts(S, OLD_PROJECT)),
            COMMITMENTS.add(project_fact_parts(S, NEW_PROJECT)),
            COMMITMENTS.prune(),
        ],
        when=kept.dimensions_changed("OLD", "NEW"),
    ),
    kept.row_trigger(
        "projects_commitment_sums_projects_delete",
        "DELETE",
        PROJECTS,
        [COMMITMENTS.subtract(project_fact_parts(S, OLD_PROJECT)), COMMITMENTS.prune()],
    ),
]
SQLITE_REVERSE = [
    "DROP TRIGGER projects_commitment_sums_facts_insert",
    "DROP TRIGGER projects_commitment_sums_facts_delete",
    *(f"DROP TRIGGER projects_commitment_sums_projects_{op}" for op in ("insert", "update", "delete")),
]

# Migration 0008's partnership sums go (its triggers first; the table with DeleteModel).
PARTNERSHIP = importlib.import_module("projects.migrations.0008_partnership_commitment_sums")


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [
            PARTNERSHIP.POSTGRESQL_REVERSE,
            *POSTGRESQL_FUNCTIONS,
            *POSTGRESQL_TRIGGERS,
        ]
    elif vendor == "sqlite":
        statements = [*PARTNERSHIP.SQLITE_REVERSE, *SQLITE_TRIGGERS]
    else:
        raise NotImplementedError(f"No commitment-sum triggers for {vendor}.")
    for statement in statements:
        schema_editor.execute(statement)
    d = POSTGRESQL if vendor == "postgresql" else SQLITE
    schema_editor.execute(COMMITMENTS.add(fact_parts(d, FACTS)))


def drop_triggers(apps, schema_editor):
    """Back to migration 0008's partnership sums (the table is made again first)."""
    postgresql = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRESQL_REVERSE if postgresql else SQLITE_REVERSE:
        schema_editor.execute(statement)
    if postgresql:
        schema_editor.execute(PARTNERSHIP.POSTGRESQL)
    else:
        for statement in PARTNERSHIP.SQLITE:
            schema_editor.execute(statement)
    schema_editor.execute(PARTNERSHIP.BACKFILL)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0016_capacity_sums"),
    ]

    operations = [
        migrations.CreateModel(
            name="CommitmentSum",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("to_project", models.BooleanField()),
                ("kind", models.CharField(max_length=20)),
                ("stage", models.CharField(max_length=20)),
                ("energy_source", models.CharField(max_length=20)),
                ("partner_id", models.BigIntegerField()),
                ("instrument", models.SmallIntegerField()),
                ("status", models.SmallIntegerField()),
                ("month", models.DateField()),
                ("source_id", models.BigIntegerField()),
                ("as_of", models.DateField()),
                ("illustrative", models.BooleanField()),
                ("amount_cents", models.BigIntegerField()),
                ("commitments", models.IntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=(
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
                        ),
                        name="commitmentsum_key",
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.DeleteModel(name="PartnershipCommitmentSum"),
    ]
