"""The portfolio as it stood: for every portfolio model, a record created, changed, deleted and
restored at known moments reads, at the end of each day, as it stood then (absent before it was
made and while deleted, each value and its provenance as then)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from aipdash.history import asof
from aipdash.records import registry
from partners.models import Partner
from projects.models import Commitment, Participation, Project
from tests import factories

pytestmark = pytest.mark.django_db

UTC = dt.UTC
CREATED = dt.datetime(2025, 1, 10, 12, tzinfo=UTC)
CHANGED = dt.datetime(2025, 3, 10, 12, tzinfo=UTC)
DELETED = dt.datetime(2025, 5, 10, 12, tzinfo=UTC)
RESTORED = dt.datetime(2025, 7, 10, 12, tzinfo=UTC)

# For each model of the registry: its factory, a field that changes and its two values.
CASES = {
    "partners.Partner": (factories.PartnerFactory, "name", "Before", "After"),
    "projects.Investment": (factories.InvestmentFactory, "name", "Deal before", "Deal after"),
    "projects.Target": (
        factories.TargetFactory,
        "amount_usd",
        Decimal("30000000000.00"),
        Decimal("35000000000.00"),
    ),
    "projects.FundraisingUpdate": (
        factories.FundraisingUpdateFactory,
        "amount_raised_usd",
        Decimal("10000000000.00"),
        Decimal("12500000000.00"),
    ),
    "projects.MarketIndicator": (
        factories.MarketIndicatorFactory,
        "value",
        Decimal("415.00"),
        Decimal("420.00"),
    ),
    "projects.Project": (factories.ProjectFactory, "stage", "announced", "construction"),
    "projects.ProjectPhase": (
        factories.ProjectPhaseFactory,
        "capacity_mw",
        Decimal("100.0"),
        Decimal("150.0"),
    ),
    "projects.Participation": (
        factories.ParticipationFactory,
        "stake_percent",
        Decimal("25.00"),
        Decimal("30.00"),
    ),
    "projects.Commitment": (factories.CommitmentFactory, "status", "announced", "committed"),
    "projects.Note": (factories.NoteFactory, "text", "xAI joins", "xAI joins AIP"),
}


def test_every_portfolio_model_is_covered():
    assert set(CASES) == set(registry.PORTFOLIO_MODELS)


def at(moment, obj):
    """The next history row of `obj` is dated `moment` (simple-history reads _history_date)."""
    obj._history_date = moment
    return obj


def day(moment):
    return asof.end_of_day(moment.date())


def stood(model, moment, pk):
    """The version of record `pk` at the end of `moment`'s day, or None."""
    return asof.versions(model, day(moment)).filter(id=pk).first()


@pytest.mark.parametrize("label", sorted(CASES))
def test_a_record_reads_as_it_stood_on_each_day(label):
    factory, field, first, second = CASES[label]
    model = factory._meta.model
    record = factory.build(**{field: first, "source_title": "First source"})
    for parent in record._meta.concrete_fields:  # the factory's related records, saved now
        if parent.is_relation and getattr(record, parent.name, None) is not None:
            getattr(record, parent.name).save()
            setattr(record, parent.name, getattr(record, parent.name))
    at(CREATED, record).save()
    pk = record.pk

    setattr(record, field, second)
    record.source_title = "Second source"
    at(CHANGED, record).save()
    at(DELETED, record).delete()
    assert not model.objects.filter(pk=pk).exists()
    record.pk = pk
    record.restoring = True  # brought back under its old key, as the admin's restore does
    at(RESTORED, record).save()

    assert stood(model, CREATED - dt.timedelta(days=1), pk) is None
    then = stood(model, CREATED, pk)
    assert (getattr(then, field), then.source_title) == (first, "First source")
    assert then.history_type == "+"
    assert getattr(stood(model, CHANGED - dt.timedelta(days=1), pk), field) == first
    now = stood(model, CHANGED, pk)
    assert (getattr(now, field), now.source_title) == (second, "Second source")
    assert stood(model, DELETED, pk) is None
    assert stood(model, RESTORED - dt.timedelta(days=1), pk) is None
    assert getattr(stood(model, RESTORED, pk), field) == second
    # Today's reading is the live table.
    live = model.objects.get(pk=pk)
    today = asof.versions(model, timezone.now()).get(id=pk)
    assert getattr(today, field) == getattr(live, field)
    # As an unsaved instance of the model, for pages that read objects.
    assert getattr(asof.one(model, day(CREATED), id=pk), field) == first


