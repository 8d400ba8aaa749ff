"""An index per historical table for reading the records as they stood on a day
(aipdash/history/asof.py): each record's versions in order, (id, history_date, history_id), which the as-of reading's
"no later version" test reads alone (an index-only scan) instead of the whole history table.

Made with SQL, not AddIndex: simple-history builds the historical models, which have no Meta of
ours to declare it in, so Django's model state does not know it (and makemigrations leaves it
alone). The same statement on PostgreSQL and SQLite.
"""

from django.db import migrations

TABLES = [
    "projects_historicalinvestment",
    "projects_historicaltarget",
    "projects_historicalfundraisingupdate",
    "projects_historicalmarketindicator",
    "projects_historicalproject",
    "projects_historicalprojectphase",
    "projects_historicalparticipation",
    "projects_historicalcommitment",
    "projects_historicalnote",
]


def index_name(table):
    return f"{table}_asof"


class Migration(migrations.Migration):
    dependencies = [("projects", "0014_grants_for_notes")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {index_name(table)} ON {table} (id, history_date, history_id)",
            f"DROP INDEX {index_name(table)}",
        )
        for table in TABLES
    ]
