"""A portfolio write enqueues the alerts' task once its transaction commits, once per
transaction however many rows it wrote (an import of 2,000 rows: one task, one scan, one mail
per user), and only while someone has an alert to hear."""

from typing import Any

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from aipdash.digests.models import Subscription
from aipdash.digests.tasks import scan_alerts
from projects.models import Commitment, Participation, Project

WATCHED = (Project, Commitment, Participation)


def enqueue_scan() -> None:
    alerting = Subscription.objects.filter(active=True).exclude(
        alert_stage=False,
        alert_slip=False,
        alert_commitment=False,
        threshold_usd__isnull=True,
    )
    if alerting.exists():
        scan_alerts.enqueue()


def _pending() -> bool:
    return any(entry[1] is enqueue_scan for entry in connection.run_on_commit)


def written(sender: Any, **kwargs: Any) -> None:
    """After a watched row is saved or deleted: the scan, once, when the write commits."""
    if kwargs.get("raw"):
        return  # loading fixtures
    if connection.in_atomic_block and _pending():
        return
    transaction.on_commit(enqueue_scan)


for model in WATCHED:
    receiver(post_save, sender=model, dispatch_uid=f"digests-alerts-save-{model.__name__}")(written)
    receiver(post_delete, sender=model, dispatch_uid=f"digests-alerts-delete-{model.__name__}")(
        written
    )
