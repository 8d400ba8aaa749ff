"""The versions of projects, phases and participations carry their span (history_valid_to,
kept by triggers on their history tables, migration projects/0022), and the as-of reading
of these models is a range condition on it: at every moment it gives exactly the versions the
history itself gives (the latest written before the moment, ties by history_id, deletions
dropped), whatever the way the history was written: saves, deletes, restores, several
versions on one moment, versions written into the past out of order, the bulk history writer,
a history row deleted or re-dated."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from aipdash.audit.history import record_history
from aipdash.history import asof
from aipdash.history.writing import Version, write_versions
from projects.models import Participation, Project, ProjectPhase, Stage
from tests import factories

pytestmark = pytest.mark.django_db(transaction=False)

UTC = dt.UTC
T = [dt.datetime(2025, month, 10, 12, tzinfo=UTC) for month in range(1, 13)]
SPANNED = (Project, ProjectPhase, Participation)


def at(moment, obj):
    obj._history_date = moment
    return obj


def by_history(model, moment):
    """The versions standing just before `moment`, read from every history row in Python:
    the reading's definition, with no span and no anti-join."""
    latest = {}
    for row in model.history.order_by("history_date", "history_id"):
        if row.history_date < moment:
            latest[row.id] = row
    return sorted(row.history_id for row in latest.values() if row.history_type != "-")


def moments():
    edges = [t + dt.timedelta(seconds=s) for t in T for s in (-1, 0, 1)]
    return [*edges, timezone.now() + dt.timedelta(seconds=1)]


def assert_spans_match():
    for model in SPANNED:
        assert asof.is_spanned(model)
        for moment in moments():
            from_spans = sorted(asof.versions(model, moment).values_list("history_id", flat=True))
            assert from_spans == by_history(model, moment), (model.__name__, moment)
        # Each version ends where the next begins: one open version per record.
        open_versions = model.history.filter(history_valid_to__isnull=True)
        assert open_versions.count() == model.history.values("id").distinct().count()


def test_spans_follow_saves_deletes_and_restores():
    project = at(T[0], factories.ProjectFactory.build(stage=Stage.ANNOUNCED))
    project.save()
    pk = project.pk
    at(T[0], factories.ProjectPhaseFactory.build(project=project)).save()
    partner = factories.PartnerFactory()
    at(T[1], factories.ParticipationFactory.build(project=project, partner=partner)).save()
    project.stage = Stage.CONSTRUCTION
    at(T[2], project).save()
    for mw in ("10", "20", "30"):  # three versions on one moment: the last written stands
        project.capacity_mw = Decimal(mw)
        at(T[3], project).save()
    at(T[4], project).delete()  # its phase and participation go with it (cascade)
    project.pk = pk
    project.restoring = True
    at(T[6], project).save()
    other = at(T[1], factories.ProjectFactory.build())
    other.save()

    assert_spans_match()
    assert asof.versions(Project, T[3] + dt.timedelta(seconds=1)).get(id=pk).capacity_mw == 30
    assert list(asof.ids(Project, T[5]).values_list("id", flat=True)) == [other.pk]
    assert asof.versions(Project, T[7]).get(id=pk).stage == Stage.CONSTRUCTION
    # The cascade deleted its phase for good (dated when it ran: now).
    assert asof.versions(ProjectPhase, T[7]).exists()
    assert not asof.versions(ProjectPhase, timezone.now() + dt.timedelta(seconds=1)).exists()


def test_spans_of_versions_written_into_the_past_out_of_order():
    """The demo's and the generator's past: the record and its present version exist, then
    its earlier versions are written with earlier dates; a bulk history write, a history row
    deleted and one re-dated keep the spans whole too."""
    project = at(T[8], factories.ProjectFactory.build(stage=Stage.OPERATIONAL))
    project.save()
    write_versions(
        [
            Version(project, at=T[1], changes={"stage": Stage.ANNOUNCED}),
            Version(project, at=T[5], history_type="~", changes={"stage": Stage.CONSTRUCTION}),
        ]
    )
    assert_spans_match()
    stages = [
        row.stage for moment in (T[0], T[2], T[6], T[9]) for row in asof.versions(Project, moment)
    ]
    assert stages == [Stage.ANNOUNCED, Stage.CONSTRUCTION, Stage.OPERATIONAL]

    record_history(Project.objects.filter(pk=project.pk), history_type="-", reason="wipe")
    assert not asof.versions(Project, timezone.now() + dt.timedelta(seconds=1)).exists()
    assert_spans_match()

    project.history.filter(history_type="-").delete()  # a history row pruned
    assert_spans_match()
    assert asof.versions(Project, T[9]).get().stage == Stage.OPERATIONAL

    # A version re-dated by hand (no path of the app does it): its record's spans follow.
    project.history.filter(stage=Stage.CONSTRUCTION).update(history_date=T[0])
    assert_spans_match()
    assert asof.versions(Project, T[2]).get().stage == Stage.ANNOUNCED


def test_bulk_history_of_many_records_in_one_statement():
    projects = [at(T[2], factories.ProjectFactory.build()) for _ in range(5)]
    for project in projects:
        project.save()
    record_history(Project.objects.all(), history_type="~", reason="bulk", date=T[4])
    first_two = [project.pk for project in projects[:2]]
    record_history(
        Project.objects.filter(pk__in=first_two), history_type="-", reason="bulk", date=T[6]
    )
    assert_spans_match()
    assert asof.versions(Project, T[5]).count() == 5
    assert asof.versions(Project, T[7]).count() == 3
