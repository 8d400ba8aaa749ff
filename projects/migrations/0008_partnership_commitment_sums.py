"""projects_partnershipcommitmentsum, kept by triggers on projects_commitmentfact (see
PartnershipCommitmentSum). Facts are only ever inserted and deleted (migration 0007 turns an
update of a commitment into both), so two triggers do: an insert adds, a delete subtracts and
removes the rows left with no commitment. The existing facts are summed in once.

A delete only ever subtracts from rows that exist: a deleted fact was added to its row when it
was inserted, so a missing row means the sums table was emptied first (Django's flush on SQLite
empties the tables one by one, in an order that changes from run to run), and subtracting
would leave a negative row naming a source that is gone.
"""

# ruff: noqa: S608  (SQL built from this file's constants only, no input)
from django.db import migrations, models

KEY = "partner_id, instrument, status, month, source_id, as_of, illustrative"
SUM = "projects_partnershipcommitmentsum"
SUM_KEY = ", ".join(f"{SUM}.{column}" for column in KEY.split(", "))
G_KEY = ", ".join(f"g.{column}" for column in KEY.split(", "))


def _add(select):
    """Add the grouped rows of `select` (KEY, cents, count), making the rows that are new."""
    return f"""INSERT INTO {SUM} ({KEY}, amount_cents, commitments) {select}
        ON CONFLICT ({KEY}) DO UPDATE SET
            amount_cents = {SUM}.amount_cents + excluded.amount_cents,
            commitments = {SUM}.commitments + excluded.commitments"""


def _subtract(select):
    """Subtract the grouped rows of `select` (KEY, cents, count) from the rows that exist
    (PostgreSQL)."""
    return f"""UPDATE {SUM} SET
            amount_cents = {SUM}.amount_cents - g.cents,
            commitments = {SUM}.commitments - g.n
        FROM ({select}) AS g ({KEY}, cents, n)
        WHERE ({SUM_KEY}) = ({G_KEY})"""


def _grouped(source, where="project_id IS NULL"):
    return f"""SELECT {KEY}, SUM(amount_cents), COUNT(*) FROM {source}
        WHERE {where} GROUP BY {KEY}"""


POSTGRESQL = f"""
CREATE FUNCTION projects_partnership_sums() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_add(_grouped("new_facts"))};
    ELSE
        {_subtract(_grouped("old_facts"))};
        DELETE FROM {SUM} WHERE commitments = 0;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER projects_partnership_sums_insert AFTER INSERT ON projects_commitmentfact
    REFERENCING NEW TABLE AS new_facts
    FOR EACH STATEMENT EXECUTE FUNCTION projects_partnership_sums();
CREATE TRIGGER projects_partnership_sums_delete AFTER DELETE ON projects_commitmentfact
    REFERENCING OLD TABLE AS old_facts
    FOR EACH STATEMENT EXECUTE FUNCTION projects_partnership_sums();
"""
POSTGRESQL_REVERSE = """
DROP TRIGGER projects_partnership_sums_insert ON projects_commitmentfact;
DROP TRIGGER projects_partnership_sums_delete ON projects_commitmentfact;
DROP FUNCTION projects_partnership_sums();
"""

_SQLITE_ROW = (
    "{row}.partner_id, {row}.instrument, {row}.status, {row}.month, {row}.source_id, "
    "{row}.as_of, {row}.illustrative"
)
SQLITE = [
    f"""CREATE TRIGGER projects_partnership_sums_insert AFTER INSERT ON projects_commitmentfact
    WHEN NEW.project_id IS NULL
    BEGIN
        {_add(f"SELECT {_SQLITE_ROW.format(row='NEW')}, NEW.amount_cents, 1 WHERE true")};
    END""",
    f"""CREATE TRIGGER projects_partnership_sums_delete AFTER DELETE ON projects_commitmentfact
    WHEN OLD.project_id IS NULL
    BEGIN
        UPDATE {SUM} SET
            amount_cents = amount_cents - OLD.amount_cents, commitments = commitments - 1
        WHERE ({KEY}) = ({_SQLITE_ROW.format(row="OLD")});
        DELETE FROM {SUM} WHERE commitments = 0;
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER projects_partnership_sums_insert",
    "DROP TRIGGER projects_partnership_sums_delete",
]
BACKFILL = f"INSERT INTO {SUM} ({KEY}, amount_cents, commitments) " + _grouped(
    "projects_commitmentfact"
)


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)
    else:
        raise NotImplementedError(f"No partnership-sum triggers for {vendor}.")
    schema_editor.execute(BACKFILL)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_REVERSE)
    else:
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0007_commitment_facts"),
    ]

    operations = [
        migrations.CreateModel(
            name="PartnershipCommitmentSum",
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
                        name="partnershipsum_key",
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
