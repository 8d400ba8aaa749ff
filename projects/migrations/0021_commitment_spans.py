"""projects_commitmentspan: each version of a commitment with the span of time it stood (see
CommitmentSpan), kept by triggers on projects_historicalcommitment; the history already there
is copied in once.

A history row inserted adds its span, then the spans of its commitment are given their ends
again: each ends where the next (by history_date, then history_id) begins, the latest has no
end. That holds whatever the order the versions are written in (the demo writes a record's
past after its present row exists). A history row deleted (a backup's pruning) takes its span
away the same way. Statement-level on PostgreSQL (transition tables: one INSERT ... SELECT and
one UPDATE per bulk write of history), row-level on SQLite.
"""

# ruff: noqa: S608  (SQL built from this file's constants only, no input)
from django.db import migrations, models

HISTORY = "projects_historicalcommitment"
SPANS = "projects_commitmentspan"
COLUMNS = (
    "history_id, commitment_id, valid_from, valid_to, deleted, partner_id, project_id, "
    "instrument, status, month, amount_cents, source_id, as_of, illustrative"
)
KEY_MATCH = "k.source_title = {row}.source_title AND k.source_url = {row}.source_url"


def _values(row: str, *, month: str, cents: str) -> str:
    """The span's columns from a history row `row` (the codes of CommitmentFact)."""
    return f"""
        {row}.history_id, {row}.id, {row}.history_date, NULL, {row}.history_type = '-',
        {row}.partner_id, {row}.project_id,
        CASE {row}.instrument WHEN 'equity' THEN 0 WHEN 'debt' THEN 1 END,
        CASE {row}.status WHEN 'announced' THEN 0 WHEN 'committed' THEN 1 WHEN 'called' THEN 2
        END,
        {month}, {cents}, k.id, {row}.as_of, {row}.illustrative
    """


PG_VALUES = _values(
    "n",
    month="DATE_TRUNC('month', n.committed_on::timestamp)::date",
    cents="(n.amount_usd * 100)::bigint",
)
SQLITE_VALUES = _values(
    "NEW",
    month="DATE(NEW.committed_on, 'start of month')",
    cents="CAST(ROUND(NEW.amount_usd * 100) AS INTEGER)",
)


def _pg_ends(commitments: str) -> str:
    """Give the spans of the commitments in the subquery `commitments` their ends again."""
    return f"""
    UPDATE {SPANS} s SET valid_to = o.next_from
    FROM (
        SELECT history_id, LEAD(valid_from) OVER (
            PARTITION BY commitment_id ORDER BY valid_from, history_id) AS next_from
        FROM {SPANS} WHERE commitment_id IN ({commitments})
    ) o
    WHERE s.history_id = o.history_id AND s.valid_to IS DISTINCT FROM o.next_from;
    """


POSTGRESQL = f"""
CREATE FUNCTION projects_commitment_spans() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM {SPANS} s USING old_rows o WHERE s.history_id = o.history_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO projects_factsource (source_title, source_url)
            SELECT DISTINCT source_title, source_url FROM new_rows
            ON CONFLICT DO NOTHING;
        INSERT INTO {SPANS} ({COLUMNS})
            SELECT {PG_VALUES}
            FROM new_rows n JOIN projects_factsource k ON {KEY_MATCH.format(row="n")};
        {_pg_ends("SELECT DISTINCT id FROM new_rows")}
    END IF;
    IF TG_OP = 'DELETE' THEN
        {_pg_ends("SELECT DISTINCT id FROM old_rows")}
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER projects_commitment_spans_insert AFTER INSERT ON {HISTORY}
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION projects_commitment_spans();
CREATE TRIGGER projects_commitment_spans_update AFTER UPDATE ON {HISTORY}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION projects_commitment_spans();
CREATE TRIGGER projects_commitment_spans_delete AFTER DELETE ON {HISTORY}
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION projects_commitment_spans();
"""
POSTGRESQL_REVERSE = f"""
DROP TRIGGER projects_commitment_spans_insert ON {HISTORY};
DROP TRIGGER projects_commitment_spans_update ON {HISTORY};
DROP TRIGGER projects_commitment_spans_delete ON {HISTORY};
DROP FUNCTION projects_commitment_spans();
"""

