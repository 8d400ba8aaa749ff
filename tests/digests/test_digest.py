"""The digest: a week of edits mailed as exactly those changes, with the headline figures,
stale records, the link to the view, plain-text and HTML parts, and the unsubscribe header."""

import datetime as dt
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aipdash.digests import access, digest, schedule
from aipdash.digests.models import SentMail, Subscription
from tests.digests.conftest import backdate, html_part, text_part
from tests.factories import CommitmentFactory, PartnerFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _week(subscribe):
    """A subscription made a week ago to the US data centres; records from before it."""
    week_ago = timezone.now() - dt.timedelta(days=7)
    long_ago = week_ago - dt.timedelta(days=30)
    partner = PartnerFactory(slug="gip", short_name="GIP")
    moved = ProjectFactory(name="Abilene", stage="development", capital_cost_usd=None)
    kept = ProjectFactory(name="Untouched")
    doomed = ProjectFactory(name="Gone soon")
    put_back = ProjectFactory(name="Put back", capacity_mw=Decimal("300"))
    elsewhere = ProjectFactory(name="Norway site", country="NO")
    for record in (partner, moved, kept, doomed, put_back, elsewhere):
        backdate(record, long_ago)
    sub = subscribe(query="country=US&kind=data_centre", created_at=week_ago)
    return sub, partner, moved, kept, doomed, put_back, elsewhere


def test_a_week_of_edits_is_mailed_as_exactly_those_changes(smtp, subscribe):
    sub, partner, moved, _kept, doomed, put_back, elsewhere = _week(subscribe)
    # The week's edits, in the view:
    moved.stage = "construction"
    moved.capacity_mw = Decimal("450")
    moved.save()
    added = ProjectFactory(name="New campus")
    commitment = CommitmentFactory(
        partner=partner, project=moved, reference="GIP-7", amount_usd=Decimal("2500000000")
    )
    doomed.delete()
    put_back.capacity_mw = Decimal("999")
    put_back.save()
    put_back.capacity_mw = Decimal("300")
    put_back.save()
    # ... and outside it:
    elsewhere.stage = "operational"
    elsewhere.save()

    now = timezone.now() + dt.timedelta(days=1)
    sub.hour = now.hour
    sub.save()
    assert schedule.run(now) == 1

    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "ana@example.com"
    assert message["Subject"] == "AIP daily digest: My view"
    text, html = text_part(message), html_part(message)
    lines = [line for line in text.splitlines() if line.startswith("- ")]
    changes = [line for line in lines if line.split(" ")[1] in ("Added", "Changed", "Deleted")]
    assert sorted(changes) == sorted(
        [
            "- Changed project: Abilene (illustrative)",
            "- Added project: New campus (illustrative)",
            "- Deleted project: Gone soon (illustrative)",
            "- Added commitment: GIP-7: GIP, $2.5bn to Abilene (illustrative)",
        ]
    )
    assert "    Stage: Development -> Construction" in text
    assert "    Capacity (MW): 200 MW -> 450 MW" in text
    assert "- Abilene: Development -> Construction" in text  # the stage moves
    for absent in ("Put back", "Norway site", "Untouched"):
        assert absent not in text.split("STALE RECORDS")[0]
    # The headline figures with units, the link to the view, sources, the unsubscribe link.
    assert "- Total committed, incl. debt: $2.5bn" in text
    assert "https://aip.example.com/?country=US&kind=data_centre" in text
    assert "Test source" in text and "Money in US dollars" in text
    assert "https://aip.example.com/unsubscribe/" in message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The HTML part: the same changes, no script, no remote image, no stylesheet.
    assert "Abilene" in html and "New campus" in html and "Norway site" not in html
    assert "<script" not in html.lower()
    assert "<img" not in html.lower() and "<link" not in html.lower()
    assert "https://aip.example.com/projects/" in html
    # Recorded as sent, with its Message-ID; the next window starts where this one ended.
    mail = SentMail.objects.get()
    assert mail.state == SentMail.State.SENT
    assert mail.message_id == message["Message-ID"]
    sub.refresh_from_db()
    assert sub.digest_until is not None and sub.digest_until <= now
    assert commitment.pk and added.pk


