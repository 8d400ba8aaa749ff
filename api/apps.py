from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self):
        # drf-spectacular finds the token authentication's OpenAPI description on import.
        from api import schema  # noqa: F401
