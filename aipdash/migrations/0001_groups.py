"""Create the viewer and editor groups with their permissions.

viewer: browse the dashboard and the portfolio (view permissions only, no admin access).
editor: add, change and view portfolio data in the admin; delete only the rows that hang off a
project or partner (phases, participations, commitments), so a whole project or partner cannot
be removed by mistake. Superusers do everything. Editors also need `is_staff` to enter the admin.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PORTFOLIO_MODELS = {
    "partners": ["partner"],
    "projects": [
        "investment",
        "project",
        "projectphase",
        "participation",
        "commitment",
        "target",
        "fundraisingupdate",
        "marketindicator",
    ],
}
EDITOR_MAY_DELETE = {"projectphase", "participation", "commitment"}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(actions, model):
        app = next(a for a, models in PORTFOLIO_MODELS.items() if model in models)
        return Permission.objects.filter(
            content_type__app_label=app,
            codename__in=[f"{action}_{model}" for action in actions],
        )

    viewer, _ = Group.objects.get_or_create(name="viewer")
    editor, _ = Group.objects.get_or_create(name="editor")
    for models in PORTFOLIO_MODELS.values():
        for model in models:
            viewer.permissions.add(*perms(["view"], model))
            actions = ["view", "add", "change"]
            if model in EDITOR_MAY_DELETE:
                actions.append("delete")
            editor.permissions.add(*perms(actions, model))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["viewer", "editor"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("partners", "0001_initial"),
        ("projects", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
