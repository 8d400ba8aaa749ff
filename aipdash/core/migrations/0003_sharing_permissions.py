"""Give the viewer and editor groups the right to share views (see aipdash/records/grants.py)."""

from django.db import migrations

from aipdash.records.grants import ensure_groups


def grant(apps, schema_editor):
    ensure_groups(apps)


class Migration(migrations.Migration):
    dependencies = [("aipdash", "0002_sharelink")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
