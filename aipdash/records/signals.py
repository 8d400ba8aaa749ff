"""Every receiver of the records kernel, each with what it is for (connected by apps.py).

A write to any portfolio model (registry.py), through the admin, an import, a command or the
shell, replaces the data version once its transaction commits, so no cached chart outlives it
(aipdash/core/cache/versions.py). Writes that bypass the ORM's save and delete (a queryset's
update(), raw SQL) must bump the version themselves.
"""

from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from aipdash.core.cache.versions import bump_data_version
from aipdash.records.registry import is_portfolio_model


@receiver(post_save, dispatch_uid="records-portfolio-saved")
def portfolio_row_saved(sender: type[Model], **kwargs: Any) -> None:
    """A portfolio row was added or changed: every cached chart is out of date."""
    if is_portfolio_model(sender):
        bump_data_version()


@receiver(post_delete, dispatch_uid="records-portfolio-deleted")
def portfolio_row_deleted(sender: type[Model], **kwargs: Any) -> None:
    """A portfolio row was deleted: every cached chart is out of date."""
    if is_portfolio_model(sender):
        bump_data_version()
