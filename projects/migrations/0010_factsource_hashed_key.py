"""PostgreSQL: each source of the commitment facts is kept once by a unique index on a SHA-256 of
its title and URL, not on the text itself.

A btree entry holds at most 2,704 bytes; the fields allow 300 + 500 characters, up to 3,200
bytes of UTF-8, and a commitment with such a source failed in the trigger of 0007
(ProgramLimitExceeded). The key function is IMMUTABLE, as an index needs: convert_to() is only
STABLE in general, but a database's encoding never changes. The trigger of 0007 now finds a
source by that key (through the index) and then compares the text too, so no hash collision
could join a commitment to another source. A zero byte, which no text holds, separates title
and URL in the key.

SQLite has no such limit: its unique index on the text stays, and nothing there changes (no
table is rebuilt, so its triggers stay).
"""

# ruff: noqa: S608  (SQL built from this file's constants only, no input)
import importlib

from django.db import migrations

facts = importlib.import_module("projects.migrations.0007_commitment_facts")

KEY_FUNCTION = r"""
CREATE FUNCTION projects_source_key(title text, url text) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT sha256(convert_to(title, 'UTF8') || '\x00'::bytea || convert_to(url, 'UTF8')) $$;
"""
KEY_MATCH = (
    "projects_source_key(k.source_title, k.source_url) "
    "= projects_source_key({row}.source_title, {row}.source_url) "
    f"AND {facts.KEY_MATCH}"
)


def _trigger_function(key_match):
    """The trigger function of 0007, finding each new row's source by `key_match`."""
    return f"""
CREATE OR REPLACE FUNCTION projects_commitment_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM projects_commitmentfact f USING old_rows o WHERE f.commitment_id = o.id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO projects_factsource (source_title, source_url)
            SELECT DISTINCT source_title, source_url FROM new_rows
            ON CONFLICT DO NOTHING;
        INSERT INTO projects_commitmentfact ({facts.FACT_COLUMNS})
            SELECT {facts._fact_columns("n")},
                DATE_TRUNC('month', n.committed_on::timestamp)::date,
                (n.amount_usd * 100)::bigint, k.id, n.as_of, n.illustrative
            FROM new_rows n JOIN projects_factsource k ON {key_match.format(row="n")};
    END IF;
    RETURN NULL;
END $$;
"""


FORWARD = f"""
{KEY_FUNCTION}
ALTER TABLE projects_factsource DROP CONSTRAINT factsource_unique;
CREATE UNIQUE INDEX factsource_unique ON projects_factsource
    (projects_source_key(source_title, source_url));
{_trigger_function(KEY_MATCH)}
"""
BACKWARD = f"""
{_trigger_function(facts.KEY_MATCH)}
DROP INDEX factsource_unique;
ALTER TABLE projects_factsource
    ADD CONSTRAINT factsource_unique UNIQUE (source_title, source_url);
DROP FUNCTION projects_source_key(text, text);
"""


def hashed_key(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def text_key(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0009_commitment_facts_covering_index"),
    ]

    operations = [migrations.RunPython(hashed_key, text_key)]
