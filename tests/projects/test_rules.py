"""The rules that span fields or rows, enforced by clean() with a message on the field."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from projects.models import Project
from tests.factories import ParticipationFactory, ProjectFactory, ProjectPhaseFactory

pytestmark = pytest.mark.django_db


def errors_of(obj):
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    return error.value.message_dict


def test_stakes_in_one_project_add_up_to_at_most_100():
    first = ParticipationFactory(stake_percent=Decimal("60"))
    second = ParticipationFactory.build(project=first.project, stake_percent=Decimal("40.01"))
    second.partner.save()
    second.partner = second.partner
    assert "100%" in errors_of(second)["stake_percent"][0]
    second.stake_percent = Decimal("40")
    second.full_clean()
    second.save()


def test_changing_a_stake_counts_the_others_not_itself():
    first = ParticipationFactory(stake_percent=Decimal("60"))
    ParticipationFactory(project=first.project, stake_percent=Decimal("40"))
    first.stake_percent = Decimal("55")
    first.full_clean()


def test_a_phase_cannot_come_online_before_the_project_is_announced():
    project = ProjectFactory(announced_on=dt.date(2025, 3, 1))
    phase = ProjectPhaseFactory.build(project=project, expected_online=dt.date(2025, 2, 28))
    assert "announced" in errors_of(phase)["expected_online"][0]
    phase.expected_online = dt.date(2025, 3, 1)
    phase.full_clean()


def test_a_project_cannot_be_announced_after_a_saved_phase_comes_online():
    project = ProjectFactory(announced_on=dt.date(2025, 1, 1))
    ProjectPhaseFactory(project=project, expected_online=dt.date(2025, 6, 30))
    ProjectPhaseFactory(project=project, expected_online=dt.date(2026, 6, 30))
    project.announced_on = dt.date(2025, 7, 1)
    messages = errors_of(project)["announced_on"]
    assert messages == [
        "A phase of this project comes online on 30 Jun 2025, before this date; a project is "
        "announced before any phase comes online."
    ]
    project.announced_on = dt.date(2025, 6, 30)  # the same day is fine
    project.full_clean()


def test_an_operational_project_needs_its_online_date():
    project = ProjectFactory.build(stage="operational", expected_online=None)
    assert errors_of(project)["expected_online"] == [
        "An operational project needs its online date."
    ]


def test_power_projects_need_an_energy_source_and_campuses_have_none():
    generation = ProjectFactory.build(kind=Project.Kind.GENERATION, energy_source="")
    assert "energy_source" in errors_of(generation)
    campus = ProjectFactory.build(kind=Project.Kind.DATA_CENTRE, energy_source="wind")
    assert "energy_source" in errors_of(campus)


def test_coordinates_come_in_pairs():
    project = ProjectFactory.build(latitude=Decimal("10"), longitude=None)
    assert "longitude" in errors_of(project)


def test_a_record_that_is_not_illustrative_names_its_source():
    project = ProjectFactory.build(illustrative=False, source_url="")
    assert "source_url" in errors_of(project)


def test_a_partner_cannot_own_itself():
    from tests.factories import PartnerFactory

    parent = PartnerFactory()
    child = PartnerFactory(parent=parent)
    parent.parent = child
    assert "parent" in errors_of(parent)
