"""'Since your last visit' (aipdash/audit/changes.py): the dashboard's panel of what the audit trail
recorded after the reader's previous visit: counts of records added, changed and deleted, stage
moves, the latest changes with links; nothing on a first visit or on a shared view."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aipdash.audit import changes
from aipdash.audit.models import LastSeen
from aipdash.dashboard.filters import DashboardFilters
from aipdash.sharing import services
from projects.models import Project
from tests.factories import CommitmentFactory, PartnerFactory, ProjectFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "/"


def visit(user):
    """A new session of `user` opening the dashboard."""
    client = Client()
    client.force_login(user)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    return client, response


def set_stage(project, stage, user):
    project.stage = stage
    project._history_user = user
    project.save()


def panel(html):
    if 'id="changes-panel"' not in html:
        return None
    return html.split('id="changes-panel"')[1].split("</details>")[0]


@pytest.fixture
def before(editor):
    """Records that exist before the reader's first visit."""
    partner = PartnerFactory(name="Old Partner", slug="old-partner")
    moving = ProjectFactory(name="Moving campus", slug="moving", stage="development")
    doomed = ProjectFactory(name="Doomed campus", slug="doomed")
    return partner, moving, doomed


def test_a_first_visit_shows_no_panel_and_starts_the_record(viewer, before):
    assert not LastSeen.objects.filter(user=viewer).exists()
    _, response = visit(viewer)
    assert panel(response.text) is None
    seen = LastSeen.objects.get(user=viewer).seen_at
    assert abs(timezone.now() - seen) < dt.timedelta(seconds=30)


def test_the_next_visit_lists_what_changed_since_the_previous_one(viewer, editor, before):
    partner, moving, doomed = before
    visit(viewer)
    first_seen = LastSeen.objects.get(user=viewer).seen_at
    # What happens between the visits: one project added, one moved on, one deleted, one
    # commitment added (a stage move is also a change of the project).
    added = ProjectFactory(name="New campus", slug="new-campus")
    set_stage(moving, "construction", editor)
    doomed.delete()
    CommitmentFactory(partner=partner, project=added)

    client, response = visit(viewer)
    html = panel(response.text)
    assert html is not None
    assert "2 added, 1 changed, 1 deleted, 1 stage move" in html
    assert 'href="/projects/moving/">Moving campus</a>: Development → Construction' in html
    assert "by editor" in html
    assert 'href="/projects/new-campus/">New campus</a>' in html
    assert "Doomed campus" in html and 'href="/projects/doomed/"' not in html  # gone: no link
    assert f'datetime="{first_seen.isoformat()}' in html
    # The visit moved on: LastSeen is now this visit; the panel stays for this session...
    assert LastSeen.objects.get(user=viewer).seen_at > first_seen
    assert "2 added, 1 changed" in panel(client.get(DASHBOARD).text)
    # ...and the next session starts from here: nothing new, no panel.
    _, later = visit(viewer)
    assert panel(later.text) is None


def test_the_lists_are_bounded_and_the_queries_do_not_grow(viewer, before):
    visit(viewer)
    since = LastSeen.objects.get(user=viewer).seen_at

    def queries():
        with CaptureQueriesContext(connection) as captured:
            result = changes.summary(since)
        return result, len(captured)

    ProjectFactory()
    few, small = queries()
    ProjectFactory.create_batch(30)
    many, large = queries()
    assert few.added == 1 and many.added == 31
    assert len(many.recent) == changes.LIST_LIMIT
    assert many.more == 31 - changes.LIST_LIMIT
    assert large == small


def test_no_panel_on_a_shared_view(viewer, before):
    visit(viewer)
    ProjectFactory()
    link = services.create(
        user=viewer,
        label="Board",
        filters=DashboardFilters(stage=("construction",)),
        open_filters=[],
        days=5,
    )
    html = Client().get(reverse("shared", args=[link.token])).text
    assert 'id="changes-panel"' not in html


def test_an_htmx_partial_neither_shows_nor_moves_the_visit(viewer_client, viewer, before):
    viewer_client.get(DASHBOARD)
    seen = LastSeen.objects.get(user=viewer).seen_at
    response = viewer_client.get(
        DASHBOARD, {"stage": "construction"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert 'id="changes-panel"' not in response.text
    assert LastSeen.objects.get(user=viewer).seen_at == seen
    assert Project.objects.count() == 2
