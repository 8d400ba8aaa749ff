"""LastSeen moves from the app "aipdash" to "audit" by state only: its table aipdash_lastseen is kept."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _move_content_type(apps, old_label, new_label):
    """The content type row follows the model, so its permissions (ids, codenames) and every
    group's or user's grant of them stay as they were; none exists yet on a fresh database."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new_label, model="lastseen").exists():
        ContentType.objects.filter(app_label=old_label, model="lastseen").update(app_label=new_label)


def to_audit(apps, schema_editor):
    _move_content_type(apps, "aipdash", "audit")


def to_aipdash(apps, schema_editor):
    _move_content_type(apps, "audit", "aipdash")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("aipdash", "0006_sharelink_whole_portfolio"),
        ("contenttypes", "0002_remove_content_type_name"),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='LastSeen',
                    fields=[
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to=settings.AUTH_USER_MODEL)),
                        ('seen_at', models.DateTimeField()),
                    ],
                    options={
                        'verbose_name': 'last visit',
                        'db_table': 'aipdash_lastseen',
                    },
                ),
            ],
            database_operations=[],  # the table stays as it is
        ),
        migrations.RunPython(to_audit, to_aipdash),
    ]
