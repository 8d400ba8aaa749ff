"""A view the user may no longer open is never mailed: permissions are checked again at send
time (a role taken away, a partner gone from the filters, a scenario made private), and an
unsubscribe link works without login and is refused when tampered with."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from aipdash.digests import alerts, schedule
from aipdash.digests.models import SentMail, Subscription
from aipdash.digests.tokens import unsubscribe_token
from aipdash.scenarios.models import Scenario
from tests.digests.conftest import backdate, text_part
from tests.factories import PartnerFactory, ProjectFactory, ScenarioFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now()


def _due(subscribe, now, **fields):
    return subscribe(hour=now.hour, created_at=now - dt.timedelta(days=2), **fields)


def test_a_user_who_lost_their_role_is_not_mailed(smtp, subscribe, subscriber, now):
    sub = _due(subscribe, now)
    subscriber.groups.clear()
    assert schedule.run(now + dt.timedelta(minutes=1)) == 0
    assert smtp.messages == [] and not SentMail.objects.exists()
    sub.refresh_from_db()
    assert "no longer have a role" in sub.paused_reason


def test_a_partner_gone_from_the_filters_closes_the_view(smtp, subscribe, now):
    partner = PartnerFactory(slug="gone")
    sub = _due(subscribe, now, query="partner=gone")
    partner.delete()
    assert schedule.run(now + dt.timedelta(minutes=1)) == 0
    assert smtp.messages == []
    sub.refresh_from_db()
    assert "Unknown partner" in sub.paused_reason


def test_a_scenario_made_private_by_its_owner_is_never_mailed(smtp, subscribe, now):
    owner = User.objects.create_user("owner")
    scenario = ScenarioFactory(slug="slow", owner=owner)
    sub = _due(subscribe, now, query="scenario=slow")
    scenario.visibility = Scenario.Visibility.PRIVATE
    scenario.save()
    assert schedule.run(now + dt.timedelta(minutes=1)) == 0
    assert smtp.messages == []
    sub.refresh_from_db()
    assert "No scenario “slow” that you may see" in sub.paused_reason


def test_a_scenario_shared_with_everyone_is_named_in_the_digest(smtp, subscribe, now):
    ScenarioFactory(slug="slow", name="Slow build")
    _due(subscribe, now, query="scenario=slow")
    assert schedule.run(now + dt.timedelta(minutes=1)) == 1
    assert "Scenario: Slow build" in text_part(smtp.messages[0])


def test_a_recorded_mail_is_not_sent_once_the_view_closed(smtp, subscribe, subscriber, now):
    sub = _due(subscribe, now)
    ((_, slot),) = schedule.due(now)
    mail = schedule.prepare(sub, slot)  # recorded while allowed, then the worker stopped
    subscriber.groups.clear()
    assert schedule.run(now + dt.timedelta(minutes=1)) == 0
    assert smtp.messages == []
    mail.refresh_from_db()
    assert mail.state == SentMail.State.FAILED


def test_alerts_of_a_view_closed_are_not_mailed(smtp, subscribe, subscriber):
    before = timezone.now() - dt.timedelta(hours=1)
    project = ProjectFactory(stage="development")
    backdate(project, before - dt.timedelta(days=1))
    subscribe(alert_stage=True, created_at=before)
    subscriber.groups.set([Group.objects.get(name="viewer")])
    subscriber.is_active = False
    subscriber.save()
    project.stage = "construction"
    project.save()
    assert alerts.scan() == 0
    assert smtp.messages == []


def test_unsubscribe_works_without_login_from_the_mail(client, smtp, subscribe, now):
    sub = _due(subscribe, now)
    schedule.run(now + dt.timedelta(minutes=1))
    link = smtp.messages[0]["List-Unsubscribe"].strip("<>")
    path = link.removeprefix("https://aip.example.com")
    page = client.get(path)
    assert page.status_code == 200
    assert "Unsubscribe from “My view”?" in page.content.decode()
    assert Subscription.objects.get(pk=sub.pk).active  # a GET (a link scanner) changes nothing
    done = client.post(path)  # the page's button, or the mail client's one-click POST
    assert done.status_code == 200
    sub.refresh_from_db()
    assert not sub.active and sub.paused_reason == "Unsubscribed from a mail."
    assert schedule.run(now + dt.timedelta(days=1, minutes=1)) == 0
    assert len(smtp.messages) == 1


@pytest.mark.parametrize("tamper", ["signature", "subscription", "old link"])
def test_a_tampered_unsubscribe_link_is_refused(client, subscribe, tamper):
    sub = subscribe()
    other = subscribe(name="Other")
    token = unsubscribe_token(sub)
    if tamper == "signature":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif tamper == "subscription":
        token = unsubscribe_token(other).split(":")[0] + ":" + token.split(":", 1)[1]
    else:
        Subscription.objects.filter(pk=sub.pk).update(token="a-new-token")
    for method in (client.get, client.post):
        response = method(f"/unsubscribe/{token}/")
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.content.decode()
    assert Subscription.objects.filter(active=True).count() == 2
