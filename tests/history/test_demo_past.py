"""The demo has a past: its history is dated as its records' own dates say, so the portfolio
as of 31 Jan 2025 is the smaller one of that day, not an empty one and not today's; every past
day is whole (nothing refers to a record not yet there) and today's reading is the live data."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from aipdash.history import asof
from aipdash.history.writing import tracked_attnames
from aipdash.operations.demo.loader import CHANGE_REASON, load_demo
from aipdash.operations.demo.past import PARTNERSHIP_ANNOUNCED
from aipdash.records import registry
from partners.models import Partner
from projects.models import Commitment, Investment, Note, Project, ProjectPhase, Stage

pytestmark = pytest.mark.django_db

JAN_2025 = dt.date(2025, 1, 31)
DAYS = (
    PARTNERSHIP_ANNOUNCED,
    JAN_2025,
    dt.date(2025, 3, 19),
    dt.date(2025, 6, 30),
    dt.date(2025, 10, 14),
    dt.date(2025, 10, 15),
    dt.date(2026, 1, 15),
)
FOUNDERS = {"blackrock", "gip", "microsoft", "mgx"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for this module, rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)


def stood(model, day):
    return asof.versions(model, asof.end_of_day(day))


def test_31_jan_2025_is_the_smaller_portfolio_of_that_day(demo):
    assert set(stood(Partner, JAN_2025).values_list("slug", flat=True)) == FOUNDERS
    assert not stood(Investment, JAN_2025).exists()
    projects = stood(Project, JAN_2025)
    assert 0 < projects.count() < Project.objects.count()
    assert not projects.filter(kind=Project.Kind.DATA_CENTRE).exists()  # Aligned comes later
    assert all(day <= JAN_2025 for day in projects.values_list("announced_on", flat=True))
    commitments = stood(Commitment, JAN_2025)
    assert 0 < commitments.count() < Commitment.objects.count()
    assert all(day <= JAN_2025 for day in commitments.values_list("committed_on", flat=True))
    assert set(stood(Note, JAN_2025).values_list("date", flat=True)) == {PARTNERSHIP_ANNOUNCED}


def test_the_portfolio_grows_day_by_day(demo):
    sizes = [
        sum(stood(model, day).count() for model in registry.portfolio_models()) for day in DAYS
    ]
    assert sizes == sorted(sizes)
    assert sizes[0] > 0
    assert asof.first_day() == PARTNERSHIP_ANNOUNCED  # nothing before the partnership


def test_the_aligned_campuses_join_with_the_deal(demo):
    campuses = Project.objects.filter(investment__slug="aligned-data-centers").count()
    assert campuses == 50
    assert not stood(Project, dt.date(2025, 10, 14)).filter(investment_id__isnull=False).exists()
    assert stood(Project, dt.date(2025, 10, 15)).filter(investment_id__isnull=False).count() == 50


def test_a_project_moves_stage_when_its_phase_came_online(demo):
    battery = Project.objects.get(slug="west-texas-battery")  # operational; online 30 Jun 2025
    assert battery.stage == Stage.OPERATIONAL
    assert stood(Project, dt.date(2025, 6, 29)).get(id=battery.pk).stage == Stage.CONSTRUCTION
    assert stood(Project, dt.date(2025, 6, 30)).get(id=battery.pk).stage == Stage.OPERATIONAL
    phase = ProjectPhase.objects.get(project=battery)
    assert stood(ProjectPhase, dt.date(2025, 6, 29)).get(id=phase.pk).stage == Stage.CONSTRUCTION
    # One that came online before it entered the portfolio enters as it is.
    solar = Project.objects.get(slug="west-texas-solar")  # first phase online 31 May 2024
    assert stood(Project, PARTNERSHIP_ANNOUNCED).get(id=solar.pk).stage == Stage.OPERATIONAL


def test_every_past_day_is_whole(demo):
    """Every foreign key of a record as it stood names a record that stood that day too."""
    for day in DAYS:
        present = {
            model: set(asof.ids(model, asof.end_of_day(day)).values_list("id", flat=True))
            for model in registry.portfolio_models()
        }
        for model in registry.portfolio_models():
            for field in model._meta.concrete_fields:
                if not field.is_relation:
                    continue
                named = set(
                    stood(model, day)
                    .exclude(**{f"{field.attname}__isnull": True})
                    .values_list(field.attname, flat=True)
                )
                assert named <= present[field.related_model], (day, model, field.name)


def test_no_version_is_confirmed_after_its_day(demo):
    for model in registry.portfolio_models():
        for history_date, as_of in model.history.values_list("history_date", "as_of"):
            assert as_of <= asof.day_of(history_date) or history_date.date() == (
                timezone.now().date()  # a day still to come, written as the moment of loading
            ), (model, history_date, as_of)


def test_today_is_the_live_portfolio(demo):
    now = timezone.now()
    for model in registry.portfolio_models():
        names = tracked_attnames(model)
        live = set(model.objects.values_list(*names))
        assert set(asof.versions(model, now).values_list(*names)) == live, model
        assert set(model.history.values_list("history_change_reason", flat=True)) == {CHANGE_REASON}


def test_the_demo_carries_the_public_milestones_as_notes(demo):
    notes = Note.objects.order_by("date")
    assert notes.count() == 8
    assert notes.first().date == PARTNERSHIP_ANNOUNCED
    for note in notes:
        assert not note.illustrative
        assert note.source_url.startswith("https://") and note.source_title
        assert note.as_of == note.date
    assert Note.objects.get(partner__slug="xai").date == dt.date(2025, 3, 19)
    assert set(Note.objects.filter(partner__isnull=False).values_list("partner__slug", flat=True))
    assert "Aligned Data Centers" in Note.objects.get(date=dt.date(2025, 10, 15)).text
