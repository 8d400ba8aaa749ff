"""projects_commitmenttotal: the commitments summed per partner, instrument, status, month,
source, as-of date and illustrative flag (see CommitmentTotal): projects_commitmentsum without
its project columns, a few thousand rows, kept by triggers on projects_commitmentfact alone
(no project column, so a project's change moves nothing here); the existing facts are summed
in once.

A fact inserted adds its cents and one commitment to its row, a fact deleted takes them off (a
row whose count reaches zero goes); an update (facts are inserted and deleted only, migration
0007, but a raw UPDATE is a write too) does both. Statement-level on PostgreSQL, row-level on
SQLite (the builders of migration 0016).
"""

# ruff: noqa: S608  (SQL built from this file's constants only, no input)
import importlib

from django.db import migrations, models

kept = importlib.import_module("projects.migrations.0016_capacity_sums")
sums = importlib.import_module("projects.migrations.0017_commitment_sums")
POSTGRESQL, SQLITE, Sums = kept.POSTGRESQL, kept.SQLITE, kept.Sums
FACTS = "projects_commitmentfact"

TOTALS = Sums(
    "projects_commitmenttotal",
    ("partner_id", "instrument", "status", "month", "source_id", "as_of", "illustrative"),
    ("amount_cents", "commitments"),
)


def fact_parts(facts):
    return kept.grouped([*sums._FACT_KEY, *sums._MEASURES], f"{facts} f", "true", 7)


P = POSTGRESQL
POSTGRESQL_FUNCTION = kept.plpgsql_function(
    "projects_commitment_totals",
    [
        (("UPDATE", "DELETE"), [TOTALS.subtract(fact_parts("old_facts"))]),
        (("INSERT", "UPDATE"), [TOTALS.add(fact_parts("new_facts"))]),
        (("UPDATE", "DELETE"), [TOTALS.prune()]),
    ],
)
POSTGRESQL_TRIGGERS = kept.statement_triggers(
    "projects_commitment_totals", FACTS, "projects_commitment_totals", ("old_facts", "new_facts")
)
POSTGRESQL_REVERSE = [
    *(f"DROP TRIGGER projects_commitment_totals_{op} ON {FACTS}" for op in ("insert", "update", "delete")),
    "DROP FUNCTION projects_commitment_totals()",
]

S = SQLITE
NEW_FACT, OLD_FACT = S.row("NEW", sums.FACT_COLUMNS), S.row("OLD", sums.FACT_COLUMNS)
SQLITE_TRIGGERS = [
    kept.row_trigger(
        "projects_commitment_totals_insert", "INSERT", FACTS, [TOTALS.add(fact_parts(NEW_FACT))]
    ),
    kept.row_trigger(
        "projects_commitment_totals_update",
        "UPDATE",
        FACTS,
        [
            TOTALS.subtract(fact_parts(OLD_FACT)),
            TOTALS.add(fact_parts(NEW_FACT)),
            TOTALS.prune(),
        ],
    ),
    kept.row_trigger(
        "projects_commitment_totals_delete",
        "DELETE",
        FACTS,
        [TOTALS.subtract(fact_parts(OLD_FACT)), TOTALS.prune()],
    ),
]
SQLITE_REVERSE = [
    f"DROP TRIGGER projects_commitment_totals_{op}" for op in ("insert", "update", "delete")
]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [POSTGRESQL_FUNCTION, *POSTGRESQL_TRIGGERS]
    elif vendor == "sqlite":
        statements = SQLITE_TRIGGERS
    else:
        raise NotImplementedError(f"No commitment-total triggers for {vendor}.")
    for statement in [*statements, TOTALS.add(fact_parts(FACTS))]:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRESQL_REVERSE if postgresql else SQLITE_REVERSE:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0023_scenario_sums"),
    ]

    operations = [
        migrations.CreateModel(
            name="CommitmentTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
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
                            "partner_id",
                            "instrument",
                            "status",
                            "month",
                            "source_id",
                            "as_of",
                            "illustrative",
                        ),
                        name="commitmenttotal_key",
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
