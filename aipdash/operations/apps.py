from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OperationsConfig(AppConfig):
    """An app for its commands (export_portfolio, import_portfolio, generate_portfolio,
    load_demo, complete_history); no models. After every `migrate` it gives the records that
    have no history row one (aipdash/history/writing.py, `complete`), so that none vanishes
    from the past."""

    name = "aipdash.operations"
    label = "operations"
    verbose_name = "Portfolio operations"

    def ready(self):
        from aipdash.history.writing import complete_after_migrate  # noqa: PLC0415 (apps loaded)

        post_migrate.connect(
            complete_after_migrate, sender=self, dispatch_uid="history-complete-after-migrate"
        )
