"""Records that came in without a history row (before the audit trail, or by a path that wrote
none) do not vanish from the past: `complete()` gives each a creation version dated the start
of its entry day, with its present values; nothing else is written, and twice is once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from aipdash.history import asof, writing
from partners.models import Partner
from projects.models import Commitment, Project
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_record_without_history_stands_from_its_entry_day():
    partner = factories.PartnerFactory()  # saved: it has its history row
    # bulk_create sends no signal: no history row, as a raw INSERT or an old database.
    project, commitment = (
        Project.objects.bulk_create(
            [
                factories.ProjectFactory.build(
                    announced_on=dt.date(2025, 1, 20), as_of=dt.date(2025, 10, 15)
                )
            ]
        )[0],
        Commitment.objects.bulk_create(
            [
                factories.CommitmentFactory.build(
                    partner=partner,
                    committed_on=dt.date(2025, 6, 1),
                    as_of=dt.date(2025, 3, 1),  # confirmed before its own date: the earlier
                    amount_usd=Decimal("5000000"),
                )
            ]
        )[0],
    )
    now = timezone.now()
    assert not asof.versions(Project, now).filter(id=project.pk).exists()
    assert set(writing.without_history(Project)) == {project}

    assert writing.complete() == {"projects.Project": 1, "projects.Commitment": 1}

    version = asof.versions(Project, now).get(id=project.pk)
    assert version.history_type == "+"
    assert version.history_change_reason == writing.COMPLETED_REASON
    assert version.history_date == asof.start_of_day(dt.date(2025, 1, 20))
    assert version.capacity_mw == project.capacity_mw  # its present values
    assert not asof.versions(Project, asof.end_of_day(dt.date(2025, 1, 19))).exists()
    assert asof.versions(Project, asof.end_of_day(dt.date(2025, 1, 20))).exists()
    day = asof.versions(Commitment, now).get(id=commitment.pk).history_date
    assert day == asof.start_of_day(dt.date(2025, 3, 1))

    assert writing.complete() == {}  # nothing left without history
    assert Partner.history.count() == 1  # a record with history is left as it is


def test_versions_with_their_own_dates_and_values():
    project = factories.ProjectFactory(stage="operational", announced_on=dt.date(2024, 10, 1))
    Project.history.all().delete()
    written = writing.write_versions(
        [
            writing.Version(
                project,
                at=asof.start_of_day(dt.date(2024, 10, 1)),
                changes={"stage": "construction", "as_of": dt.date(2024, 10, 1)},
                reason="Built then",
            ),
            writing.Version(project, at=asof.start_of_day(dt.date(2025, 6, 30)), history_type="~"),
            # A moment still to come is written as now: nothing is dated after its writing.
            writing.Version(project, at=timezone.now() + dt.timedelta(days=400), history_type="~"),
        ]
    )
    assert written == 3
    then = asof.versions(Project, asof.end_of_day(dt.date(2025, 1, 31))).get()
    assert (then.stage, then.as_of, then.history_change_reason) == (
        "construction",
        dt.date(2024, 10, 1),
        "Built then",
    )
    assert asof.versions(Project, asof.end_of_day(dt.date(2025, 6, 30))).get().stage == (
        "operational"
    )
    assert max(Project.history.values_list("history_date", flat=True)) <= timezone.now()
    with pytest.raises(ValueError, match="no tracked field"):
        writing.write_versions([writing.Version(project, at=timezone.now(), changes={"x": 1})])


def test_the_command_and_every_migrate_complete_the_history():
    from io import StringIO

    from django.core.management import call_command

    Partner.objects.bulk_create([factories.PartnerFactory.build(joined_on=dt.date(2025, 3, 19))])
    out = StringIO()
    call_command("complete_history", stdout=out)
    assert out.getvalue() == "partners.Partner: 1 record(s) given their creation version.\n"
    call_command("complete_history", stdout=out)
    assert out.getvalue().endswith("Every record has its history: nothing to add.\n")

    Partner.objects.bulk_create([factories.PartnerFactory.build()])
    writing.complete_after_migrate(using="default")  # what post_migrate calls
    assert not writing.without_history(Partner).exists()
