"""From the migration state of main before issue 14 to the new layout: LastSeen moves from the
app "aipdash" to "audit" by state only (its table and content type row kept), ShareLink stays in
the app label "aipdash" (its code moved to aipdash/sharing/). Rows written at the old state
survive: every share link still opens with its old token, nothing is lost, and the groups keep
their grants."""

import datetime as dt
import hashlib
import secrets

import pytest
from django.apps import apps  # the registry of today's code: the new layout
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from aipdash.records.grants import ensure_groups
from tests.factories import PartnerFactory

# The leaves of main before the move (the apps not named here kept theirs).
OLD_LEAVES = {
    "aipdash": "0006_sharelink_whole_portfolio",
    "api": "0001_api_tokens",
    "partners": "0004_as_of_not_in_the_future",
    "projects": "0012_as_of_not_in_the_future",
}
NEW_APPS = ("audit",)  # apps that did not exist then


def _executor():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


def _old_targets(executor):
    leaves = dict(executor.loader.graph.leaf_nodes())
    targets = [(app, OLD_LEAVES.get(app, name)) for app, name in leaves.items()]
    targets = [(app, None if app in NEW_APPS else name) for app, name in targets]
    for app, name in OLD_LEAVES.items():
        assert (app, name) in targets  # still a migration of the graph
    return targets


def _grants(apps):
    Group = apps.get_model("auth", "Group")
    return {
        group.name: sorted(group.permissions.values_list("id", flat=True))
        for group in Group.objects.filter(name__in=["viewer", "editor"])
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rows_written_before_the_move_survive_it(client):
    executor = _executor()
    targets = _old_targets(executor)
    executor.migrate(targets)
    old = _executor().loader.project_state([t for t in targets if t[1]]).apps

    User = old.get_model("auth", "User")
    ShareLink = old.get_model("aipdash", "ShareLink")
    LastSeen = old.get_model("aipdash", "LastSeen")
    ApiToken = old.get_model("api", "ApiToken")
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")

    # The groups as the data migrations make them (a transactional test before this one may have
    # left the database without its rows; in a random order on PostgreSQL it did).
    ensure_groups(apps=old)
    now = timezone.now()
    user = User.objects.create(username="before-the-move", password="!")
    user.groups.add(old.get_model("auth", "Group").objects.get(name="viewer"))
    tokens = [secrets.token_urlsafe(32) for _ in range(3)]
    for n, token in enumerate(tokens):
        ShareLink.objects.create(
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            token_hint=token[:8],
            label=f"link {n}",
            filters={},
            open_filters=[],
            created_by=user,
            created_at=now,
            expires_at=now + dt.timedelta(days=7),
        )
    LastSeen.objects.create(user=user, seen_at=now - dt.timedelta(days=1))
    ApiToken.objects.create(
        owner=user, label="ci", token_hash=hashlib.sha256(b"api").hexdigest(), token_hint="api"
    )
    PartnerFactory()  # partners' tables are the same at both states: its history row too
    lastseen_type = ContentType.objects.get(app_label="aipdash", model="lastseen")
    lastseen_permissions = sorted(
        Permission.objects.filter(content_type=lastseen_type).values_list("id", flat=True)
    )
    grants_before = _grants(old)
    history_before = old.get_model("partners", "HistoricalPartner").objects.count()
    assert history_before >= 1

    executor = _executor()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert apps.get_model("aipdash", "ShareLink").objects.count() == len(tokens)
    assert apps.get_model("audit", "LastSeen").objects.get().user.username == "before-the-move"
    assert apps.get_model("api", "ApiToken").objects.count() == 1
    assert apps.get_model("partners", "HistoricalPartner").objects.count() == history_before
    moved = apps.get_model("contenttypes", "ContentType").objects.get(pk=lastseen_type.pk)
    assert (moved.app_label, moved.model) == ("audit", "lastseen")
    assert lastseen_permissions == sorted(
        apps.get_model("auth", "Permission")
        .objects.filter(content_type=moved)
        .values_list("id", flat=True)
    )
    assert _grants(apps) == grants_before
    for token in tokens:
        assert client.get(f"/s/{token}/").status_code == 200
