from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """An app for its commands (export_portfolio, import_portfolio, generate_portfolio,
    load_demo); no models."""

    name = "aipdash.operations"
    label = "operations"
    verbose_name = "Portfolio operations"
