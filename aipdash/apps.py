from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_save


class AipdashConfig(AppConfig):
    name = "aipdash"
    verbose_name = "AIP Dashboard"

    def ready(self):
        from aipdash import fastpath
        from aipdash.datacache import on_portfolio_write
        from aipdash.roles import PORTFOLIO_MODELS

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
