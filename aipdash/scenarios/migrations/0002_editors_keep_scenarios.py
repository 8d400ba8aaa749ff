"""Give the editor group the scenarios in the admin (aipdash/records/grants.py,
BESIDE_THE_PORTFOLIO)."""

from django.db import migrations

from aipdash.records.grants import ensure_groups


def grant(apps, schema_editor):
    ensure_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("scenarios", "0001_initial"),
        ("aipdash", "0003_sharing_permissions"),  # the groups and their last grants
        ("projects", "0012_as_of_not_in_the_future"),
        ("partners", "0004_as_of_not_in_the_future"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
