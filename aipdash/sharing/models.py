"""A shared link (see services.py for how links are made, opened and revoked)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ShareLink(models.Model):
    """A read-only view of the dashboard for people without a login.

    The token is never stored: only its SHA-256 hash, looked up on each visit. `filters` is the
    captured view (the canonical filters, keys on the allowlist only), and `scenario` a copy of
    the scenario it was under (AppliedScenario.to_json), if any; `open_filters` lists the
    filters the viewer may still narrow within it. A FROZEN link (`frozen_at` set, the moment it
    was made) shows the portfolio as it stood then, forever: a board pre-read that does not move
    under its reader (docs/as-of.md says how the shared page reads it).
    """

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_hint = models.CharField(
        max_length=8, editable=False, help_text="The token's first characters, to tell links apart."
    )
    label = models.CharField(max_length=120)
    filters = models.JSONField(
        # Blank: the whole portfolio, the dashboard without filters, is a view too.
        default=dict,
        blank=True,
        help_text="The captured view (canonical filters).",
    )
    open_filters = models.JSONField(
        default=list, blank=True, help_text="Filters the viewer may narrow within the view."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="share_links"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    frozen_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Frozen: the link shows the portfolio as it stood at this moment (when the "
        "link was made), not as it is. Empty: the link shows the portfolio as it is.",
    )
    scenario = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="The scenario the view was under, copied when the link was made (its name, "
        "owner, assumptions and their basis): later changes to the scenario do not change "
        "what the link shows. Empty: the recorded portfolio.",
    )
    view_count = models.PositiveIntegerField(default=0)
    last_viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Still the model of the app "aipdash" (aipdash/core), whose migrations keep it: its admin
        # pages (/admin/aipdash/sharelink/), content type and permission names stay as they were.
        app_label = "aipdash"
        ordering = ["-created_at"]
        permissions = [("manage_all_sharelinks", "Can see and revoke everyone's shared links")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="sharelink_expires_after_creation",
            ),
            # Frozen at a moment it had seen: a link frozen ahead would move until then.
            models.CheckConstraint(
                condition=Q(frozen_at__isnull=True) | Q(frozen_at__lte=models.F("created_at")),
                name="sharelink_frozen_by_its_creation",
            ),
        ]
        indexes = [models.Index(fields=["expires_at"], name="sharelink_expires")]

    def __str__(self) -> str:
        return f"{self.label} ({self.token_hint}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    @property
    def is_active(self) -> bool:
        return not self.is_revoked and not self.is_expired

    @property
    def scenario_name(self) -> str:
        return str(self.scenario["name"]) if self.scenario else ""
