from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "aipdash.core"
    label = "aipdash"  # the label of migrations 0001-0006, their content types and permissions
    verbose_name = "AIP Dashboard"

    def ready(self) -> None:
        # Imported here: authversion reads the AuthVersion model, loaded only once apps are ready.
        from aipdash.core.cache import authversion  # noqa: PLC0415

        post_migrate.connect(
            authversion.reinstall_after_migrate, sender=self, dispatch_uid="auth-version"
        )