def test_the_next_digest_gives_the_figures_change_and_only_the_new_edits(
    smtp, subscribe, django_capture_on_commit_callbacks
):
    sub, partner, moved, *_ = _week(subscribe)
    now = timezone.now() + dt.timedelta(days=1)
    sub.hour = now.hour
    sub.save()
    schedule.run(now)
    first = text_part(smtp.messages[0])
    assert "first digest" not in first  # the text part gives no change on a first digest
    assert "Nothing changed in this view." in first
    # A commitment written after the first digest's window.
    with django_capture_on_commit_callbacks(execute=True):  # a new data version, as on commit
        CommitmentFactory(
            partner=partner, project=moved, reference="GIP-8", amount_usd=Decimal("1e9")
        )
    SentMail.objects.all().delete()
    later = now + dt.timedelta(days=1)
    # The edit is dated inside the next window.
    for row in moved.commitments.get().history.all():
        row.history_date = now + dt.timedelta(hours=1)
        row.save()
    schedule.run(later)
    second = text_part(smtp.messages[1])
    assert "- Added commitment: GIP-8: GIP, $1bn to Abilene (illustrative)" in second
    totals = [line for line in second.splitlines() if "Total committed" in line]
    assert totals == [
        "- Total committed, incl. debt: $1bn (+$1bn), as of 15 Oct 2025, illustrative"
    ]


def test_a_digest_is_due_once_per_slot_and_never_before_it_was_made(smtp, subscribe):
    now = timezone.now()
    sub = subscribe(hour=now.hour, created_at=now)
    assert schedule.run(now + dt.timedelta(minutes=5)) == 0  # today's slot is before it was made
    later = now + dt.timedelta(days=1, minutes=5)
    assert schedule.run(later) == 1
    assert schedule.run(later + dt.timedelta(minutes=1)) == 0
    assert len(smtp.messages) == 1
    sub.refresh_from_db()
    assert sub.digest_until is not None


def test_weekly_slots_fall_on_the_weekday_and_hour_of_the_time_zone(subscribe):
    sub = subscribe(frequency="weekly", weekday=0, hour=9, time_zone="Asia/Tokyo")
    # Wednesday 10 Dec 2025, 12:00 UTC = 21:00 in Tokyo: the last slot is Monday 8 Dec, 09:00
    # Tokyo = 00:00 UTC.
    now = dt.datetime(2025, 12, 10, 12, 0, tzinfo=dt.UTC)
    assert schedule.last_slot(sub, now) == dt.datetime(2025, 12, 8, 0, 0, tzinfo=dt.UTC)
    assert schedule.next_slot(sub, now) == dt.datetime(
        2025, 12, 15, 9, 0, tzinfo=schedule.zone_of("Asia/Tokyo")
    )


def _digest_queries(subscribe, changed):
    """Queries to build a digest whose window holds `changed` edited projects."""
    week_ago = timezone.now() - dt.timedelta(days=7)
    projects = [ProjectFactory(stage="development") for _ in range(changed)]
    for project in projects:
        backdate(project, week_ago - dt.timedelta(days=1))
        project.stage = "construction"
        project.save()
    sub = subscribe(query="country=US", created_at=week_ago)
    view = access.open_view(sub.user, sub.query)
    cache.clear()  # both cold
    with CaptureQueriesContext(connection) as queries:
        content = digest.build(sub, view, week_ago, timezone.now())
    assert content.changes.total >= changed
    return len(queries)


def test_a_digest_costs_no_more_queries_for_30_changes_than_for_3(subscribe, subscriber):
    few = _digest_queries(subscribe, 3)
    Subscription.objects.all().delete()
    many = _digest_queries(subscribe, 30)
    assert many <= few  # (the first may fill a per-process cache the second finds)


@pytest.mark.browser  # the pack is printed by Debian's Chromium
def test_a_digest_carries_its_views_board_pack_or_says_why_not(smtp, subscribe, settings, tmp_path):
    settings.DIGEST_BOARD_PACK = True
    sub, *_ = _week(subscribe)
    now = timezone.now() + dt.timedelta(days=1)
    sub.hour = now.hour
    sub.save()
    assert schedule.run(now) == 1
    message = smtp.messages[0]
    [pdf] = [part for part in message.walk() if part.get_content_type() == "application/pdf"]
    assert pdf.get_filename().startswith("aip-board-pack-")
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf.get_payload(decode=True))
    pdftotext = shutil.which("pdftotext") or "pdftotext"
    words = subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True).stdout
    assert "BOARD PACK" in words and "Abilene" in words  # the subscriber's view, on paper
    assert "The board pack of this view is attached (PDF)." in text_part(message)

    # Over the size limit: not attached, and the mail says where to make it.
    settings.DIGEST_PACK_MAX_BYTES = 1000
    later = now + dt.timedelta(days=1)
    assert schedule.run(later) == 1
    message = smtp.messages[1]
    assert not [p for p in message.walk() if p.get_content_type() == "application/pdf"]
    assert "is too large to attach" in text_part(message)
