"""The registry is the one list of portfolio models: backup, "what changed", the groups'
grants and the data version all follow it."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from aipdash.audit import changes
from aipdash.core.cache import versions
from aipdash.operations import backup
from aipdash.records import registry
from tests.factories import PartnerFactory


def test_every_reader_follows_the_registry():
    models = registry.portfolio_models()
    assert [kind.model for kind in backup.KINDS] == models
    assert [apps.get_model(label) for label in changes.TRACKED] == models
    assert registry.by_app() == {
        "partners": ["partner"],
        "projects": [m._meta.model_name for m in models if m._meta.app_label == "projects"],
    }


@pytest.mark.django_db
def test_the_groups_may_view_every_portfolio_model(groups):
    # `groups`: the data migration's groups, again; a transactional test run before this one in
    # the same process (pytest-xdist runs modules whole) leaves the tables flushed.
    viewer = set(Group.objects.get(name="viewer").permissions.values_list("codename", flat=True))
    for model in registry.portfolio_models():
        assert f"view_{model._meta.model_name}" in viewer


@pytest.mark.django_db(transaction=True)
def test_a_portfolio_write_replaces_the_data_version():
    before = versions.data_version()
    partner = PartnerFactory()
    after_save = versions.data_version()
    assert after_save != before
    partner.delete()
    assert versions.data_version() != after_save
