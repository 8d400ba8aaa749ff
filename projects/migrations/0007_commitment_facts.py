"""projects_commitmentfact, kept by triggers on projects_commitment (see CommitmentFact).

PostgreSQL: statement-level triggers with transition tables, so that a bulk insert of 1,024
commitments costs two INSERT ... SELECT, not 2,048 trigger calls. SQLite: row-level triggers
(it has no other kind). Both: the existing commitments are copied in once.
"""

# ruff: noqa: S608  (SQL built from this file's constants only, no input)
from django.db import migrations, models


# The codes of CommitmentFact.INSTRUMENT_CODES and STATUS_CODES.
def _fact_columns(row):
    return f"""
        {row}.id, {row}.partner_id, {row}.project_id,
        CASE {row}.instrument WHEN 'equity' THEN 0 WHEN 'debt' THEN 1 END,
        CASE {row}.status WHEN 'announced' THEN 0 WHEN 'committed' THEN 1 WHEN 'called' THEN 2 END
    """


FACT_COLUMNS = (
    "commitment_id, partner_id, project_id, instrument, status, month, amount_cents, source_id, "
    "as_of, illustrative"
)
KEY_MATCH = "k.source_title = {row}.source_title AND k.source_url = {row}.source_url"

POSTGRESQL = f"""
CREATE FUNCTION projects_commitment_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM projects_commitmentfact f USING old_rows o WHERE f.commitment_id = o.id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO projects_factsource (source_title, source_url)
            SELECT DISTINCT source_title, source_url FROM new_rows
            ON CONFLICT DO NOTHING;
        INSERT INTO projects_commitmentfact ({FACT_COLUMNS})
            SELECT {_fact_columns("n")},
                DATE_TRUNC('month', n.committed_on::timestamp)::date,
                (n.amount_usd * 100)::bigint, k.id, n.as_of, n.illustrative
            FROM new_rows n JOIN projects_factsource k ON {KEY_MATCH.format(row="n")};
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER projects_commitment_facts_insert AFTER INSERT ON projects_commitment
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION projects_commitment_facts();
CREATE TRIGGER projects_commitment_facts_update AFTER UPDATE ON projects_commitment
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION projects_commitment_facts();
CREATE TRIGGER projects_commitment_facts_delete AFTER DELETE ON projects_commitment
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION projects_commitment_facts();
"""
POSTGRESQL_REVERSE = """
DROP TRIGGER projects_commitment_facts_insert ON projects_commitment;
DROP TRIGGER projects_commitment_facts_update ON projects_commitment;
DROP TRIGGER projects_commitment_facts_delete ON projects_commitment;
DROP FUNCTION projects_commitment_facts();
"""

_SQLITE_ADD = f"""
    INSERT OR IGNORE INTO projects_factsource (source_title, source_url)
        VALUES (NEW.source_title, NEW.source_url);
    INSERT INTO projects_commitmentfact ({FACT_COLUMNS})
        SELECT {_fact_columns("NEW")},
            DATE(NEW.committed_on, 'start of month'),
            CAST(ROUND(NEW.amount_usd * 100) AS INTEGER), k.id, NEW.as_of, NEW.illustrative
        FROM projects_factsource k WHERE {KEY_MATCH.format(row="NEW")};
"""
SQLITE = [
    f"""CREATE TRIGGER projects_commitment_facts_insert AFTER INSERT ON projects_commitment
    BEGIN {_SQLITE_ADD} END""",
    f"""CREATE TRIGGER projects_commitment_facts_update AFTER UPDATE ON projects_commitment
    BEGIN
        DELETE FROM projects_commitmentfact WHERE commitment_id = OLD.id;
        {_SQLITE_ADD}
    END""",
    """CREATE TRIGGER projects_commitment_facts_delete AFTER DELETE ON projects_commitment
    BEGIN DELETE FROM projects_commitmentfact WHERE commitment_id = OLD.id; END""",
]
SQLITE_REVERSE = [
    f"DROP TRIGGER projects_commitment_facts_{op}" for op in ("insert", "update", "delete")
]

# The commitments already there, copied once.
BACKFILL = {
    "postgresql": [
        """INSERT INTO projects_factsource (source_title, source_url)
        SELECT DISTINCT source_title, source_url FROM projects_commitment
        ON CONFLICT DO NOTHING""",
        f"""INSERT INTO projects_commitmentfact ({FACT_COLUMNS})
        SELECT {_fact_columns("n")}, DATE_TRUNC('month', n.committed_on::timestamp)::date,
            (n.amount_usd * 100)::bigint, k.id, n.as_of, n.illustrative
        FROM projects_commitment n JOIN projects_factsource k
            ON {KEY_MATCH.format(row="n")}""",
    ],
    "sqlite": [
        """INSERT OR IGNORE INTO projects_factsource
            (source_title, source_url)
        SELECT DISTINCT source_title, source_url FROM projects_commitment""",
        f"""INSERT INTO projects_commitmentfact ({FACT_COLUMNS})
        SELECT {_fact_columns("n")}, DATE(n.committed_on, 'start of month'),
            CAST(ROUND(n.amount_usd * 100) AS INTEGER), k.id, n.as_of, n.illustrative
        FROM projects_commitment n JOIN projects_factsource k
            ON {KEY_MATCH.format(row="n")}""",
    ],
}


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)
    else:
        raise NotImplementedError(f"No commitment-fact triggers for {vendor}.")
    for statement in BACKFILL[vendor]:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_REVERSE)
    else:
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0006_indexes_for_dashboard_queries"),
    ]

    operations = [
        migrations.CreateModel(
            name="CommitmentFact",
            fields=[
                ("commitment_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("partner_id", models.BigIntegerField()),
                ("project_id", models.BigIntegerField(null=True)),
                ("instrument", models.SmallIntegerField()),
                ("status", models.SmallIntegerField()),
                ("month", models.DateField()),
                ("amount_cents", models.BigIntegerField()),
                ("source_id", models.BigIntegerField()),
                ("as_of", models.DateField()),
                ("illustrative", models.BooleanField()),
            ],
            options={
                "indexes": [models.Index(fields=["project_id"], name="commitmentfact_project")],
            },
        ),
        migrations.CreateModel(
            name="FactSource",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("source_title", models.CharField(max_length=300)),
                ("source_url", models.CharField(max_length=500)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("source_title", "source_url"), name="factsource_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
