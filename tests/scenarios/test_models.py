"""The Scenario record: its rules (a clear message on the wrong field, and the database's own
check), its version token, its slug, its history, where each assumption comes from, and that
saving one leaves the portfolio's data version alone. The migrations are complete."""

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from aipdash.core.cache import versions
from aipdash.scenarios.assumptions import (
    DEFAULT_BASIS,
    Assumptions,
    AssumptionsError,
    Basis,
)
from aipdash.scenarios.models import Scenario
from tests.factories import ScenarioFactory

pytestmark = pytest.mark.django_db

BAD = [
    ("slip_announced_months", 121, "A slip from 0 to 120 months"),
    ("slip_construction_months", -1, "Ensure this value is greater than or equal to 0."),
    ("attrition_development_pct", Decimal("100.01"), "An attrition from 0 to 100 percent"),
    ("attrition_announced_pct", Decimal(-5), "An attrition from 0 to 100 percent"),
    ("leverage", Decimal(-1), "A leverage from 0 to 10"),
    ("leverage", Decimal("10.5"), "A leverage from 0 to 10"),
    ("cost_per_mw_data_centre_usd", Decimal(-1), "A cost per MW from $10,000 to $100,000,000"),
    ("cost_per_mw_grid_usd", Decimal(5), "A cost per MW from $10,000 to $100,000,000"),
    ("cost_per_mw_storage_usd", Decimal(10**9), "A cost per MW from $10,000 to $100,000,000"),
    ("attrition_by_kind", {"rocket": {"announced": 5}}, "Unknown project kind “rocket”"),
    ("attrition_by_kind", {"storage": {"operational": 5}}, "unknown stage “operational”"),
    ("attrition_by_kind", {"storage": {"announced": 101}}, "For storage, announced: An attr"),
    ("attrition_by_kind", {"storage": {"announced": "lots"}}, "a number from 0 to 100"),
    ("attrition_by_kind", [1, 2], "Per-kind attrition is {kind: {stage: percent}}"),
    ("demand_case", "historical", "is not a valid choice"),
    ("assumption_sources", {"luck": {"kind": "ours", "note": "x"}}, "Unknown assumption “luck”"),
    ("assumption_sources", {"slip": {"kind": "ours", "note": ""}}, "say in the note why"),
    ("assumption_sources", {"slip": {"kind": "source", "title": "T", "url": "ftp://x"}}, "URL"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD, ids=[f"{f}={v}" for f, v, _ in BAD])
def test_a_wrong_assumption_is_named_on_its_field(field, value, message):
    scenario = ScenarioFactory.build(**{field: value})
    with pytest.raises(ValidationError) as error:
        scenario.full_clean()
    errors = error.value.message_dict
    assert list(errors) == [field]
    assert message in " ".join(errors[field])


@pytest.mark.parametrize(("field", "value", "message"), BAD[:9], ids=[f for f, _, _ in BAD[:9]])
def test_the_same_rules_hold_for_assumptions_that_are_not_saved(field, value, message):
    """A form or a query string that is not saved yet goes through Assumptions.from_fields."""
    with pytest.raises(AssumptionsError) as error:
        Assumptions.from_fields({field: value})
    assert list(error.value.errors) == [field]
    if "Ensure" not in message:
        assert message in error.value.errors[field]
    with pytest.raises(AssumptionsError) as error:
        Assumptions.from_fields({"slip_announced_months": "12.5", "leverage": "much"})
    assert set(error.value.errors) == {"slip_announced_months", "leverage"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("slip_development_months", 121),
        ("attrition_construction_pct", Decimal(101)),
        ("leverage", Decimal(11)),
        ("cost_per_mw_generation_usd", Decimal(1)),
        ("demand_case", "reference"),
    ],
)
def test_the_database_refuses_what_the_form_would(field, value):
    scenario = ScenarioFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Scenario.objects.filter(pk=scenario.pk).update(**{field: value})


