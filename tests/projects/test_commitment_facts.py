"""projects_commitmentfact follows projects_commitment through every kind of write, and
projects_commitmentsum follows the facts and their projects, by the database's own triggers
(migrations 0007 and 0014): what the dashboard sums is what was entered."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection

from aipdash.dashboard import selectors
from aipdash.dashboard.filters import DashboardFilters
from projects.models import (
    Commitment,
    CommitmentFact,
    CommitmentSum,
    CommitmentTotal,
    FactSource,
    Project,
)
from tests.factories import CommitmentFactory, PartnerFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _expected():
    """Each commitment as its fact should read, computed here in Python."""
    return {
        (
            c.pk,
            c.partner_id,
            c.project_id,
            CommitmentFact.INSTRUMENT_CODES[c.instrument],
            CommitmentFact.STATUS_CODES[c.status],
            c.committed_on.replace(day=1),
            int(c.amount_usd * 100),
            c.source_title,
            c.source_url,
            c.as_of,
            c.illustrative,
        )
        for c in Commitment.objects.all()
    }


def _facts():
    return {
        (
            f["commitment_id"],
            f["partner_id"],
            f["project_id"],
            f["instrument"],
            f["status"],
            f["month"],
            f["amount_cents"],
            f["source_title"],
            f["source_url"],
            f["as_of"],
            f["illustrative"],
        )
        for f in CommitmentFact.objects.extra(
            tables=["projects_factsource"],
            where=["projects_factsource.id = projects_commitmentfact.source_id"],
            select={
                "source_title": "projects_factsource.source_title",
                "source_url": "projects_factsource.source_url",
            },
        ).values(
            "commitment_id",
            "partner_id",
            "project_id",
            "instrument",
            "status",
            "month",
            "amount_cents",
            "source_title",
            "source_url",
            "as_of",
            "illustrative",
        )
    }


def _expected_sums():
    """The commitments summed per project kind, stage and energy source (none for those to
    the partnership as a whole) and the rest of the key, computed here in Python."""
    sums = {}
    for c in Commitment.objects.select_related("project").order_by():
        p = c.project
        key = (
            p is not None,
            p.kind if p else "",
            p.stage if p else "",
            p.energy_source if p else "",
            c.partner_id,
            CommitmentFact.INSTRUMENT_CODES[c.instrument],
            CommitmentFact.STATUS_CODES[c.status],
            c.committed_on.replace(day=1),
            c.source_title,
            c.source_url,
            c.as_of,
            c.illustrative,
        )
        cents, count = sums.get(key, (0, 0))
        sums[key] = (cents + int(c.amount_usd * 100), count + 1)
    return sums


def _sums():
    sources = {f.pk: (f.source_title, f.source_url) for f in FactSource.objects.all()}
    return {
        (
            s.to_project,
            s.kind,
            s.stage,
            s.energy_source,
            s.partner_id,
            s.instrument,
            s.status,
            s.month,
            *sources[s.source_id],
            s.as_of,
            s.illustrative,
        ): (s.amount_cents, s.commitments)
        for s in CommitmentSum.objects.all()
    }


def _totals():
    """projects_commitmenttotal (migration 0024), keyed as _sums() without project columns."""
    sources = {f.pk: (f.source_title, f.source_url) for f in FactSource.objects.all()}
    return {
        (
            s.partner_id,
            s.instrument,
            s.status,
            s.month,
            *sources[s.source_id],
            s.as_of,
            s.illustrative,
        ): (s.amount_cents, s.commitments)
        for s in CommitmentTotal.objects.all()
    }


def _expected_totals():
    totals = {}
    for key, (cents, count) in _expected_sums().items():
        known = totals.get(key[4:], (0, 0))
        totals[key[4:]] = (known[0] + cents, known[1] + count)
    return totals


def _partnership_sums():
    return {key: value for key, value in _sums().items() if not key[0]}


def _check():
    assert _facts() == _expected()
    assert _sums() == _expected_sums()
    assert _totals() == _expected_totals()


def test_every_kind_of_write_keeps_the_facts_equal_to_the_commitments():
    partner, other = PartnerFactory(), PartnerFactory()
    project = ProjectFactory()
    first = CommitmentFactory(partner=partner, amount_usd=Decimal("1234567.89"))
    CommitmentFactory(partner=partner, project=project, instrument="debt", status="called")
    assert len(_facts()) == 2
    _check()

    # A save that changes every summed field (the admin's way).
    first.partner = other
    first.project = project
    first.amount_usd = Decimal("0.01")
    first.committed_on = dt.date(2029, 12, 31)
    first.source_title, first.source_url = "Another source", "https://example.com/other"
    first.as_of, first.illustrative = dt.date(2026, 3, 1), False
    first.save()
    _check()

    # bulk_create (generate_portfolio, imports), queryset update and delete, raw SQL.
    Commitment.objects.bulk_create(
        CommitmentFactory.build(partner=partner, reference=f"bulk-{n}") for n in range(5)
    )
    _check()
    assert sum(n for _, n in _partnership_sums().values()) == 5  # to the partnership as a whole
    Commitment.objects.filter(partner=partner).update(status="committed", amount_usd=7)
    _check()

    # The project's stage, kind or energy source changes: its commitments' sums move with it.
    project.stage = "operational"
    project.save()
    _check()
    Project.objects.filter(pk=project.pk).update(kind="generation", energy_source="wind")
    _check()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE projects_project SET stage = 'paused', country = 'FR'")
    _check()

    Commitment.objects.filter(reference__startswith="bulk-").exclude(reference="bulk-0").delete()
    _check()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM projects_commitment WHERE reference = 'bulk-0'")
    _check()
    assert len(_facts()) == 2
    assert _partnership_sums() == {}  # emptied rows go
    assert sum(n for _, n in _sums().values()) == 2
    with connection.cursor() as cursor:  # a fact written directly (only triggers do, but)
        cursor.execute("UPDATE projects_commitmentfact SET amount_cents = amount_cents + 1")
    assert sum(cents for cents, _ in _totals().values()) == sum(
        f.amount_cents for f in CommitmentFact.objects.all()
    )


def test_the_sums_read_from_the_facts_equal_the_commitments_own_sums():
    partner = PartnerFactory(slug="p1")
    for n in range(6):
        CommitmentFactory(
            partner=partner,
            amount_usd=Decimal("1000000.05") * (n + 1),
            committed_on=dt.date(2025, 1 + n, 28),
            instrument=("equity", "debt")[n % 2],
        )
    sums = selectors.commitment_sums(DashboardFilters()).readable()
    by_month = {row["date"]: row["amount_usd"] for row in sums}
    assert sum(by_month.values()) == sum(c.amount_usd for c in Commitment.objects.all())
    assert by_month[dt.date(2025, 3, 1)] == Decimal("3000000.15")  # exact, to the cent
    assert {row["source_url"] for row in sums} == {"https://example.com/source"}
    assert all(row["newest"] == dt.date(2025, 10, 15) for row in sums)


@pytest.mark.parametrize(
    "emptied_first",
    [
        ["projects_commitmentsum"],
        ["projects_commitmentsum", "projects_commitmentfact"],
        ["projects_commitmentfact"],
        ["projects_commitmenttotal", "projects_commitmentfact"],
        ["projects_commitmenttotal"],
        [],
    ],
)
def test_emptying_the_tables_in_any_order_leaves_no_sums(emptied_first):
    """Django's flush on SQLite empties the tables one by one, in an order that changes from
    run to run. Deleting the commitments after their sums must not leave negative sums naming
    sources that are gone (it did: the dashboard then answered 500 in the next browser test)."""
    partner = PartnerFactory()
    for n in range(3):
        CommitmentFactory(partner=partner, reference=f"whole-{n}")
    CommitmentFactory(partner=partner, project=ProjectFactory(), reference="to-a-project")
    assert _partnership_sums()
    with connection.cursor() as cursor:
        for table in [*emptied_first, "projects_commitment"]:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (this test's own names)
    assert not CommitmentFact.objects.exists()
    assert list(CommitmentSum.objects.values()) == []
    assert list(CommitmentTotal.objects.values()) == []


# The longest sources the fields allow, in characters of four bytes each in UTF-8 that do not
# compress (CJK Extension B, drawn at random): 3,200 bytes, more than a PostgreSQL btree entry
# holds (2,704).
def four_byte_text(length, seed):
    rng = random.Random(seed)
    return "".join(chr(rng.randrange(0x20000, 0x2A6E0)) for _ in range(length))


LONGEST_TITLE = four_byte_text(300, "title")


def longest_url(seed="url"):
    url = "https://example.com/" + four_byte_text(480, seed)
    assert len(url) == 500
    return url


def test_sources_as_long_as_their_fields_allow_are_summed_and_told_apart():
    partner = PartnerFactory()
    first = CommitmentFactory(partner=partner, source_title=LONGEST_TITLE, source_url=longest_url())
    CommitmentFactory(partner=partner, source_title=LONGEST_TITLE, source_url=longest_url())
    CommitmentFactory(partner=partner, source_title=LONGEST_TITLE, source_url=longest_url("2"))
    # Only the last character differs: another source.
    CommitmentFactory(
        partner=partner, source_title=LONGEST_TITLE, source_url=longest_url()[:-1] + "\U00020000"
    )
    assert FactSource.objects.count() == 3
    _check()
    first.source_url = longest_url("3")
    first.save()
    Commitment.objects.update(source_title=four_byte_text(300, "another title"))
    _check()
