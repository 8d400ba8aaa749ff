"""projects_partnershipcommitmentsum, kept by triggers on projects_commitmentfact (see
PartnershipCommitmentSum). Facts are only ever inserted and deleted (migration 0007 turns an
update of a commitment into both), so two triggers do: an insert adds, a delete subtracts and
removes the rows left with no commitment. The existing facts are summed in once.
"""

# ruff: noqa: S608  (SQL built from this file's constants only, no input)
from django.db import migrations, models

KEY = "partner_id, instrument, status, month, source_id, as_of, illustrative"
SUM = "projects_partnershipcommitmentsum"


def _upsert(select, sign):
    """Add (sign "+") or subtract ("-") the grouped rows of `select` (KEY, cents, count)."""
    return f"""INSERT INTO {SUM} ({KEY}, amount_cents, commitments) {select}
        ON CONFLICT ({KEY}) DO UPDATE SET
            amount_cents = {SUM}.amount_cents {sign} excluded.amount_cents,
            commitments = {SUM}.commitments {sign} excluded.commitments"""


def _grouped(source, where="project_id IS NULL"):
    return f"""SELECT {KEY}, SUM(amount_cents), COUNT(*) FROM {source}
        WHERE {where} GROUP BY {KEY}"""


POSTGRESQL = f"""
CREATE FUNCTION projects_partnership_sums() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_upsert(_grouped("new_facts"), "+")};
    ELSE
        {_upsert(_grouped("old_facts"), "-")};
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
        {_upsert(f"SELECT {_SQLITE_ROW.format(row='NEW')}, NEW.amount_cents, 1 WHERE true", "+")};
    END""",
    f"""CREATE TRIGGER projects_partnership_sums_delete AFTER DELETE ON projects_commitmentfact
    WHEN OLD.project_id IS NULL
    BEGIN
        {_upsert(f"SELECT {_SQLITE_ROW.format(row='OLD')}, OLD.amount_cents, 1 WHERE true", "-")};
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
