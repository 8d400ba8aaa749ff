"""The jobs app: label "jobs"."""

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "aipdash.jobs"
    label = "jobs"
    verbose_name = "Jobs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The sign-in receiver of the navigation's "Jobs" link.
        from aipdash.jobs import nav  # noqa: F401, PLC0415
