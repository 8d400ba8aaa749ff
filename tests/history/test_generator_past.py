"""The synthetic generator gives its portfolio a past (docs/as-of.md, "The generator's past"):
each record's history is dated as its own dates say, by the demo's rules, so that a bench
portfolio as of a past day is a smaller one, whole on every day, and today's reading is the
live data."""

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import F, Min
from django.utils import timezone

from aipdash.history import asof
from aipdash.history.writing import tracked_attnames
from aipdash.operations.demo import synthetic
from aipdash.operations.demo.past import PARTNERSHIP_ANNOUNCED
from aipdash.records import registry
from partners.models import Partner
from projects.models import Commitment, Participation, Project, ProjectPhase, Stage

pytestmark = pytest.mark.django_db

MODELS = (Partner, Project, ProjectPhase, Participation, Commitment)
DAYS = (
    PARTNERSHIP_ANNOUNCED - dt.timedelta(days=1),
    PARTNERSHIP_ANNOUNCED,
    dt.date(2025, 1, 31),
    dt.date(2025, 6, 30),
    dt.date(2026, 1, 14),
    dt.date(2026, 1, 15),
)


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """A small synthetic portfolio (with its synthetic partners) loaded once, rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield synthetic.load(projects=120, commitments=600, seed=11)
        transaction.set_rollback(True)


def stood(model, day):
    return asof.versions(model, asof.end_of_day(day))


def test_today_is_the_generated_portfolio(generated):
    now = timezone.now() + dt.timedelta(seconds=1)
    for model in MODELS:
        names = tracked_attnames(model)
        live = set(model.objects.values_list(*names))
        assert set(asof.versions(model, now).values_list(*names)) == live, model
        # One creation per record, changes after it.
        assert model.history.filter(history_type="+").count() == model.objects.count()


def test_a_past_day_is_a_smaller_portfolio(generated):
    sizes = [sum(stood(model, day).count() for model in MODELS) for day in DAYS]
    assert sizes == sorted(sizes)
    assert sizes[0] == 0  # nothing before the partnership was announced
    assert asof.first_day() == PARTNERSHIP_ANNOUNCED
    middle = stood(Project, dt.date(2025, 6, 30)).count()
    assert 0 < middle < Project.objects.count()
    assert 0 < stood(Commitment, dt.date(2025, 6, 30)).count() < Commitment.objects.count()


def test_records_enter_on_their_own_dates(generated):
    for day in DAYS:
        assert all(d <= day for d in stood(Project, day).values_list("announced_on", flat=True))
        committed = stood(Commitment, day).values_list("committed_on", flat=True)
        assert all(d <= day for d in committed)
    # The projects announced before the partnership enter the day it was announced.
    early = Project.objects.filter(announced_on__lte=PARTNERSHIP_ANNOUNCED)
    assert early.exists()
    assert set(stood(Project, PARTNERSHIP_ANNOUNCED).values_list("id", flat=True)) == set(
        early.values_list("id", flat=True)
    )


def test_a_project_moves_stage_when_its_first_phase_came_online(generated):
    moved = (
        Project.objects.filter(stage=Stage.OPERATIONAL)
        .annotate(first=Min("phases__expected_online"))
        .filter(first__gt=PARTNERSHIP_ANNOUNCED)
        .filter(first__gt=F("announced_on"))
        .order_by("first")
        .first()
    )
    assert moved is not None
    before = moved.first - dt.timedelta(days=1)
    assert stood(Project, before).get(id=moved.pk).stage == Stage.CONSTRUCTION
    assert stood(Project, moved.first).get(id=moved.pk).stage == Stage.OPERATIONAL
    # Its first phase too.
    phase = moved.phases.order_by("expected_online").first()
    assert stood(ProjectPhase, before).get(id=phase.pk).stage == Stage.CONSTRUCTION


def test_every_past_day_is_whole(generated):
    """Every foreign key of a record as it stood names a record that stood that day too."""
    for day in DAYS:
        present = {
            model: set(asof.ids(model, asof.end_of_day(day)).values_list("id", flat=True))
            for model in registry.portfolio_models()
        }
        for model in MODELS:
            for field in model._meta.concrete_fields:
                if not field.is_relation:
                    continue
                named = set(
                    stood(model, day)
                    .exclude(**{f"{field.attname}__isnull": True})
                    .values_list(field.attname, flat=True)
                )
                assert named <= present[field.related_model], (day, model, field.name)


def test_no_version_is_confirmed_after_its_day(generated):
    today = asof.day_of(timezone.now())
    for model in MODELS:
        for history_date, as_of in model.history.values_list("history_date", "as_of"):
            day = asof.day_of(history_date)
            assert as_of <= day or day == today, (model, history_date, as_of)
