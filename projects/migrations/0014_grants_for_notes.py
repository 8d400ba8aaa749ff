"""Give the viewer and editor groups the notes (aipdash/records/grants.py): a portfolio model
of the registry, which editors may also delete."""

from django.db import migrations

from aipdash.records.grants import ensure_groups


def grant(apps, schema_editor):
    ensure_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0013_notes"),
        ("aipdash", "0003_sharing_permissions"),  # the groups and their last grants
        ("scenarios", "0002_editors_keep_scenarios"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
