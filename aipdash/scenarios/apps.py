from django.apps import AppConfig


class ScenariosConfig(AppConfig):
    name = "aipdash.scenarios"
    label = "scenarios"
    verbose_name = "Scenarios"
