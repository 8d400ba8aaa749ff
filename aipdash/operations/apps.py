from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """An app for its commands (export_portfolio, import_portfolio, generate_portfolio,
    load_demo) and the bulk import's jobs; no models."""

    name = "aipdash.operations"
    label = "operations"
    verbose_name = "Portfolio operations"

    def ready(self) -> None:
        # The import's job kinds, registered in every process: web (to start them) and
        # worker (to run them).
        from aipdash.operations.imports import jobs  # noqa: F401, PLC0415
