"""The scenarios shipped with the demo: loaded by load_demo, each assumption sourced or marked as
ours, loaded once (a second run writes nothing), put back by a refresh."""

import pytest

from aipdash.operations.demo.loader import load_demo
from aipdash.scenarios import demo
from aipdash.scenarios.assumptions import GROUPS, Basis
from aipdash.scenarios.models import Scenario

pytestmark = pytest.mark.django_db
SLUGS = {"everything-a-year-late", "queued-up-attrition", "less-debt-1-5-to-1"}


def test_load_demo_ships_three_scenarios_everyone_may_pick():
    counts = load_demo()
    assert "Scenario" not in counts  # not portfolio records
    scenarios = Scenario.objects.all()
    assert {s.slug for s in scenarios} == SLUGS
    for scenario in scenarios:
        scenario.full_clean()
        assert scenario.owner is None
        assert scenario.visibility == Scenario.Visibility.EVERYONE
        assert scenario.history.get().history_change_reason == "Demo data (load_demo)"


def test_each_assumption_of_a_demo_scenario_is_sourced_or_ours():
    demo.load()
    for scenario in Scenario.objects.all():
        for group in GROUPS:
            basis = scenario.basis(group)
            if scenario.at_default(group):
                continue  # the default's own source (tests/scenarios/test_models.py)
            # Changed from its default: a source stated for it, never "no source given".
            assert group in scenario.assumption_sources, (scenario.slug, group)
            assert basis.note
            if basis.kind == Basis.SOURCE:
                assert basis.title and basis.url.startswith("https://") and basis.as_of
            else:
                assert basis.kind == Basis.OURS
    queued_up = Scenario.objects.get(slug="queued-up-attrition")
    # No source of ours dates the Queued Up rates: an assumption of ours, saying where the rates
    # come from, never a source with an as-of date we have not seen.
    basis = queued_up.basis("attrition")
    assert basis.kind == Basis.OURS and basis.as_of is None
    assert "Queued Up" in basis.note and "assumption of ours" in basis.note
    assert len(basis.note) <= 500
    a = queued_up.assumptions
    assert (a.attrition("announced", "generation"), a.attrition("announced", "storage")) == (86, 89)
    assert a.attrition("announced", "data_centre") == a.attrition("development", "generation") == 0
    assert (
        Scenario.objects.get(slug="everything-a-year-late").assumptions.slip("construction") == 12
    )
    assert Scenario.objects.get(slug="less-debt-1-5-to-1").assumptions.leverage == 1.5


def test_a_second_load_writes_nothing_and_a_refresh_puts_the_demo_back():
    demo.load()
    late = Scenario.objects.get(slug="everything-a-year-late")
    late.slip_announced_months = 3
    late.attrition_announced_pct = 10
    late.save()
    rows = Scenario.history.count()

    assert demo.load() == 3
    assert Scenario.history.count() == rows  # nothing saved again; the edit is kept
    assert Scenario.objects.get(pk=late.pk).slip_announced_months == 3

    demo.load(refresh=True)
    late = Scenario.objects.get(pk=late.pk)
    assert (late.slip_announced_months, late.attrition_announced_pct) == (12, 0)
    assert late.history.first().history_change_reason == demo.REFRESH_REASON
    assert Scenario.history.count() == rows + 1
