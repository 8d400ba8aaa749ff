"""aipdash_authversion, a token replaced by triggers on every auth table (aipdash/authversion.py):
what the chart fast path checks a pass against."""

import uuid

from django.db import migrations, models

from aipdash.core.cache import authversion


def install(apps, schema_editor):
    apps.get_model("aipdash", "AuthVersion").objects.create(id=1, token=uuid.uuid4().hex)
    authversion.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    authversion.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("aipdash", "0004_lastseen"),
        # Every table the triggers go on (auth_user's last change included).
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuthVersion",
            fields=[
                ("id", models.SmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("token", models.CharField(max_length=32)),
            ],
        ),
        migrations.RunPython(install, uninstall),
    ]
