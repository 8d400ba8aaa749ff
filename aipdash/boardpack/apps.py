from django.apps import AppConfig


class BoardPackConfig(AppConfig):
    name = "aipdash.boardpack"
    label = "boardpack"
    verbose_name = "Board packs"

    def ready(self) -> None:
        # Registers the board pack's job kind once the models are loaded.
        from aipdash.boardpack import jobs  # noqa: F401, PLC0415
