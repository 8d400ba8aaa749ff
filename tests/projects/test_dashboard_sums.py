"""The sums the database keeps for the dashboard follow the records through every kind of
write, by its own triggers: projects_capacitysum (migration 0016) and projects_phasegroupsum
(0023) follow the phases and the projects, projects_projectsum (0018) and projects_capitalsum
(0023) the projects (projects_commitmentsum, 0017, is checked
with the commitment facts, in test_commitment_facts.py). Each test writes in every way (a
save as the admin makes it, bulk_create, a queryset's update and delete, raw SQL, a project
written before or after its phases in one transaction) and compares the kept rows with the
same sums computed here."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection, transaction

from projects.models import (
    NO_MONTH,
    CapacitySum,
    CapitalSum,
    CommitmentSum,
    FactSource,
    PhaseGroupSum,
    Project,
    ProjectPhase,
    ProjectSum,
)
from tests.factories import CommitmentFactory, ProjectFactory, ProjectPhaseFactory

pytestmark = pytest.mark.django_db


def _add(sums, key, mw):
    tenths, items = sums.get(key, (0, 0))
    sums[key] = (tenths + int(mw * 10), items + 1)


def _provenance(record):
    return (record.source_title, record.source_url, record.as_of, record.illustrative)


def expected_capacity():
    """Each phase that is not cancelled under its project's kind, stage and energy source;
    each project without phases, with an online date, as a whole."""
    sums = {}
    for phase in ProjectPhase.objects.select_related("project").exclude(stage="cancelled"):
        p = phase.project
        key = (p.kind, p.stage, p.energy_source, phase.expected_online.replace(day=1))
        _add(sums, (*key, *_provenance(phase)), phase.capacity_mw)
    for p in Project.objects.filter(phases=None, expected_online__isnull=False):
        key = (p.kind, p.stage, p.energy_source, p.expected_online.replace(day=1))
        _add(sums, (*key, *_provenance(p)), p.capacity_mw)
    return sums


def kept_capacity():
    sources = {s.pk: (s.source_title, s.source_url) for s in FactSource.objects.all()}
    return {
        (
            s.kind,
            s.stage,
            s.energy_source,
            s.month,
            *sources[s.source_id],
            s.as_of,
            s.illustrative,
        ): (s.mw_tenths, s.items)
        for s in CapacitySum.objects.all()
    }


def expected_projects():
    """Each project under its kind, stage, energy source, country, online year (0: none) and
    provenance: capacity, and of those with a position their number, capacity and degrees."""
    sums = {}
    for p in Project.objects.all():
        year = p.expected_online.year if p.expected_online else 0
        key = (p.kind, p.stage, p.energy_source, p.country, year, *_provenance(p))
        tenths, located, located_tenths, lat, lon, count = sums.get(key, (0,) * 6)
        if p.latitude is not None and p.longitude is not None:
            located += 1
            located_tenths += int(p.capacity_mw * 10)
            lat += int(p.latitude * 100_000)
            lon += int(p.longitude * 100_000)
        sums[key] = (tenths + int(p.capacity_mw * 10), located, located_tenths, lat, lon, count + 1)
    return sums


def kept_projects():
    sources = {s.pk: (s.source_title, s.source_url) for s in FactSource.objects.all()}
    return {
        (
            s.kind,
            s.stage,
            s.energy_source,
            s.country,
            s.online_year,
            *sources[s.source_id],
            s.as_of,
            s.illustrative,
        ): (
            s.mw_tenths,
            s.located,
            s.located_mw_tenths,
            s.latitude_sum,
            s.longitude_sum,
            s.projects,
        )
        for s in ProjectSum.objects.all()
    }


def _month(day):
    return day.replace(day=1) if day else NO_MONTH


def expected_phase_groups():
    """As expected_capacity(), and by the phase's own stage (a whole project: its stage);
    a project without phases and without a date too, under NO_MONTH."""
    sums = {}
    for phase in ProjectPhase.objects.select_related("project").exclude(stage="cancelled"):
        p = phase.project
        key = (p.kind, p.stage, p.energy_source, phase.stage, _month(phase.expected_online))
        _add(sums, (*key, *_provenance(phase)), phase.capacity_mw)
    for p in Project.objects.filter(phases=None):
        key = (p.kind, p.stage, p.energy_source, p.stage, _month(p.expected_online))
        _add(sums, (*key, *_provenance(p)), p.capacity_mw)
    return sums


def kept_phase_groups():
    sources = {s.pk: (s.source_title, s.source_url) for s in FactSource.objects.all()}
    return {
        (
            s.kind,
            s.stage,
            s.energy_source,
            s.item_stage,
            s.month,
            *sources[s.source_id],
            s.as_of,
            s.illustrative,
        ): (s.mw_tenths, s.items)
        for s in PhaseGroupSum.objects.all()
    }


def expected_capital():
    """Each project under its kind, stage, energy source and month (NO_MONTH: none): with a
    capital cost (how many, the cents), without one (how many, their MW in tenths), all."""
    sums = {}
    for p in Project.objects.all():
        key = (p.kind, p.stage, p.energy_source, _month(p.expected_online))
        with_cost, cents, without, tenths, count = sums.get(key, (0,) * 5)
        if p.capital_cost_usd is None:
            without, tenths = without + 1, tenths + int(p.capacity_mw * 10)
        else:
            with_cost, cents = with_cost + 1, cents + int(p.capital_cost_usd * 100)
        sums[key] = (with_cost, cents, without, tenths, count + 1)
    return sums


def kept_capital():
    return {
        (s.kind, s.stage, s.energy_source, s.month): (
            s.with_cost,
            s.cost_cents,
            s.without_cost,
            s.mw_without_cost_tenths,
            s.projects,
        )
        for s in CapitalSum.objects.all()
    }


def check():
    assert kept_capacity() == expected_capacity()
    assert kept_projects() == expected_projects()
    assert kept_phase_groups() == expected_phase_groups()
    assert kept_capital() == expected_capital()


def test_capacity_follows_phases_and_projects_written_every_way():
    campus = ProjectFactory(capacity_mw=Decimal("300.3"), capital_cost_usd=Decimal("1234.56"))
    check()  # a project without phases counts as a whole
    assert list(kept_capacity().values()) == [(3003, 1)]
    assert list(kept_capital().values()) == [(1, 123456, 0, 0, 1)]
    plant = ProjectFactory(
        kind="generation", energy_source="solar", stage="development", capital_cost_usd=None
    )
    ProjectFactory(expected_online=None, stage="announced")  # no date: in no month
    check()
    assert any(key[4] == NO_MONTH for key in kept_phase_groups())  # but in the phase groups

    # Phases added the admin's way: the first takes the project's whole capacity out.
    first = ProjectPhaseFactory(project=campus, capacity_mw=Decimal("100.1"))
    check()
    second = ProjectPhaseFactory(
        project=campus,
        capacity_mw=Decimal("0.7"),
        expected_online=dt.date(2028, 2, 29),
        source_title="Another source",
        source_url="https://example.com/other",
        illustrative=False,
    )
    ProjectPhaseFactory(project=campus, stage="cancelled")  # counts nothing, but is a phase
    check()

    # The project moves to another stage: its phases move with it.
    campus.stage = "operational"
    campus.save()
    check()
    Project.objects.filter(pk=plant.pk).update(kind="storage", energy_source="battery")
    check()
    Project.objects.filter(pk=plant.pk).update(
        country="FR", latitude=None, longitude=None, expected_online=dt.date(2031, 12, 31)
    )
    check()

    # A phase moves to another project (the first loses nothing: it keeps two phases).
    second.project = plant
    second.save()
    check()
    ProjectPhase.objects.filter(pk=second.pk).update(
        capacity_mw=Decimal("12.3"), expected_online=dt.date(2029, 1, 1)
    )
    check()

    # bulk_create, queryset delete, raw SQL.
    ProjectPhase.objects.bulk_create(
        ProjectPhaseFactory.build(project=plant, sequence=10 + n, capacity_mw=Decimal(n))
        for n in range(4)
    )
    check()
    ProjectPhase.objects.filter(project=plant).delete()  # the last one gone: whole again
    check()
    assert len(kept_capacity()) == 2  # the campus's first phase, the plant as a whole
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE projects_projectphase SET stage = 'cancelled' WHERE id = %s", [first.pk]
        )
        cursor.execute("UPDATE projects_project SET capacity_mw = 1.1, as_of = '2026-01-01'")
        cursor.execute(
            "UPDATE projects_project SET capital_cost_usd = 0.07 WHERE id = %s", [plant.pk]
        )
    check()
    Project.objects.filter(pk=campus.pk).update(
        capital_cost_usd=None, expected_online=None, stage="paused"
    )
    check()
    Project.objects.update(stage="cancelled")
    check()
    campus.delete()  # its phases first (Django's cascade), then itself
    check()


def test_a_project_written_before_or_after_its_phases_in_one_transaction():
    """Foreign keys are checked at commit: raw SQL may write a project after its phases, or
    delete it before them. The sums come out the same."""
    project = ProjectFactory()
    ProjectPhaseFactory(project=project)
    ProjectPhaseFactory(project=project, expected_online=dt.date(2026, 1, 1))
    check()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM projects_project WHERE id = %s", [project.pk])
        cursor.execute("DELETE FROM projects_projectphase WHERE project_id = %s", [project.pk])
    check()
    assert kept_capacity() == {}

    template = ProjectFactory.build(slug="late")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO projects_projectphase (project_id, sequence, name, stage, "
                "capacity_mw, expected_online, source_title, source_url, as_of, illustrative, "
                "version) VALUES (999999, 1, '', 'announced', 5, '2027-03-03', 's', "
                "'https://example.com/s', '2025-01-01', false, 1)"
            )
        template.pk = 999999
        template.save(force_insert=True)
    check()
    assert sum(items for _, items in kept_capacity().values()) == 1  # the phase, not the whole


def test_random_writes_keep_the_sums():
    rng = random.Random(16)
    projects = [
        ProjectFactory(
            kind=rng.choice(["data_centre", "grid"]),
            stage=rng.choice(["announced", "construction"]),
        )
        for _ in range(6)
    ]
    for _ in range(60):
        project = rng.choice(projects)
        action = rng.randrange(5)
        if action == 0:
            ProjectPhaseFactory(
                project=project,
                stage=rng.choice(["announced", "cancelled", "operational"]),
                capacity_mw=Decimal(rng.randrange(0, 5000)) / 10,
                expected_online=dt.date(2026 + rng.randrange(4), 1 + rng.randrange(12), 1),
            )
        elif action == 1:
            phase = ProjectPhase.objects.filter(project=project).first()
            if phase:
                phase.delete()
        elif action == 2:
            stage = rng.choice(["development", "cancelled", "operational"])
            online = (
                dt.date(2030, 5, 5)
                if stage == "operational"
                else rng.choice([None, dt.date(2030, 5, 5)])
            )
            Project.objects.filter(pk=project.pk).update(
                stage=stage,
                expected_online=online,
                capital_cost_usd=rng.choice([None, Decimal("12.34"), Decimal(10**9)]),
            )
        elif action == 3:
            ProjectPhase.objects.filter(project=project).update(project=rng.choice(projects))
        else:
            ProjectPhase.objects.filter(project=project).update(
                capacity_mw=Decimal(rng.randrange(0, 100)), illustrative=rng.random() < 0.5
            )
        check()


@pytest.mark.parametrize(
    "order",
    [
        "commitmentsum capacitysum commitment projectphase project",
        "commitmentfact commitment project projectphase capacitysum commitmentsum",
        "project commitment projectphase",
        "projectphase commitmentsum project capacitysum commitment",
        "capacitysum projectphase project commitment",
        "projectsum project projectphase commitment",
        "project projectsum commitment projectphase",
        "phasegroupsum projectphase capitalsum commitment project",
        "projectphase project commitment phasegroupsum capitalsum",
    ],
)
def test_emptying_the_tables_in_any_order_leaves_no_sums(order):
    """Django's flush on SQLite empties the tables one by one, in an order that changes from
    run to run (foreign keys are checked at commit); whatever the order, no sum is left."""
    project = ProjectFactory()
    ProjectPhaseFactory(project=project)
    ProjectFactory(stage="operational")  # without phases
    CommitmentFactory(project=project)
    CommitmentFactory()
    assert kept_capacity()
    assert CommitmentSum.objects.exists()
    with connection.cursor() as cursor:
        for table in order.split():
            cursor.execute(f"DELETE FROM projects_{table}")  # noqa: S608 (this test's own names)
    assert not CapacitySum.objects.exists()
    assert not CommitmentSum.objects.exists()
    assert not ProjectSum.objects.exists()
    assert not PhaseGroupSum.objects.exists()
    assert not CapitalSum.objects.exists()
