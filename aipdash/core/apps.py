from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _auth_version_triggers(sender, using, **kwargs):
    """Put back the auth-version triggers a migration dropped (SQLite rebuilds a table to alter
    it, triggers lost): see aipdash/core/cache/authversion.py. Not before its table exists."""
    from aipdash.core.cache import authversion

    connection = connections[using]
    if authversion.TABLE in connection.introspection.table_names():
        authversion.install(connection)


class CoreConfig(AppConfig):
    name = "aipdash.core"
    label = "aipdash"  # the label of migrations 0001-0006, their content types and permissions
    verbose_name = "AIP Dashboard"

    def ready(self):
        post_migrate.connect(_auth_version_triggers, sender=self, dispatch_uid="auth-version")
