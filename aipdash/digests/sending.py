"""Mails recorded before they are sent, so a crash never sends one twice and never loses one
that was not handed over.

1. `record()`: the whole message (its bytes, with its own Message-ID) is written as a
   `SentMail` in state "queued", in the same transaction as what the mail moves on (the
   subscription's next window). Unique per (user, kind, period): a second worker gets an
   IntegrityError and sends nothing.
2. `deliver()`: the SMTP connection is opened first (a server away leaves the mail queued);
   then a conditional UPDATE queued → "sending" claims it (only one worker wins); then the
   stored bytes go to SMTP; then "sent".
3. On retry (`retry_unsent()`, run by the scheduler every minute): a "queued" mail is sent (it
   was never handed over: a crash before sending sends on retry); a "sending" mail is never
   sent again: after SENDING_GRACE it is marked sent with a note that its worker stopped during
   the SMTP conversation (it may have reached the server: at most once, never twice).

The only mail that can be lost is one whose worker was killed inside the SMTP conversation
itself, a window of milliseconds; the record says so.
"""

import datetime as dt
import email
import email.policy
import logging
import smtplib
from email.message import Message
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from aipdash.digests.access import ViewClosed, check_at_send
from aipdash.digests.models import SentMail

logger = logging.getLogger("aipdash.digests")

SENDING_GRACE = dt.timedelta(minutes=10)
SENT_UNCONFIRMED = (
    "Its worker stopped while handing it to the mail server; it is not sent again, so that it "
    "is never sent twice."
)


class Recorded(EmailMessage):
    """A recorded mail, sent as its stored bytes (what was recorded is what is sent)."""

    def __init__(self, mail: SentMail, to: str) -> None:
        super().__init__(from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
        self.raw = bytes(mail.message)

    def message(self, *, policy: Any = email.policy.default) -> Message:  # type: ignore[override]
        return email.message_from_bytes(self.raw, policy=policy)


def record(
    *, user: Any, kind: str, period: str, message: EmailMessage, subscription: Any = None
) -> SentMail | None:
    """Write the mail as queued (inside the caller's transaction); None when this user's mail
    of this kind and period is already recorded."""
    built = message.message()
    try:
        with transaction.atomic():
            return SentMail.objects.create(
                user=user,
                subscription=subscription,
                kind=kind,
                period=period,
                message_id=str(built["Message-ID"]),
                subject=str(message.subject)[:255],
                message=built.as_bytes(policy=email.policy.SMTP),
            )
    except IntegrityError:
        return None


def open_connection() -> BaseEmailBackend:
    connection: BaseEmailBackend = mailers.default
    connection.open()
    return connection


def mark_sent(mail: SentMail) -> None:
    SentMail.objects.filter(pk=mail.pk, state=SentMail.State.SENDING).update(
        state=SentMail.State.SENT, sent_at=timezone.now(), error=""
    )


def _refused(mail: SentMail, error: str) -> None:
    """The server refused or was away: nothing was handed over; queued again, or failed."""
    attempts = SentMail.objects.filter(pk=mail.pk).values_list("attempts", flat=True).first() or 0
    state = (
        SentMail.State.FAILED if attempts >= settings.DIGEST_MAX_ATTEMPTS else SentMail.State.QUEUED
    )
    SentMail.objects.filter(pk=mail.pk).update(state=state, error=error[:500])
    logger.warning("mail %s to user %s not sent (%s): %s", mail.pk, mail.user_id, state, error)


def still_allowed(mail: SentMail) -> bool:
    """A digest's view checked again at send time; a closed view fails the mail unsent."""
    subscription = mail.subscription
    if mail.kind != SentMail.Kind.DIGEST or subscription is None:
        return True
    try:
        check_at_send(subscription.user, subscription.query)
    except ViewClosed as closed:
        SentMail.objects.filter(pk=mail.pk, state=SentMail.State.QUEUED).update(
            state=SentMail.State.FAILED, error=str(closed)[:500]
        )
        return False
    return True


def deliver(mail: SentMail) -> bool:
    """Send a queued mail once (see the module's docstring); whether it was sent now."""
    if not still_allowed(mail):
        return False
    try:
        connection = open_connection()
    except (OSError, smtplib.SMTPException) as error:
        SentMail.objects.filter(pk=mail.pk).update(attempts=F("attempts") + 1)
        _refused(mail, f"The mail server could not be reached: {error}")
        return False
    try:
        claimed = SentMail.objects.filter(pk=mail.pk, state=SentMail.State.QUEUED).update(
            state=SentMail.State.SENDING, sending_at=timezone.now(), attempts=F("attempts") + 1
        )
        if not claimed:
            return False  # another worker has it, or it was sent
        to = mail.user.email
        try:
            connection.send_messages([Recorded(mail, to)])
        except (OSError, smtplib.SMTPException) as error:
            _refused(mail, f"The mail server refused it: {error}")
            return False
        mark_sent(mail)
    finally:
        connection.close()
    logger.info("mail %s (%s) sent to user %s", mail.message_id, mail.kind, mail.user_id)
    return True


def retry_unsent(now: dt.datetime | None = None) -> int:
    """Send the queued mails again; resolve the ones left "sending" (see the docstring)."""
    now = now or timezone.now()
    SentMail.objects.filter(
        state=SentMail.State.SENDING, sending_at__lt=now - SENDING_GRACE
    ).update(state=SentMail.State.SENT, sent_at=now, error=SENT_UNCONFIRMED)
    sent = 0
    for mail in (
        SentMail.objects.filter(state=SentMail.State.QUEUED)
        .select_related("user", "subscription__user")
        .order_by("created_at")[:200]
    ):
        sent += deliver(mail)
    return sent
