"""Alerts: the writes a subscriber asked to hear about, mailed within a minute, one mail per
user per scan however many records one write (an import) touched.

A scan reads the audit trail over [scanned_until, end) under the lock of the one
`AlertCursor` row, so two workers never read one window twice, and moves the cursor to `end`.
`end` is now, or on PostgreSQL the start of the oldest transaction still open if earlier: its
history rows are dated when written but seen only once it commits, so the window stops before
them and the next scan reads them. Per subscription, each record is compared as it stood at the
two ends (changes.Reader), in the subscription's view only:

- a project's stage changes; its expected online date moves later by more than N months;
- a commitment is added, or its status changes;
- a partner's committed total (committed and called, Commitment.COUNTED_AS_COMMITTED) goes
  from below the threshold to at or above it, or back;
- a record in the view goes stale: checked on every scan (time, not a write, makes a record
  stale), each record named once (`Subscription.stale_named`).

The view is checked again for each user at send time (access.check_at_send): a view they may
no longer open gives them no alert.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from aipdash.core import formatting
from aipdash.dashboard import selectors
from aipdash.digests import mails, sending
from aipdash.digests.access import View, ViewClosed, check_at_send
from aipdash.digests.changes import Reader, _label
from aipdash.digests.digest import view_address
from aipdash.digests.models import AlertCursor, SentMail, Subscription
from aipdash.digests.tokens import unsubscribe_url
from aipdash.history.asof import versions
from aipdash.records.staleness import stale_q
from projects.models import Commitment, Project, Stage

STALE_LIST_LIMIT = 50


@dataclass(frozen=True)
class Alert:
    what: str  # "Stage changed", ...
    text: str  # the record and what happened, for people
    url: str  # a path on the site, or ""


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def window_end(now: dt.datetime) -> dt.datetime:
    """Now, or the start of the oldest open transaction on PostgreSQL (see the docstring)."""
    if connection.vendor != "postgresql":
        return now
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(xact_start) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND xact_start IS NOT NULL "
            "AND pid <> pg_backend_pid() AND state <> 'idle'"
        )
        (oldest,) = cursor.fetchone()
    return min(now, oldest) if oldest is not None else now


def committed_totals(moment: dt.datetime) -> dict[int, Decimal]:
    rows = (
        versions(Commitment, moment)
        .filter(status__in=Commitment.COUNTED_AS_COMMITTED)
        .values("partner_id")
        .annotate(total=Sum("amount_usd"))
        .values_list("partner_id", "total")
    )
    return {partner: total or Decimal(0) for partner, total in rows}


def project_url(reader: Reader, project_id: int | None) -> str:
    project = reader.projects_after.get(project_id or 0)
    return reverse("projects:detail", args=[project.slug]) if project is not None else ""


def write_alerts(sub: Subscription, view: View, reader: Reader, totals: Any) -> list[Alert]:
    """The alerts of one subscription for the window `reader` read."""
    out: list[Alert] = []
    stages = dict(Stage.choices)
    filters = view.filters
    for pid in sorted(reader.touched[Project]):
        before, after = reader.before[Project].get(pid), reader.after[Project].get(pid)
        if before is None or after is None or not reader.project_in_view(filters, pid):
            continue
        if sub.alert_stage and before.stage != after.stage:
            out.append(
                Alert(
                    "Stage changed",
                    f"{after.name}: {stages.get(before.stage, before.stage)} → "
                    f"{stages.get(after.stage, after.stage)}",
                    project_url(reader, pid),
                )
            )
        old, new = before.expected_online, after.expected_online
        if sub.alert_slip and old and new and new > add_months(old, sub.slip_months):
            out.append(
                Alert(
                    f"Online date slipped over {sub.slip_months} months",
                    f"{after.name}: expected online {old:%d %b %Y} → {new:%d %b %Y}",
                    project_url(reader, pid),
                )
            )
    if sub.alert_commitment:
        statuses = dict(Commitment.Status.choices)
        for cid in sorted(reader.touched[Commitment]):
            before, after = reader.before[Commitment].get(cid), reader.after[Commitment].get(cid)
            if after is None or not reader.in_view(filters, Commitment, after):
                continue
            label = _label(Commitment, after, reader.names)
            if before is None:
                out.append(
                    Alert(
                        "Commitment added",
                        f"{label} ({statuses.get(after.status, after.status)})",
                        project_url(reader, after.project_id),
                    )
                )
            elif before.status != after.status:
                out.append(
                    Alert(
                        "Commitment status changed",
                        f"{label}: {statuses.get(before.status, before.status)} → "
                        f"{statuses.get(after.status, after.status)}",
                        project_url(reader, after.project_id),
                    )
                )
    if sub.threshold_usd is not None and totals is not None:
        old_totals, new_totals = totals
        limit = Decimal(sub.threshold_usd)
        for partner_id in sorted(set(old_totals) | set(new_totals)):
            slug = reader.partner_slugs.get(partner_id)
            if filters.partner and slug not in filters.partner:
                continue
            old_total = old_totals.get(partner_id, Decimal(0))
            new_total = new_totals.get(partner_id, Decimal(0))
            if (old_total < limit) == (new_total < limit):
                continue
            name = reader.names["partner"].get(partner_id, f"partner #{partner_id}")
            direction = "rose to" if new_total >= limit else "fell to"
            out.append(
                Alert(
                    f"Committed total crossed {formatting.usd(limit)}",
                    f"{name}: committed {formatting.usd(old_total)} {direction} "
                    f"{formatting.usd(new_total)} (USD; committed and called)",
                    reverse("partners:detail", args=[slug]) if slug else "",
                )
            )
    return out


def stale_alerts(sub: Subscription, view: View) -> list[Alert]:
    """Records of the view that are stale now and were not named before (named once)."""
    named = set(sub.stale_named or [])
    out, new = [], []
    projects = selectors.projects(view.filters).filter(stale_q()).order_by("as_of")
    for project in projects.only("id", "name", "slug", "as_of")[: STALE_LIST_LIMIT * 4]:
        key = f"project:{project.pk}"
        if key not in named:
            new.append(key)
            out.append(
                Alert(
                    "Record went stale",
                    f"Project {project.name}: figures last confirmed {project.as_of:%d %b %Y}",
                    project.get_absolute_url(),
                )
            )
    commitments = selectors.commitments(view.filters).filter(stale_q()).order_by("as_of")
    for commitment in commitments.select_related("partner")[: STALE_LIST_LIMIT * 4]:
        key = f"commitment:{commitment.pk}"
        if key not in named:
            new.append(key)
            out.append(
                Alert(
                    "Record went stale",
                    f"Commitment {commitment.reference} ({commitment.partner.short_name}): "
                    f"figures last confirmed {commitment.as_of:%d %b %Y}",
                    commitment.partner.get_absolute_url(),
                )
            )
    if new:
        Subscription.objects.filter(pk=sub.pk).update(stale_named=sorted(named | set(new)))
    return out[:STALE_LIST_LIMIT]


def current_stale_keys(view: View) -> list[str]:
    """What the stale alert starts from: the records already stale when it is turned on."""
    projects = selectors.projects(view.filters).filter(stale_q()).values_list("pk", flat=True)
    commitments = selectors.commitments(view.filters).filter(stale_q()).values_list("pk", flat=True)
    return sorted([f"project:{pk}" for pk in projects] + [f"commitment:{pk}" for pk in commitments])


def scan(now: dt.datetime | None = None) -> int:
    """Read the window since the last scan and mail each user their alerts; mails sent."""
    now = now or timezone.now()
    subscriptions = list(
        Subscription.objects.filter(active=True).select_related("user").order_by("user_id", "pk")
    )
    subscriptions = [s for s in subscriptions if s.wants_alerts]
    with transaction.atomic():
        AlertCursor.start()
        cursor = AlertCursor.objects.select_for_update().get(pk=1)
        start, end = cursor.scanned_until, window_end(now)
        if end <= start:
            return 0
        cursor.scanned_until = end
        cursor.save(update_fields=["scanned_until"])
        if not subscriptions:
            return 0
        reader = Reader(start, end)
        totals = None
        if reader.touched[Commitment] and any(s.threshold_usd is not None for s in subscriptions):
            totals = (committed_totals(start), committed_totals(end))
        by_user: dict[int, list[tuple[Subscription, View, list[Alert]]]] = defaultdict(list)
        for sub in subscriptions:
            try:
                view = check_at_send(sub.user, sub.query)
            except ViewClosed:
                continue
            found = write_alerts(sub, view, reader, totals)
            if sub.alert_stale:
                found += stale_alerts(sub, view)
            if found:
                by_user[sub.user_id].append((sub, view, found))
        queued = []
        for groups in by_user.values():
            user = groups[0][0].user
            if not user.email:
                continue
            count = sum(len(found) for _sub, _view, found in groups)
            message = mails.build(
                to=user.email,
                subject=f"AIP alert: {count} change{'s' if count != 1 else ''} in your views",
                template="digests/mail/alert",
                context={
                    "user": user,
                    "groups": [
                        {
                            "subscription": sub,
                            "alerts": found,
                            "view_url": view_address(view),
                            "unsubscribe_url": unsubscribe_url(sub),
                        }
                        for sub, view, found in groups
                    ],
                    "count": count,
                    "start": start,
                    "end": end,
                },
                unsubscribe=groups[0][0],
            )
            mail = sending.record(
                user=user,
                kind=SentMail.Kind.ALERT,
                period=f"alerts:{end.isoformat()}",
                message=message,
                subscription=groups[0][0] if len(groups) == 1 else None,
            )
            if mail is not None:
                queued.append(mail)
    sent = 0
    for mail in queued:
        sent += sending.deliver(mail)
    return sent
