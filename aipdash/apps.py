from django.apps import AppConfig


class AipdashConfig(AppConfig):
    name = "aipdash"
    verbose_name = "AIP Dashboard"
