"""The digests app: label "digests"."""

from django.apps import AppConfig


class DigestsConfig(AppConfig):
    name = "aipdash.digests"
    label = "digests"
    verbose_name = "Digests and alerts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The receivers that enqueue the alerts' task when a portfolio write commits, and the
        # worker's periodic look at the digests that are due.
        from aipdash.digests import signals, tasks  # noqa: F401, PLC0415 (connect once loaded)

        tasks.register_chore()