# SQLite: one commitment's spans, each ended by the next (a correlated subquery per span).
_SQLITE_ENDS = f"""
    UPDATE {SPANS} SET valid_to = (
        SELECT n.valid_from FROM {SPANS} n
        WHERE n.commitment_id = {SPANS}.commitment_id
          AND (n.valid_from > {SPANS}.valid_from
               OR (n.valid_from = {SPANS}.valid_from AND n.history_id > {SPANS}.history_id))
        ORDER BY n.valid_from, n.history_id LIMIT 1)
    WHERE commitment_id = {{row}}.id;
"""
_SQLITE_ADD = f"""
    INSERT OR IGNORE INTO projects_factsource (source_title, source_url)
        VALUES (NEW.source_title, NEW.source_url);
    INSERT INTO {SPANS} ({COLUMNS})
        SELECT {SQLITE_VALUES} FROM projects_factsource k WHERE {KEY_MATCH.format(row="NEW")};
    {_SQLITE_ENDS.format(row="NEW")}
"""
_SQLITE_REMOVE = f"""
    DELETE FROM {SPANS} WHERE history_id = OLD.history_id;
    {_SQLITE_ENDS.format(row="OLD")}
"""
SQLITE = [
    f"""CREATE TRIGGER projects_commitment_spans_insert AFTER INSERT ON {HISTORY}
    BEGIN {_SQLITE_ADD} END""",
    f"""CREATE TRIGGER projects_commitment_spans_update AFTER UPDATE ON {HISTORY}
    BEGIN {_SQLITE_REMOVE} {_SQLITE_ADD} END""",
    f"""CREATE TRIGGER projects_commitment_spans_delete AFTER DELETE ON {HISTORY}
    BEGIN {_SQLITE_REMOVE} END""",
]
SQLITE_REVERSE = [
    f"DROP TRIGGER projects_commitment_spans_{op}" for op in ("insert", "update", "delete")
]

# The history already there, copied once, then every span ended by the next.
BACKFILL = {
    "postgresql": [
        f"""INSERT INTO projects_factsource (source_title, source_url)
        SELECT DISTINCT source_title, source_url FROM {HISTORY} ON CONFLICT DO NOTHING""",
        f"""INSERT INTO {SPANS} ({COLUMNS}) SELECT {PG_VALUES}
        FROM {HISTORY} n JOIN projects_factsource k ON {KEY_MATCH.format(row="n")}""",
        f"""UPDATE {SPANS} s SET valid_to = o.next_from
        FROM (
            SELECT history_id, LEAD(valid_from) OVER (
                PARTITION BY commitment_id ORDER BY valid_from, history_id) AS next_from
            FROM {SPANS}
        ) o
        WHERE s.history_id = o.history_id AND o.next_from IS NOT NULL""",
    ],
    "sqlite": [
        f"""INSERT OR IGNORE INTO projects_factsource (source_title, source_url)
        SELECT DISTINCT source_title, source_url FROM {HISTORY}""",
        f"""INSERT INTO {SPANS} ({COLUMNS}) SELECT {SQLITE_VALUES.replace("NEW.", "n.")}
        FROM {HISTORY} n JOIN projects_factsource k ON {KEY_MATCH.format(row="n")}""",
        f"""UPDATE {SPANS} SET valid_to = o.next_from
        FROM (
            SELECT history_id, LEAD(valid_from) OVER (
                PARTITION BY commitment_id ORDER BY valid_from, history_id) AS next_from
            FROM {SPANS}
        ) o
        WHERE {SPANS}.history_id = o.history_id AND o.next_from IS NOT NULL""",
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
        raise NotImplementedError(f"No commitment-span triggers for {vendor}.")
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
        ("projects", "0018_project_sums"),
    ]

    operations = [
        migrations.CreateModel(
            name="CommitmentSpan",
            fields=[
                ("history_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("commitment_id", models.BigIntegerField()),
                ("valid_from", models.DateTimeField()),
                ("valid_to", models.DateTimeField(null=True)),
                ("deleted", models.BooleanField()),
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
                "indexes": [
                    models.Index(
                        fields=["commitment_id", "valid_from", "history_id"],
                        name="commitmentspan_order",
                    ),
                    models.Index(fields=["valid_from"], name="commitmentspan_from"),
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
