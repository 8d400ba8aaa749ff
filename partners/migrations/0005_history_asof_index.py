"""An index for reading the partners as they stood on a day (aipdash/history/asof.py): each
record's versions in order, (id, history_date, history_id), which the as-of reading's
"no later version" test reads alone (an index-only scan) instead of the whole history table.

Made with SQL, not AddIndex: simple-history builds the historical model, which has no Meta of
ours to declare it in, so Django's model state does not know it (and makemigrations leaves it
alone). The same statement on PostgreSQL and SQLite.
"""

from django.db import migrations

TABLES = ["partners_historicalpartner"]


def index_name(table):
    return f"{table}_asof"


class Migration(migrations.Migration):
    dependencies = [("partners", "0004_as_of_not_in_the_future")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {index_name(table)} ON {table} (id, history_date, history_id)",
            f"DROP INDEX {index_name(table)}",
        )
        for table in TABLES
    ]
