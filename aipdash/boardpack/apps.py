from django.apps import AppConfig


class BoardPackConfig(AppConfig):
    name = "aipdash.boardpack"
    label = "boardpack"
    verbose_name = "Board packs"

    def ready(self) -> None:
        # Registers the job kinds (the board pack, the large exports) once the models are loaded.
        from aipdash.boardpack import exports, jobs  # noqa: F401, PLC0415
