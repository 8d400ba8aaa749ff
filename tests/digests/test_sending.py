"""Sent mail is recorded before it is sent: a crash after the SMTP server took the mail never
sends it twice; a crash before sends it on the next run; a server away leaves it queued."""

import datetime as dt

import pytest
from django.utils import timezone

from aipdash.digests import schedule, sending
from aipdash.digests.models import SentMail

pytestmark = pytest.mark.django_db


class Crash(BaseException):
    """The worker dying at that line (nothing of ours catches it, as nothing survives a kill)."""


def crash(*args, **kwargs):
    raise Crash


@pytest.fixture
def due(subscribe):
    now = timezone.now()
    subscribe(hour=now.hour, created_at=now - dt.timedelta(days=2))
    return now + dt.timedelta(minutes=1)


def test_a_crash_between_sending_and_recording_never_sends_twice(smtp, due, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(sending, "mark_sent", crash)
        with pytest.raises(Crash):
            schedule.run(due)
    assert len(smtp.messages) == 1  # the server has it
    mail = SentMail.objects.get()
    assert mail.state == SentMail.State.SENDING
    # The next runs of the scheduler (another worker, the same one restarted):
    assert schedule.run(due + dt.timedelta(minutes=1)) == 0
    assert schedule.run(due + dt.timedelta(minutes=30)) == 0
    assert len(smtp.messages) == 1
    mail.refresh_from_db()
    assert mail.state == SentMail.State.SENT
    assert mail.error == sending.SENT_UNCONFIRMED
    assert smtp.messages[0]["Message-ID"] == mail.message_id


def test_a_crash_before_sending_sends_on_the_next_run(smtp, due, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(sending, "open_connection", crash)
        with pytest.raises(Crash):
            schedule.run(due)
    assert smtp.messages == []
    mail = SentMail.objects.get()
    assert mail.state == SentMail.State.QUEUED
    assert schedule.run(due + dt.timedelta(minutes=1)) == 1
    assert len(smtp.messages) == 1
    assert schedule.run(due + dt.timedelta(minutes=2)) == 0
    assert len(smtp.messages) == 1
    mail.refresh_from_db()
    assert mail.state == SentMail.State.SENT
    assert smtp.messages[0]["Message-ID"] == mail.message_id  # the recorded message itself


def test_a_mail_server_away_leaves_the_mail_queued_then_sends_it(smtp, due, settings):
    options = settings.MAILERS["default"]["OPTIONS"]
    settings.MAILERS = {
        "default": {**settings.MAILERS["default"], "OPTIONS": {**options, "port": 1}}
    }
    assert schedule.run(due) == 0
    mail = SentMail.objects.get()
    assert mail.state == SentMail.State.QUEUED
    assert "could not be reached" in mail.error
    settings.MAILERS = {"default": {**settings.MAILERS["default"], "OPTIONS": options}}
    assert schedule.run(due + dt.timedelta(minutes=1)) == 1
    assert len(smtp.messages) == 1


def test_two_schedulers_record_one_digest(smtp, due, subscriber):
    sub = subscriber.subscriptions.get()
    ((_, slot),) = schedule.due(due)
    first = schedule.prepare(sub, slot)
    second = schedule.prepare(sub, slot)  # a second worker at the same minute
    assert first is not None and second is None
    assert SentMail.objects.count() == 1


def test_by_default_mails_are_printed_to_the_log(subscribe, settings, capsys):
    """EMAIL_URL's default (make run): the console backend prints the mail for a developer."""
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    now = timezone.now()
    subscribe(name="Printed", hour=now.hour, created_at=now - dt.timedelta(days=2))
    assert schedule.run(now + dt.timedelta(minutes=1)) == 1
    printed = capsys.readouterr().out
    assert "Subject: AIP daily digest: Printed" in printed
    assert SentMail.objects.get().state == SentMail.State.SENT
