from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OperationsConfig(AppConfig):
    """An app for its commands (export_portfolio, import_portfolio, generate_portfolio,
    load_demo, complete_history) and the bulk import's jobs; no models. After every `migrate` it
    gives the records that have no history row one (aipdash/history/writing.py, `complete`), so
    that none vanishes from the past."""

    name = "aipdash.operations"
    label = "operations"
    verbose_name = "Portfolio operations"

    def ready(self) -> None:
        from aipdash.history.writing import complete_after_migrate  # noqa: PLC0415 (apps loaded)

        # The import's job kinds, registered in every process: web (to start them) and
        # worker (to run them).
        from aipdash.operations.imports import jobs  # noqa: F401, PLC0415

        post_migrate.connect(
            complete_after_migrate, sender=self, dispatch_uid="history-complete-after-migrate"
        )
