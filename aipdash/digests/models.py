"""A user's subscription to a saved view (its digest and its alerts), and every mail sent.

`SentMail` is the record that makes sending safe to retry: it is written (state "queued",
with the whole message and its Message-ID) before anything is sent, moved to "sending" by a
conditional UPDATE just before the SMTP conversation, and to "sent" after it
(aipdash/digests/sending.py says what a retry does in each state).
"""

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

HOURS = [(h, f"{h:02d}:00") for h in range(24)]
WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]
SLIP_MONTHS_MAX = 120
THRESHOLD_MAX_USD = 10**13  # $10 trillion: anything above is a unit slip


def new_token() -> str:
    return secrets.token_urlsafe(16)


class Subscription(models.Model):
    """A saved view (the dashboard's query string) mailed to its owner as a digest, with the
    alerts they picked for the records in that view."""

    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"
        NEVER = "never", "No digest (alerts only)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    name = models.CharField(max_length=120)
    # The view: the dashboard's canonical query string (no "?"), checked by its filter parsing.
    query = models.CharField(max_length=2048, blank=True)
    frequency = models.CharField(max_length=8, choices=Frequency.choices, default=Frequency.WEEKLY)
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS, default=0)  # weekly only
    hour = models.PositiveSmallIntegerField(choices=HOURS, default=8)  # in `time_zone`
    time_zone = models.CharField(max_length=64, default="UTC")
    alert_stage = models.BooleanField("a project's stage changes", default=False)
    alert_slip = models.BooleanField("a project's expected online date slips", default=False)
    slip_months = models.PositiveSmallIntegerField(default=3)
    alert_commitment = models.BooleanField(
        "a commitment is added or its status changes", default=False
    )
    alert_stale = models.BooleanField("a record goes stale", default=False)
    threshold_usd = models.DecimalField(
        "a partner's committed total crosses",
        max_digits=16,
        decimal_places=0,
        null=True,
        blank=True,
    )
    active = models.BooleanField(default=True)
    # Why it stopped being mailed, in words ("unsubscribed from a mail", "the view no longer
    # opens for you: ..."), shown on the Subscriptions page.
    paused_reason = models.CharField(max_length=300, blank=True)
    # The unsubscribe links carry it; a new one makes every earlier link void.
    token = models.CharField(max_length=32, default=new_token)
    created_at = models.DateTimeField(default=timezone.now)
    # The end of the window the last digest covered: the next digest starts there.
    digest_until = models.DateTimeField(null=True, blank=True)
    # The headline figures the last digest showed, to give the next one their change.
    last_figures = models.JSONField(default=dict, blank=True)
    # Records the stale alert already named (model label:id), so each is named once.
    stale_named = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hour__lte=23), name="subscription_hour_in_range"
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__lte=6), name="subscription_weekday_in_range"
            ),
            models.CheckConstraint(
                condition=models.Q(slip_months__gte=1, slip_months__lte=SLIP_MONTHS_MAX),
                name="subscription_slip_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @property
    def wants_alerts(self) -> bool:
        return bool(
            self.alert_stage
            or self.alert_slip
            or self.alert_commitment
            or self.alert_stale
            or self.threshold_usd is not None
        )

    def alert_names(self) -> list[str]:
        names = []
        if self.alert_stage:
            names.append("stage changes")
        if self.alert_slip:
            names.append(f"online date slips over {self.slip_months} months")
        if self.alert_commitment:
            names.append("commitments added or changing status")
        if self.alert_stale:
            names.append("records going stale")
        if self.threshold_usd is not None:
            names.append(f"a partner's committed total crossing ${self.threshold_usd:,.0f}")
        return names


class SentMail(models.Model):
    """One mail to one user: a digest of a subscription for a period, or an alert mail for a
    batch of changes. Unique per (user, kind, period), so two workers never both send it."""

    class Kind(models.TextChoices):
        DIGEST = "digest", "Digest"
        ALERT = "alert", "Alert"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"  # recorded, not handed to SMTP yet: a retry sends it
        SENDING = "sending", "Sending"  # handed to SMTP: a retry never sends it again
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"  # refused DIGEST_MAX_ATTEMPTS times

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.SET_NULL, null=True, blank=True, related_name="mails"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    # A digest: its subscription and window's end ("12:2026-12-07T08:00Z"); an alert: the
    # changes' batch ("2026-12-07T20:31:05.123Z").
    period = models.CharField(max_length=100)
    message_id = models.CharField(max_length=255, unique=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    subject = models.CharField(max_length=255)
    message = models.BinaryField()  # the whole message as sent (RFC 5322 bytes)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sending_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "period"], name="sentmail_once_per_period"
            ),
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="sentmail_state_idx")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.user} ({self.period}, {self.state})"


class AlertCursor(models.Model):
    """The one row that says up to when the portfolio's history has been read for alerts
    (aipdash/digests/alerts.py): each scan reads (scanned_until, now] under its lock."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    scanned_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"alerts read up to {self.scanned_until:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def start(cls) -> "AlertCursor":
        """The cursor; made on the first scan at the first alerting subscription's start, so
        the writes between it and the first scan are heard too."""
        first = (
            Subscription.objects.filter(active=True)
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        cursor, _ = cls.objects.get_or_create(
            pk=1, defaults={"scanned_until": min(first or timezone.now(), timezone.now())}
        )
        return cursor


def as_json_figure(value: Any) -> Any:
    """A headline value as JSON (Decimal as text, so no money is rounded)."""
    if value is None or isinstance(value, (int, float, str)):
        return value
    return str(value)
