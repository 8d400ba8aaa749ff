from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """An app for its template tags ({% load staleness %}) and its receivers; no models."""

    name = "aipdash.records"
    label = "records"
    verbose_name = "Portfolio records"

    def ready(self) -> None:
        # Connects the receivers on import; the models they read are loaded only now.
        from aipdash.records import signals  # noqa: F401, PLC0415
