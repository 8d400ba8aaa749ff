from django.apps import AppConfig, apps
from django.db import connections
from django.db.models.signals import post_delete, post_migrate, post_save


def _auth_version_triggers(sender, using, **kwargs):
    """Put back the auth-version triggers a migration dropped (SQLite rebuilds a table to alter
    it, triggers lost): see aipdash/authversion.py. Not before its table exists."""
    from aipdash.core.cache import authversion

    connection = connections[using]
    if authversion.TABLE in connection.introspection.table_names():
        authversion.install(connection)


class CoreConfig(AppConfig):
    name = "aipdash.core"
    label = "aipdash"  # the label of migrations 0001-0006, their content types and permissions
    verbose_name = "AIP Dashboard"

    def ready(self):
        from aipdash import fastpath
        from aipdash.core.cache.versions import on_portfolio_write
        from aipdash.core.roles import PORTFOLIO_MODELS

        # Any write to the portfolio invalidates every cached chart (see datacache.py).
        for app_label, models in PORTFOLIO_MODELS.items():
            for model_name in models:
                model = apps.get_model(app_label, model_name)
                post_save.connect(on_portfolio_write, sender=model, dispatch_uid=f"dv-{model_name}")
                post_delete.connect(
                    on_portfolio_write, sender=model, dispatch_uid=f"dv-del-{model_name}"
                )
        # Who may see what: every change voids the passes of the chart fast path.
        fastpath.connect_signals()
        post_migrate.connect(_auth_version_triggers, sender=self, dispatch_uid="auth-version")
