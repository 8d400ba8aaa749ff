from django.apps import AppConfig


class SharingConfig(AppConfig):
    """Shared links: services, forms, admin and the prune command. Its model ShareLink keeps the
    app label "aipdash" (see models.py), so that the admin's URLs stay the same."""

    name = "aipdash.sharing"
    label = "sharing"
    verbose_name = "Shared links"