def test_one_version_per_record_and_later_records_absent():
    early = at(CREATED, factories.ProjectFactory.build(capacity_mw=Decimal("100")))
    early.save()
    for mw in ("110", "120", "130"):
        early.capacity_mw = Decimal(mw)
        at(CHANGED, early).save()  # three versions on one moment: the last written stands
    late = at(RESTORED, factories.ProjectFactory.build(capacity_mw=Decimal("500")))
    late.save()

    rows = asof.versions(Project, day(CHANGED))
    assert list(rows.values_list("id", "capacity_mw")) == [(early.pk, Decimal("130.0"))]
    assert rows.aggregate(mw=Sum("capacity_mw"))["mw"] == Decimal("130.0")
    total = asof.versions(Project, day(RESTORED)).aggregate(mw=Sum("capacity_mw"))["mw"]
    assert total == Decimal("630.0")


def test_relations_as_they_stood_go_through_the_related_records_keys():
    """A historical row's foreign key joins the live table: the partner's slug of the day is
    read from the partner's own versions."""
    partner = at(CREATED, factories.PartnerFactory.build(slug="old-slug"))
    partner.save()
    participation = factories.ParticipationFactory.build(partner=partner)
    participation.project.save()
    participation.project = participation.project
    at(CREATED, participation).save()
    partner.slug = "new-slug"
    at(CHANGED, partner).save()

    moment = day(CREATED)
    then = asof.versions(Partner, moment).filter(slug="old-slug").values("id")
    assert asof.versions(Participation, moment).filter(partner_id__in=then).count() == 1
    assert asof.versions(Partner, moment).filter(slug="new-slug").count() == 0
    assert asof.versions(Participation, moment).filter(partner__slug="old-slug").count() == 0
    assert set(asof.ids(Partner, moment).values_list("id", flat=True)) == {partner.pk}


def test_the_day_ends_in_the_sites_time_zone(settings):
    settings.TIME_ZONE = "America/New_York"
    # 30 Jun 2025, 23:30 in New York is already 1 Jul in UTC.
    late_evening = dt.datetime(2025, 7, 1, 3, 30, tzinfo=UTC)
    at(late_evening, factories.CommitmentFactory.build(partner=factories.PartnerFactory())).save()

    assert asof.versions(Commitment, asof.end_of_day(dt.date(2025, 6, 29))).count() == 0
    assert asof.versions(Commitment, asof.end_of_day(dt.date(2025, 6, 30))).count() == 1
    assert asof.end_of_day(dt.date(2025, 6, 30)) == dt.datetime(2025, 7, 1, 4, tzinfo=UTC)
    assert asof.day_of(late_evening) == dt.date(2025, 6, 30)


def test_the_first_day_is_the_first_records():
    assert asof.first_day() is None
    at(CHANGED, factories.TargetFactory.build()).save()
    at(CREATED, factories.PartnerFactory.build()).save()
    assert asof.first_day() == CREATED.date()


def test_a_selector_written_once_reads_today_and_any_past_day():
    """The pattern for the dashboard's selectors: rows and keys from a reading, no join across
    `__`; today's reading from the history equals the live tables'."""
    gip = at(CREATED, factories.PartnerFactory.build(slug="gip"))
    gip.save()
    for stage, mw in (("construction", "100"), ("operational", "250")):
        project = at(CREATED, factories.ProjectFactory.build(stage=stage, capacity_mw=Decimal(mw)))
        project.save()
        at(CREATED, factories.ParticipationFactory.build(project=project, partner=gip)).save()
    project.stage = "construction"
    at(CHANGED, project).save()
    at(CHANGED, factories.ProjectFactory.build(stage="announced")).save()  # no GIP

    def capacity_by_stage(reading, partner):
        taking_part = reading.rows(Participation).filter(
            partner_id__in=reading.ids(Partner, slug__in=[partner])
        )
        return dict(
            reading.rows(Project)
            .filter(id__in=taking_part.values("project_id"))
            .order_by()
            .values_list("stage")
            .annotate(mw=Sum("capacity_mw"))
        )

    then = asof.AsOf.end_of(CREATED.date())
    assert capacity_by_stage(then, "gip") == {
        "construction": Decimal("100.0"),
        "operational": Decimal("250.0"),
    }
    today = asof.AsOf(timezone.now())
    assert capacity_by_stage(today, "gip") == capacity_by_stage(asof.Live(), "gip")
    assert capacity_by_stage(asof.Live(), "gip") == {"construction": Decimal("350.0")}
    assert then.key == "asof:2025-01-11T00:00:00+00:00"
    assert asof.Live().key == "live" and asof.Live().is_live and not then.is_live
