"""The ground floor's one model: the auth version (aipdash/core/cache/authversion.py)."""

from django.db import models


class AuthVersion(models.Model):
    """One row: a random token that database triggers replace on every write to users, groups,
    permissions and their memberships, whatever makes it (aipdash/core/cache/authversion.py)."""

    id = models.SmallIntegerField(primary_key=True, default=1)
    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token
