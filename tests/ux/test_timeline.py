"""A project's timeline (aipdash/portfolio/timeline.py, on its page): announced, each stage change
from
the audit trail (old → new, date, by whom), phases online (actual or planned), commitments to
the project (date, partner, amount), oldest first, as an ordered list."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from aipdash.portfolio import timeline
from projects.models import Project
from tests.factories import CommitmentFactory, PartnerFactory, ProjectFactory, ProjectPhaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(editor):
    project = ProjectFactory(
        name="Timeline campus", stage="announced", announced_on=dt.date(2024, 3, 1)
    )
    ProjectPhaseFactory(
        project=project,
        sequence=1,
        stage="operational",
        expected_online=dt.date(2025, 6, 30),
        capacity_mw=Decimal("40"),
    )
    ProjectPhaseFactory(
        project=project,
        sequence=2,
        stage="construction",
        expected_online=dt.date(2028, 1, 31),
        capacity_mw=Decimal("60"),
    )
    partner = PartnerFactory(name="Timeline Partner")
    CommitmentFactory(
        project=project,
        partner=partner,
        amount_usd=Decimal("250000000"),
        committed_on=dt.date(2024, 9, 1),
    )
    for stage in ("development", "development", "construction"):  # the second is no move
        project.stage = stage
        project._history_user = editor
        project.save()
    return project


def test_the_events_in_order(project):
    events = timeline.events(project)
    # The stage changes are dated today (when they were saved): between phase 1 and phase 2.
    assert [e.kind for e in events] == [
        "announced",
        "commitment",
        "phase",
        "stage",
        "stage",
        "phase",
    ]
    by_kind = {}
    for event in events:
        by_kind.setdefault(event.kind, []).append(event)
    assert by_kind["announced"][0].date == dt.date(2024, 3, 1)
    assert [e.title for e in by_kind["stage"]] == [
        "Stage: Announced → Development",
        "Stage: Development → Construction",
    ]
    assert {e.date for e in by_kind["stage"]} == {timezone.localdate()}
    assert {e.who for e in by_kind["stage"]} == {"editor"}
    phase1, phase2 = by_kind["phase"]
    assert (phase1.title, phase1.planned, phase1.capacity_mw) == (
        "Phase 1 online",
        False,
        Decimal("40"),
    )
    assert (phase2.title, phase2.planned) == ("Phase 2 planned online", True)
    (commitment,) = by_kind["commitment"]
    assert commitment.amount_usd == Decimal("250000000")
    assert commitment.title == "Timeline Partner commitment"
    assert [e.date for e in events] == sorted(e.date for e in events)


def test_the_page_shows_the_timeline_as_an_ordered_list(viewer_client, project):
    html = viewer_client.get(project.get_absolute_url()).text
    section = html.split('id="project-timeline"')[1].split("</ol>")[0]
    items = re.findall(r"<li class=\"timeline__event timeline__event--(\w+)", section)
    assert items[0] == "announced"
    assert sorted(items) == sorted(["announced", "commitment", "phase", "phase", "stage", "stage"])
    assert '<time class="timeline__date" datetime="2024-03-01">1 Mar 2024</time>' in section
    assert "Development → Construction" in section
    assert "$250m" in section and "Timeline Partner commitment" in section
    assert "Planned" in section
    dates = re.findall(r'datetime="(\d{4}-\d\d-\d\d)"', section)
    assert dates == sorted(dates)


def test_a_demo_project_has_its_history(viewer_client):
    call_command("load_demo", verbosity=0)
    project = Project.objects.get(slug="aligned-dallas-02")
    events = timeline.events(project)
    assert events[0].kind == "announced"
    assert any(e.kind == "phase" and not e.planned for e in events)
