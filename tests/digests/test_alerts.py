"""Alerts: enqueued when the write commits, mailed by the worker's task, grouped per user,
only for the records of the subscriber's view and only what they picked."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from aipdash.digests import alerts
from aipdash.digests.models import AlertCursor, SentMail
from tests.digests.conftest import backdate, html_part, run_tasks, setup_committed, text_part
from tests.factories import CommitmentFactory, PartnerFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def before():
    """A moment before the test's writes, when the subscriptions were made."""
    return timezone.now() - dt.timedelta(hours=1)


def test_an_alert_arrives_after_a_stage_change(
    smtp, subscribe, before, django_capture_on_commit_callbacks
):
    project = ProjectFactory(name="Abilene", stage="development")
    backdate(project, before - dt.timedelta(days=1))
    subscribe(query="country=US", alert_stage=True, frequency="never", created_at=before)
    setup_committed()
    with django_capture_on_commit_callbacks(execute=True):
        project.stage = "construction"
        project.save()
    assert DBTaskResult.objects.filter(task_path__endswith="scan_alerts").count() == 1
    assert run_tasks() == 1
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["Subject"] == "AIP alert: 1 change in your views"
    assert "- Stage changed: Abilene: Development → Construction" in text_part(message)
    assert "Abilene: Development → Construction" in html_part(message)
    assert SentMail.objects.get().kind == SentMail.Kind.ALERT


def test_one_write_of_many_rows_sends_one_mail_per_user(
    smtp, subscribe, before, django_capture_on_commit_callbacks
):
    projects = [ProjectFactory(stage="development") for _ in range(30)]
    for project in projects:
        backdate(project, before - dt.timedelta(days=1))
    subscribe(name="US", query="country=US", alert_stage=True, created_at=before)
    subscribe(name="All", query="", alert_stage=True, created_at=before)
    setup_committed()
    with django_capture_on_commit_callbacks(execute=True):
        for project in projects:  # one transaction, as an import
            project.stage = "construction"
            project.save()
    assert DBTaskResult.objects.count() == 1  # one task for the transaction
    run_tasks()
    assert len(smtp.messages) == 1
    text = text_part(smtp.messages[0])
    assert smtp.messages[0]["Subject"] == "AIP alert: 60 changes in your views"
    assert "US (https://aip.example.com/?country=US)" in text
    assert "All (https://aip.example.com/)" in text


def test_only_the_alerts_picked_and_only_in_the_view(smtp, subscribe, before):
    partner = PartnerFactory(slug="gip", short_name="GIP")
    here = ProjectFactory(name="Here", expected_online=dt.date(2027, 1, 1))
    there = ProjectFactory(name="There", country="NO", expected_online=dt.date(2027, 1, 1))
    old = CommitmentFactory(partner=partner, reference="C-1", status="announced")
    for record in (partner, here, there, old):
        backdate(record, before - dt.timedelta(days=1))
    subscribe(
        query="country=US",
        alert_slip=True,
        slip_months=3,
        alert_commitment=True,
        threshold_usd=Decimal("2000000000"),
        created_at=before,
    )
    here.expected_online = dt.date(2027, 6, 1)  # five months later
    here.stage = "operational"  # a stage change: not picked
    here.save()
    there.expected_online = dt.date(2028, 1, 1)  # not in the view
    there.save()
    old.status = "committed"
    old.save()
    CommitmentFactory(partner=partner, reference="C-2", amount_usd=Decimal("1500000000"))
    assert alerts.scan() == 1
    text = text_part(smtp.messages[0])
    found = sorted(line for line in text.splitlines() if line.startswith("- "))
    assert [line.split(" https://")[0] for line in found] == [
        "- Commitment added: C-2: GIP, $1.5bn to the partnership (Committed)",
        "- Commitment status changed: C-1: GIP, $1bn to the partnership: Announced → Committed",
        "- Committed total crossed $2bn: GIP: committed $0 rose to $2.5bn (USD; committed and "
        "called)",
        "- Online date slipped over 3 months: Here: expected online 01 Jan 2027 → 01 Jun 2027",
    ]
    # The window moved on: nothing is heard twice.
    assert alerts.scan() == 0
    assert AlertCursor.objects.get().scanned_until > before


def test_a_record_going_stale_is_named_once(smtp, subscribe, before, settings):
    project = ProjectFactory(name="Old figures", as_of=dt.date.today() - dt.timedelta(days=100))
    backdate(project, before - dt.timedelta(days=1))
    subscribe(alert_stale=True, created_at=before)
    assert alerts.scan() == 0
    settings.STALE_AFTER_DAYS = 30  # time passes: its figures are now too old
    assert alerts.scan() == 1
    assert "- Record went stale: Project Old figures" in text_part(smtp.messages[0])
    assert alerts.scan() == 0


def _scan_queries(subscribe, before, changed):
    projects = [ProjectFactory(stage="development") for _ in range(changed)]
    for project in projects:
        backdate(project, before - dt.timedelta(days=1))
    AlertCursor.objects.update_or_create(pk=1, defaults={"scanned_until": before})
    for project in projects:
        project.stage = "construction"
        project.save()
    with CaptureQueriesContext(connection) as queries:
        assert alerts.scan() == 1
    return len(queries)


def test_a_scan_costs_no_more_queries_for_30_changes_than_for_3(smtp, subscribe, before):
    subscribe(alert_stage=True, alert_commitment=True, created_at=before)
    few = _scan_queries(subscribe, before, 3)
    many = _scan_queries(subscribe, before, 30)
    assert many <= few
