from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self):
        # drf-spectacular finds the token authentication's OpenAPI description on import (its
        # documented place: ready(), once the app registry is loaded).
        from api import schema  # noqa: F401, PLC0415
