"""The commitments' validity spans (projects.CommitmentSpan, kept by triggers on the commitment
history) give, at every moment, exactly the commitments that the history's versions give: by
the admin's save and delete, a restore, versions written into the past out of order (the
demo's past), the bulk history writer, and history rows deleted."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from aipdash.audit.history import record_history
from aipdash.history import asof
from aipdash.history.writing import Version, write_versions
from projects.models import Commitment, CommitmentFact, CommitmentSpan, FactSource
from tests import factories

pytestmark = pytest.mark.django_db(transaction=False)

UTC = dt.UTC
T = [dt.datetime(2025, month, 10, 12, tzinfo=UTC) for month in range(1, 13)]
FACT_COLUMNS = (
    "partner_id",
    "project_id",
    "instrument",
    "status",
    "month",
    "amount_cents",
    "source_id",
    "as_of",
    "illustrative",
)


def at(moment, obj):
    obj._history_date = moment
    return obj


def from_spans(moment):
    rows = asof.commitment_spans(moment).values_list("commitment_id", *FACT_COLUMNS)
    return sorted(rows)


def from_versions(moment):
    """The commitments from the history's versions, in the facts' columns (the codes and the
    cents as the triggers compute them)."""
    out = []
    for v in asof.versions(Commitment, moment):
        source = (v.source_title, v.source_url)
        source_id = factories_source_id(*source)
        out.append(
            (
                v.id,
                v.partner_id,
                v.project_id,
                CommitmentFact.INSTRUMENT_CODES[v.instrument],
                CommitmentFact.STATUS_CODES[v.status],
                v.committed_on.replace(day=1),
                int(v.amount_usd * 100),
                source_id,
                v.as_of,
                v.illustrative,
            )
        )
    return sorted(out)


def factories_source_id(title, url):
    return FactSource.objects.get(source_title=title, source_url=url).pk


def moments():
    """Every moment of interest: before, at and between the writes, and now."""
    edges = [t + dt.timedelta(seconds=s) for t in T for s in (-1, 0, 1)]
    return [*edges, timezone.now() + dt.timedelta(seconds=1)]


def assert_spans_match():
    for moment in moments():
        assert from_spans(moment) == from_versions(moment), moment


def test_spans_follow_saves_deletes_and_restores():
    partner = factories.PartnerFactory()
    commitment = at(T[0], factories.CommitmentFactory.build(partner=partner, status="announced"))
    commitment.save()
    pk = commitment.pk
    commitment.status = "committed"
    commitment.amount_usd = Decimal("1234.56")
    commitment.source_title = "Second source"
    at(T[2], commitment).save()
    for amount in ("10", "20", "30"):  # three versions on one moment: the last written stands
        commitment.amount_usd = Decimal(amount)
        at(T[3], commitment).save()
    at(T[4], commitment).delete()
    commitment.pk = pk
    commitment.restoring = True
    at(T[6], commitment).save()
    other = at(T[1], factories.CommitmentFactory.build(partner=partner))
    other.save()

    assert_spans_match()
    assert from_spans(T[3] + dt.timedelta(seconds=1))[0][6] == 3000  # 30 USD in cents
    assert [row[0] for row in from_spans(T[5])] == [other.pk]  # deleted then
    # Today the spans are the live facts.
    live = sorted(CommitmentFact.objects.values_list("commitment_id", *FACT_COLUMNS))
    assert from_spans(timezone.now() + dt.timedelta(seconds=1)) == live
    # Each span ends where the next begins: one open span per record alive, none for the deleted.
    assert CommitmentSpan.objects.filter(valid_to__isnull=True, deleted=False).count() == 2


def test_spans_of_versions_written_into_the_past_out_of_order():
    """The demo's past: the record and its present version exist, then its earlier versions
    are written with earlier dates; a bulk history write (restore, generator) and a history
    row deleted keep the spans whole too."""
    partner = factories.PartnerFactory()
    commitment = at(T[8], factories.CommitmentFactory.build(partner=partner, status="called"))
    commitment.save()
    write_versions(
        [
            Version(commitment, at=T[1], changes={"status": "announced"}),
            Version(commitment, at=T[5], history_type="~", changes={"status": "committed"}),
        ]
    )
    assert_spans_match()
    statuses = [row[4] for moment in (T[0], T[2], T[6], T[9]) for row in from_spans(moment)]
    assert statuses == [0, 1, 2]  # absent at T[0], announced, committed, called

    record_history(Commitment.objects.filter(pk=commitment.pk), history_type="-", reason="wipe")
    assert from_spans(timezone.now() + dt.timedelta(seconds=1)) == []
    assert_spans_match()

    commitment.history.filter(history_type="-").delete()  # a history row pruned
    assert_spans_match()
    assert [row[0] for row in from_spans(timezone.now() + dt.timedelta(seconds=1))] == [
        commitment.pk
    ]