def test_a_private_scenario_needs_an_owner(viewer):
    with pytest.raises(ValidationError) as error:
        ScenarioFactory.build(visibility=Scenario.Visibility.PRIVATE).full_clean()
    assert list(error.value.message_dict) == ["visibility"]
    ScenarioFactory.build(owner=viewer, visibility=Scenario.Visibility.PRIVATE).full_clean()


def test_every_save_gives_a_new_version_and_the_slug_is_made_once():
    first = Scenario.objects.create(name="Everything late!", visibility="everyone")
    second = Scenario.objects.create(name="Everything late?", visibility="everyone")
    assert (first.slug, second.slug) == ("everything-late", "everything-late-2")
    version = first.version
    assert len(version) == 32
    first.slip_announced_months = 6
    first.save()
    assert first.version != version
    before = first.version
    first.save(update_fields=["description"])
    assert Scenario.objects.get(pk=first.pk).version == first.version != before
    first.name = "Renamed"
    first.save()
    assert first.slug == "everything-late"  # the address does not move with the name


@pytest.mark.django_db(transaction=True)
def test_saving_a_scenario_leaves_the_portfolio_data_version_alone():
    before = versions.data_version()
    scenario = ScenarioFactory()
    scenario.leverage = Decimal("1.5")
    scenario.save()
    scenario.delete()
    assert versions.data_version() == before


def test_the_history_says_who_changed_which_assumption(editor):
    scenario = ScenarioFactory(owner=editor)
    scenario.slip_construction_months = 12
    scenario._history_user = editor
    scenario.save()
    latest, first = scenario.history.all()[:2]
    assert latest.history_user == editor
    changes = latest.diff_against(first).changes
    assert {(c.field, c.old, c.new) for c in changes if c.field != "version"} == {
        ("slip_construction_months", 0, 12)
    }


def test_each_assumption_says_where_it_comes_from():
    scenario = ScenarioFactory()
    for group, basis in DEFAULT_BASIS.items():
        assert scenario.basis(group) == basis  # at its default: the default's source
    assert scenario.basis("leverage").kind == Basis.SOURCE
    assert scenario.basis("leverage").url == "https://publicpower.org/node/24267"

    scenario.leverage = Decimal("1.2")
    assert scenario.basis("leverage") == Basis(Basis.OURS, "Set in this scenario; no source given.")
    scenario.assumption_sources = {"leverage": {"kind": "ours", "note": "A stress case."}}
    assert scenario.basis("leverage") == Basis(Basis.OURS, "A stress case.")


def test_the_assumptions_of_a_saved_scenario():
    scenario = ScenarioFactory(
        slip_development_months=6,
        attrition_by_kind={"generation": {"announced": 86}},
        leverage=Decimal("1.50"),
    )
    a = Scenario.objects.get(pk=scenario.pk).assumptions
    assert a.slip("development") == 6
    assert a.attrition("announced", "generation") == 86
    assert a.attrition("announced", "data_centre") == 0
    assert a.leverage == Decimal("1.5")
    assert not a.moves_nothing
    assert ScenarioFactory().assumptions == Assumptions()


def test_an_empty_text_for_the_per_kind_attrition_is_none_wherever_it_comes_from():
    """The JSON text "" (typed in the admin's field, or `attrition_by_kind=""` in a form) is
    valid, empty for none: a saved scenario holding it gives its assumptions like any other
    (mypy found `.items()` called on it)."""
    scenario = ScenarioFactory.build(attrition_by_kind="")
    scenario.full_clean()
    scenario.save()
    assert Scenario.objects.get(pk=scenario.pk).assumptions == Assumptions()
    assert Assumptions.from_fields({"attrition_by_kind": '""'}) == Assumptions()


def test_the_migrations_are_complete_and_give_editors_the_scenarios():
    out = StringIO()
    call_command("makemigrations", "scenarios", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
    editor = set(Group.objects.get(name="editor").permissions.values_list("codename", flat=True))
    assert {"view_scenario", "add_scenario", "change_scenario", "delete_scenario"} <= editor
