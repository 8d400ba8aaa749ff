"""A real SMTP server (aiosmtpd) that receives the tests' mail, and the settings that send
to it; a subscriber with an address; helpers to date history rows in the past."""

import datetime as dt
import email
import email.policy
import socket
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth.models import Group, User
from django.db import connection
from django.utils import timezone

from aipdash.digests.models import Subscription
from tests.io.conftest import run_jobs


class Inbox:
    """What the SMTP server received: each message parsed, with its envelope."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append(message)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        self.messages.clear()
        self.envelopes.clear()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 10},
        }
    }
    settings.SITE_URL = "https://aip.example.com"
    yield inbox
    controller.stop()


@pytest.fixture
def subscriber(db, groups):
    user = User.objects.create_user("ana", email="ana@example.com", password="ana-pass-1234")
    user.groups.add(Group.objects.get(name="viewer"))
    return user


@pytest.fixture
def subscribe(subscriber):
    def make(query="", user=None, **fields):
        defaults = {"name": "My view", "frequency": "daily", "hour": 8, "time_zone": "UTC"}
        return Subscription.objects.create(
            user=user or subscriber, query=query, **{**defaults, **fields}
        )

    return make


def backdate(record, moment: dt.datetime) -> None:
    """Every history row of `record` written so far, dated `moment` (as if made then)."""
    record.history.all().update(history_date=moment)


def setup_committed() -> None:
    """The test's setup taken as committed before the write under test: its pending on-commit
    callbacks dropped (the test's transaction never commits, and the alerts' receiver enqueues
    once per transaction, seeing the setup's callback as its own)."""
    connection.run_on_commit = []


def html_part(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def text_part(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def run_tasks() -> int:
    """Run the queued tasks as a worker does, in this process (tests/io/conftest.py)."""
    return run_jobs()


def tomorrow() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _no_board_pack_unless_asked(settings):
    """A digest's board pack starts Chromium (seconds): only the tests about it make one."""
    settings.DIGEST_BOARD_PACK = False
