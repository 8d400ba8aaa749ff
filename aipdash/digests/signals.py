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
MARK = "digests_scan_mark"  # on the connection: where this transaction's scan was registered


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
    """Whether this transaction's callbacks already hold the scan. O(1): an import's
    transaction holds a callback per row (the data version's), so the list is not searched;
    the mark is the list and the place of ours in it (a savepoint's rollback makes a new list:
    the scan is then registered again, and a second task finds nothing to mail)."""
    mark = getattr(connection, MARK, None)
    hooks = connection.run_on_commit
    return (
        mark is not None
        and mark[0] is hooks
        and len(hooks) > mark[1]
        and hooks[mark[1]][1] is enqueue_scan
    )


def written(sender: Any, **kwargs: Any) -> None:
    """After a watched row is saved or deleted: the scan, once, when the write commits."""
    if kwargs.get("raw"):
        return  # loading fixtures
    if connection.in_atomic_block and _pending():
        return
    transaction.on_commit(enqueue_scan)
    if connection.in_atomic_block:
        setattr(connection, MARK, (connection.run_on_commit, len(connection.run_on_commit) - 1))


for model in WATCHED:
    receiver(post_save, sender=model, dispatch_uid=f"digests-alerts-save-{model.__name__}")(written)
    receiver(post_delete, sender=model, dispatch_uid=f"digests-alerts-delete-{model.__name__}")(
        written
    )
