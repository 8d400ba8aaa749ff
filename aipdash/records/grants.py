"""What the viewer and editor groups may do: the grants `ensure_groups` gives them, over the
portfolio models of the registry (registry.py). The groups themselves are the ground floor's
(aipdash/core/roles.py).

viewer: browse the dashboard and the portfolio (view permissions only, no admin access).
editor: add, change and view portfolio data in the admin; delete only the rows that hang off a
project or partner (phases, participations, commitments), so that a whole project or partner
cannot be removed by mistake. Editors also need `is_staff` to enter the admin.
Both may share views (SHARING). Editors also keep scenarios in the admin (BESIDE_THE_PORTFOLIO:
not portfolio data, so not in the registry; the admin shows each editor only the scenarios they
may see). Superusers do everything.

A data migration calls `ensure_groups`; when these rules change, add a migration that calls it
again.
"""

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions

from aipdash.core.roles import EDITOR, VIEWER
from aipdash.records import registry

EDITOR_MAY_DELETE = {"projectphase", "participation", "commitment", "note"}
# Both groups may share dashboard views and see their own links; seeing and revoking
# everyone's is the `manage_all_sharelinks` permission, given to users one by one.
SHARING = ["add_sharelink", "view_sharelink"]
# Models beside the portfolio that editors keep in the admin: {app label: [model name]}.
BESIDE_THE_PORTFOLIO = {"scenarios": ["scenario"]}


def ensure_groups(apps: Apps = global_apps) -> None:
    """Create or complete the viewer and editor groups (idempotent)."""
    # Permissions are normally created after all migrations ran; make sure they exist now.
    # (create_permissions skips an app whose models_module is unset, as in a migration's apps.)
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        # Any true value will do: create_permissions only tests it.
        app_config.models_module = models_module or True  # type: ignore[assignment]
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    viewer, _ = Group.objects.get_or_create(name=VIEWER)
    editor, _ = Group.objects.get_or_create(name=EDITOR)
    for app_label, models in registry.by_app().items():
        for model in models:
            actions = ["view", "add", "change"]
            if model in EDITOR_MAY_DELETE:
                actions.append("delete")
            for group, allowed in ((viewer, ["view"]), (editor, actions)):
                group.permissions.add(
                    *Permission.objects.filter(
                        content_type__app_label=app_label,
                        codename__in=[f"{action}_{model}" for action in allowed],
                    )
                )
    for app_label, models in BESIDE_THE_PORTFOLIO.items():
        editor.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label,
                codename__in=[
                    f"{action}_{model}"
                    for model in models
                    for action in ("view", "add", "change", "delete")
                ],
            )
        )
    sharing = Permission.objects.filter(content_type__app_label="aipdash", codename__in=SHARING)
    for group in (viewer, editor):
        group.permissions.add(*sharing)
