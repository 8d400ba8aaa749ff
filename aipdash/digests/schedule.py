"""When each digest is due, and the scheduler the worker runs every minute (`run`).

A subscription's slots are its hour (daily) or its weekday and hour (weekly) in its own time
zone. The scheduler sends the latest slot not yet covered (`Subscription.digest_until`), so a
worker that was down for three days sends one digest covering them, not three; a slot before
the subscription was made is never due.

Why a periodic chore of the worker rather than cron: the worker already runs chores (the
reaper, the pruning), `make run` starts it, production runs it as a service, and no host needs
a crontab kept in step with the app's releases. Any number of workers may run it: a digest is
recorded once (unique per user, kind and period) before it is sent (sending.py).
"""

import datetime as dt
import logging
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from aipdash.boardpack.pack import PackView, ViewUnavailable
from aipdash.boardpack.render import PackFailed, render_board_pack
from aipdash.digests import alerts, digest, mails, sending
from aipdash.digests.access import ViewClosed, check_at_send
from aipdash.digests.models import SentMail, Subscription

logger = logging.getLogger("aipdash.digests")


def zone_of(name: str) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def last_slot(sub: Subscription, now: dt.datetime) -> dt.datetime | None:
    """The latest moment at or before `now` that the subscription's digest is due."""
    if sub.frequency == Subscription.Frequency.NEVER:
        return None
    zone = zone_of(sub.time_zone)
    local = now.astimezone(zone)
    day = local.date()
    for _ in range(8):
        slot = dt.datetime.combine(day, dt.time(sub.hour), tzinfo=zone)
        weekly = sub.frequency == Subscription.Frequency.WEEKLY
        if slot <= now and (not weekly or day.weekday() == sub.weekday):
            return slot.astimezone(dt.UTC)
        day -= dt.timedelta(days=1)
    return None


def next_slot(sub: Subscription, now: dt.datetime) -> dt.datetime | None:
    """The next moment the digest is due (for the Subscriptions page)."""
    if sub.frequency == Subscription.Frequency.NEVER:
        return None
    zone = zone_of(sub.time_zone)
    day = now.astimezone(zone).date()
    for _ in range(9):
        slot = dt.datetime.combine(day, dt.time(sub.hour), tzinfo=zone)
        weekly = sub.frequency == Subscription.Frequency.WEEKLY
        if slot > now and (not weekly or day.weekday() == sub.weekday):
            return slot
        day += dt.timedelta(days=1)
    return None


def due(now: dt.datetime) -> list[tuple[Subscription, dt.datetime]]:
    out = []
    subs = Subscription.objects.filter(active=True).exclude(frequency=Subscription.Frequency.NEVER)
    for sub in subs.select_related("user"):
        slot = last_slot(sub, now)
        if slot is None or slot <= sub.created_at:
            continue
        if sub.digest_until is not None and sub.digest_until >= slot:
            continue
        out.append((sub, slot))
    return out


def board_pack(sub: Subscription, query: str) -> tuple[bytes | None, str]:
    """The view's board pack to attach (the subscriber's view, as their own pack), and a line
    for the mail saying what became of it: over DIGEST_PACK_MAX_BYTES it is not attached (the
    mail links to the view, whose "Board pack" button makes it); a pack that fails does not
    hold the digest back."""
    if not settings.DIGEST_BOARD_PACK:
        return None, ""
    made_by = sub.user.get_full_name() or sub.user.get_username()
    try:
        pdf = render_board_pack(PackView(query=query, reader_id=sub.user_id), made_by=made_by)
    except (ViewUnavailable, PackFailed) as error:
        logger.warning("digest of subscription %s without its board pack: %s", sub.pk, error)
        return None, "The board pack could not be made this time: open the view to make one."
    limit: int = settings.DIGEST_PACK_MAX_BYTES
    if len(pdf) > limit:
        return None, (
            f"The board pack ({len(pdf) // 1024:,} KB) is too large to attach: open the view "
            "and press “Board pack (PDF)”."
        )
    return pdf, "The board pack of this view is attached (PDF)."


def prepare(sub: Subscription, slot: dt.datetime) -> SentMail | None:
    """Build and record the digest of `sub` for the window ending at `slot` (queued, not sent);
    None when it is not to be mailed (the view no longer opens, no address, done already)."""
    period = f"{sub.pk}:{slot.isoformat()}"
    try:
        view = check_at_send(sub.user, sub.query)
    except ViewClosed as closed:
        # Never mailed; the page says why. The slot is passed, so it is not tried every minute.
        Subscription.objects.filter(pk=sub.pk).update(
            digest_until=slot, paused_reason=str(closed)[:300]
        )
        logger.info("digest of subscription %s not sent: %s", sub.pk, closed)
        return None
    if not sub.user.email:
        Subscription.objects.filter(pk=sub.pk).update(
            digest_until=slot, paused_reason="Your account has no email address."
        )
        return None
    start = sub.digest_until or sub.created_at
    content = digest.build(sub, view, start, slot)
    pdf, pack_note = board_pack(sub, view.query)
    message = mails.build(
        to=sub.user.email,
        subject=f"AIP {sub.get_frequency_display().lower()} digest: {sub.name}",
        template="digests/mail/digest",
        context={"digest": content, "subscription": sub, "pack_note": pack_note},
        unsubscribe=sub,
    )
    if pdf is not None:  # before the record: the recorded bytes are the mail as sent
        message.attach(f"aip-board-pack-{slot:%Y-%m-%d}.pdf", pdf, "application/pdf")
    with transaction.atomic():
        mail = sending.record(
            user=sub.user,
            kind=SentMail.Kind.DIGEST,
            period=period,
            message=message,
            subscription=sub,
        )
        if mail is None:
            return None
        Subscription.objects.filter(pk=sub.pk).update(
            digest_until=slot, last_figures=content.figures_json, paused_reason=""
        )
    return mail


def run(now: dt.datetime | None = None) -> int:
    """The minute's work: due digests recorded and sent, unsent mails retried, alerts
    scanned (a backstop for the task enqueued on commit, and the stale records)."""
    now = now or timezone.now()
    sent = 0
    for sub, slot in due(now):
        mail = prepare(sub, slot)
        if mail is not None:
            sent += sending.deliver(mail)
    sent += sending.retry_unsent(now)
    sent += alerts.scan(now)
    return sent
