"""history_valid_to on the history of projects, phases and participations: each version ends
where the record's next one (by history_date, then history_id) begins; the latest has none
(projects/models/spans.py). Kept by triggers on the three history tables; the history already
there is given its ends once. And an index for the changes between two days (below).

A version inserted gives the versions of its record their ends again, so the order of writing
does not matter (the demo and the generator write a record's past after its present row). A
version deleted (a backup's pruning) or re-dated does the same for its record. PostgreSQL:
statement-level with transition tables for inserts and deletes (one UPDATE per bulk write of
history), row-level for an update of history_date or id (none in the app; a hand edit), since
a trigger with transition tables cannot name columns and one without would fire on its own
UPDATE. SQLite: row-level, the update trigger on those two columns only.
"""

# ruff: noqa: S608  (SQL built from this file's constants only, no input)
from django.db import migrations, models

TABLES = (
    "projects_historicalproject",
    "projects_historicalprojectphase",
    "projects_historicalparticipation",
)
VALID_TO = "history_valid_to"


def _pg_ends(table: str, records: str) -> str:
    """Give the versions of the records in the subquery `records` their ends again."""
    return f"""
    UPDATE {table} h SET {VALID_TO} = o.next_from
    FROM (
        SELECT history_id, LEAD(history_date) OVER (
            PARTITION BY id ORDER BY history_date, history_id) AS next_from
        FROM {table} WHERE id IN ({records})
    ) o
    WHERE h.history_id = o.history_id AND h.{VALID_TO} IS DISTINCT FROM o.next_from;
    """


def _pg(table: str) -> str:
    return f"""
CREATE FUNCTION {table}_ends_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_pg_ends(table, "SELECT DISTINCT id FROM new_rows")}
    RETURN NULL;
END $$;
CREATE FUNCTION {table}_ends_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_pg_ends(table, "SELECT DISTINCT id FROM old_rows")}
    RETURN NULL;
END $$;
CREATE FUNCTION {table}_ends_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_pg_ends(table, "SELECT OLD.id UNION SELECT NEW.id")}
    RETURN NULL;
END $$;
CREATE TRIGGER {table}_ends_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {table}_ends_added();
CREATE TRIGGER {table}_ends_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {table}_ends_removed();
CREATE TRIGGER {table}_ends_update AFTER UPDATE OF history_date, id ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_ends_moved();
"""


def _pg_reverse(table: str) -> str:
    return f"""
DROP TRIGGER {table}_ends_insert ON {table};
DROP TRIGGER {table}_ends_delete ON {table};
DROP TRIGGER {table}_ends_update ON {table};
DROP FUNCTION {table}_ends_added();
DROP FUNCTION {table}_ends_removed();
DROP FUNCTION {table}_ends_moved();
"""


def _sqlite_ends(table: str, row: str) -> str:
    """One record's versions, each ended by the next (a correlated subquery per version)."""
    return f"""
    UPDATE {table} SET {VALID_TO} = (
        SELECT n.history_date FROM {table} n
        WHERE n.id = {table}.id
          AND (n.history_date > {table}.history_date
               OR (n.history_date = {table}.history_date AND n.history_id > {table}.history_id))
        ORDER BY n.history_date, n.history_id LIMIT 1)
    WHERE id = {row}.id;
    """


def _sqlite(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_ends_insert AFTER INSERT ON {table}
        BEGIN {_sqlite_ends(table, "NEW")} END""",
        f"""CREATE TRIGGER {table}_ends_delete AFTER DELETE ON {table}
        BEGIN {_sqlite_ends(table, "OLD")} END""",
        f"""CREATE TRIGGER {table}_ends_update AFTER UPDATE OF history_date, id ON {table}
        BEGIN {_sqlite_ends(table, "OLD")} {_sqlite_ends(table, "NEW")} END""",
    ]


def _backfill(table: str) -> str:
    """Every version of the history already there given its end (the same SQL on both)."""
    return f"""
    UPDATE {table} SET {VALID_TO} = o.next_from
    FROM (
        SELECT history_id, LEAD(history_date) OVER (
            PARTITION BY id ORDER BY history_date, history_id) AS next_from
        FROM {table}
    ) o
    WHERE {table}.history_id = o.history_id AND o.next_from IS NOT NULL
    """


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"No history-span triggers for {vendor}.")
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(_pg(table))
        else:
            for statement in _sqlite(table):
                schema_editor.execute(statement)
        schema_editor.execute(_backfill(table))


def drop_triggers(apps, schema_editor):
    for table in TABLES:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(_pg_reverse(table))
        else:
            for op in ("insert", "delete", "update"):
                schema_editor.execute(f"DROP TRIGGER {table}_ends_{op}")


# The changes between two days (aipdash/audit/changes.py, a comparison's list and "since your
# last visit") read each history's latest versions in a window, newest first, ties by
# history_id: with this index a backward scan that stops at the few listed, where
# simple-history's index on history_date alone sorted every version of a tied moment (a bulk
# write dates thousands of rows alike: 122 ms -> 0.05 ms at 10k projects). Made with SQL, as
# projects/0015's (the historical models have no Meta of ours); the same on both databases.
CHANGES_INDEXED = (*TABLES, "projects_historicalcommitment")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0021_commitment_spans"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name=model,
                name=VALID_TO,
                field=models.DateTimeField(editable=False, null=True),
            )
            for model in (
                "historicalproject",
                "historicalprojectphase",
                "historicalparticipation",
            )
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        *(
            migrations.RunSQL(
                f"CREATE INDEX {table}_changes ON {table} (history_date, history_id)",
                f"DROP INDEX {table}_changes",
            )
            for table in CHANGES_INDEXED
        ),
    ]
