"""When a user last opened the dashboard."""

from django.conf import settings
from django.db import models


class LastSeen(models.Model):
    """When a user last opened the dashboard: the dashboard's "Since your last visit" panel lists
    the portfolio's changes after it (aipdash/audit/changes.py)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    seen_at = models.DateTimeField()

    class Meta:
        db_table = "aipdash_lastseen"  # the table of its first app, kept (migrations 0001)
        verbose_name = "last visit"

    def __str__(self) -> str:
        return f"{self.user} at {self.seen_at:%Y-%m-%d %H:%M}"
