from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The dashboard owns no model; it is an app for its template tags (printing) and to wire
    its fast path to the auth signals once the app registry is ready."""

    name = "aipdash.dashboard"
    label = "dashboard"

    def ready(self) -> None:
        # Imported here: the fast path reads the blocks and their models, ready only now.
        from aipdash.dashboard import fastpath  # noqa: PLC0415

        # Who may see what: every change voids the passes of the chart fast path.
        fastpath.connect_signals()
