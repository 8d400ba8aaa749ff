"""Scenarios in the admin: an editor keeps their own, sees the shared ones, never another's
private one; errors on their fields; history."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from aipdash.scenarios.models import Scenario
from tests.factories import ScenarioFactory

pytestmark = pytest.mark.django_db
ADD = reverse("admin:scenarios_scenario_add")
LIST = reverse("admin:scenarios_scenario_changelist")


def change_url(scenario):
    return reverse("admin:scenarios_scenario_change", args=[scenario.pk])


def form(**values):
    return {
        "name": "Late and lean",
        "slug": "",
        "description": "",
        "visibility": "private",
        "slip_announced_months": "0",
        "slip_development_months": "6",
        "slip_construction_months": "0",
        "attrition_announced_pct": "0",
        "attrition_development_pct": "0",
        "attrition_construction_pct": "0",
        "attrition_by_kind": "{}",
        "leverage": "",
        "cost_per_mw_data_centre_usd": "",
        "cost_per_mw_generation_usd": "",
        "cost_per_mw_storage_usd": "",
        "cost_per_mw_grid_usd": "",
        "demand_case": "base",
        "assumption_sources": "{}",
        **values,
    }


@pytest.fixture
def someone_else(groups):
    user = User.objects.create_user("someone", is_staff=True)
    user.groups.add(Group.objects.get(name="editor"))
    return user


def test_an_editor_lists_their_own_and_the_shared_scenarios_only(
    editor_client, editor, someone_else
):
    own = ScenarioFactory(owner=editor, visibility="private", name="Mine")
    shared = ScenarioFactory(owner=someone_else, name="Shared one")
    private = ScenarioFactory(owner=someone_else, visibility="private", name="Secret plan")

    page = editor_client.get(LIST)
    assert page.status_code == 200
    assert own.name in page.text and shared.name in page.text
    assert private.name not in page.text
    # Its page by id: not there for this editor (the admin sends them to its index).
    response = editor_client.get(change_url(private))
    assert response.status_code == 302
    assert private.name not in editor_client.get(response["Location"]).text


def test_an_editor_adds_a_scenario_as_its_owner(editor_client, editor):
    response = editor_client.post(ADD, form())
    assert response.status_code == 302, response.text
    scenario = Scenario.objects.get()
    assert (scenario.owner, scenario.slug, scenario.slip_development_months) == (
        editor,
        "late-and-lean",
        6,
    )
    record = scenario.history.get()
    assert record.history_user == editor


def test_a_wrong_value_is_shown_on_its_field(editor_client):
    response = editor_client.post(
        ADD,
        form(
            slip_construction_months="121",
            attrition_by_kind='{"generation": {"announced": 140}}',
            leverage="-2",
        ),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"slip_construction_months", "attrition_by_kind", "leverage"}
    assert not Scenario.objects.exists()


def test_an_editor_views_but_does_not_change_another_s_shared_scenario(editor_client, someone_else):
    shared = ScenarioFactory(owner=someone_else, name="Shared one")
    page = editor_client.get(change_url(shared))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text  # view only
    response = editor_client.post(change_url(shared), form(name="Taken over"))
    assert response.status_code == 403
    shipped = ScenarioFactory()  # no owner: the demo's, any editor's to change
    response = editor_client.post(change_url(shipped), form(name="Tuned", visibility="everyone"))
    assert response.status_code == 302
    assert Scenario.objects.get(pk=shipped.pk).name == "Tuned"


def test_the_history_and_the_sources_of_a_scenario(editor_client, editor):
    scenario = ScenarioFactory(owner=editor, leverage="1.5")
    page = editor_client.get(reverse("admin:scenarios_scenario_history", args=[scenario.pk]))
    assert page.status_code == 200
    page = editor_client.get(change_url(scenario))
    assert "Assumption of ours: Set in this scenario; no source given." in page.text  # leverage
    assert "IEA, Energy and AI: the base case" in page.text  # the demand case, at its default
    assert "per MW of" not in page.text or "median" in page.text


def test_a_superuser_manages_every_scenario(admin_client, someone_else):
    private = ScenarioFactory(owner=someone_else, visibility="private", name="Secret plan")
    assert private.name in admin_client.get(LIST).text
    assert admin_client.get(change_url(private)).status_code == 200
