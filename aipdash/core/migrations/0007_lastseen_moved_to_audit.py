"""LastSeen now belongs to the app "audit" (whose migration 0001 takes it over by state); its
table stays, so nothing changes in the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("aipdash", "0006_sharelink_whole_portfolio"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="LastSeen"),
            ],
            database_operations=[],
        ),
    ]
