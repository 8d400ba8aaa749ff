"""The scenario form's unsaved values in the address (drafts), Save, Save as…, the list,
Duplicate, the history in words, and shared links that carry a copy of a scenario."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.http import QueryDict
from django.urls import reverse

from aipdash.dashboard.filters import DashboardFilters, FilterError
from aipdash.dashboard.pages import with_scenario
from aipdash.scenarios import drafts, services
from aipdash.scenarios.assumptions import Assumptions
from aipdash.scenarios.models import Scenario
from aipdash.sharing.models import ShareLink
from tests.dashboard.test_selectors import portfolio  # noqa: F401 (fixture)
from tests.factories import ScenarioFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("portfolio")]
DASHBOARD = reverse("dashboard")


def parse(query: str) -> DashboardFilters:
    return DashboardFilters.from_query(QueryDict(query), partner_slugs={"gip", "mgx"})


def other_user(name: str = "other") -> User:
    user = User.objects.create_user(name)
    user.groups.add(Group.objects.get(name="viewer"))
    return user


# Drafts: parsed, checked, pruned ------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("slip_development_months=121", "slip_development_months", "0 to 120 months"),
        ("slip_announced_months=1.5", "slip_announced_months", "whole months"),
        ("attrition_construction_pct=-1", "attrition_construction_pct", "0 to 100 percent"),
        ("leverage=11", "leverage", "from 0 to 10"),
        ("cost_per_mw_generation_usd=5", "cost_per_mw_generation_usd", "$10,000"),
        ("attrition_storage_announced_pct=101", "attrition_storage_announced_pct", "0 to 100"),
        ("demand_case=worst", "demand_case", "published cases"),
        ("leverage=nan", "leverage", "from 0 to 10"),
        ("attrition_fusion_announced_pct=5", "attrition_fusion_announced_pct", "not a filter"),
        (
            "attrition_generation_operational_pct=5",
            "attrition_generation_operational_pct",
            "not a filter",
        ),
        ("leverage=1&leverage=2", "leverage", "one value"),
    ],
)
def test_a_bad_value_is_named_on_its_field(query, field, words):
    with pytest.raises(FilterError) as raised:
        parse(query)
    assert set(raised.value.errors) == {field}
    assert words in raised.value.errors[field]


def test_a_draft_is_part_of_the_address_in_one_form():
    filters = parse("stage=construction&slip_development_months=012&leverage=1.50")
    assert filters.draft == (("leverage", "1.5"), ("slip_development_months", "12"))
    assert filters.canonical() == "leverage=1.5&slip_development_months=12&stage=construction"


def test_values_equal_to_the_scenarios_own_leave_the_address(viewer):
    ScenarioFactory(slug="late", slip_development_months=12, leverage=Decimal("1.5"))
    filters = with_scenario(
        parse("scenario=late&slip_development_months=12&leverage=1.50&slip_announced_months=3"),
        viewer,
    )
    assert filters.draft == (("slip_announced_months", "3"),)
    assert filters.applied.edited and filters.applied.slug == "late"
    assumptions = filters.applied.assumptions
    assert (assumptions.slip("announced"), assumptions.slip("development")) == (3, 12)
    assert assumptions.leverage == Decimal("1.5")
    # Nothing changed: the saved scenario itself, its own version.
    same = with_scenario(parse("scenario=late&slip_development_months=12"), viewer)
    assert same.draft == () and not same.applied.edited
    assert same.applied.version == Scenario.objects.get(slug="late").version


def test_an_emptied_value_is_a_change_back_to_the_default(viewer):
    ScenarioFactory(
        slug="lev",
        leverage=Decimal("1.5"),
        attrition_by_kind={"generation": {"announced": 86}},
    )
    filters = with_scenario(
        parse("scenario=lev&leverage=&attrition_generation_announced_pct="), viewer
    )
    assert filters.applied.assumptions.leverage is None
    assert filters.applied.assumptions.attrition("announced", "generation") == 0
    assert "leverage=&" in filters.canonical() + "&"


def test_each_draft_has_its_own_cache_key(viewer):
    ScenarioFactory(slug="late", slip_development_months=12)
    keys = {
        with_scenario(parse(query), viewer).cache_text()
        for query in (
            "scenario=late",
            "scenario=late&slip_development_months=6",
            "scenario=late&slip_development_months=7",
            "slip_development_months=6",  # a new scenario, from the defaults
        )
    }
    assert len(keys) == 4
    with pytest.raises(ValueError, match="not resolved"):
        parse("slip_development_months=6").cache_text()


def test_a_new_draft_from_the_defaults_needs_no_scenario(viewer):
    filters = with_scenario(parse("attrition_announced_pct=50"), viewer)
    assert filters.scenario is None and filters.applied.name == "New scenario"
    assert filters.applied.assumptions.attrition("announced") == 50
    assert with_scenario(parse("attrition_announced_pct=0"), viewer).applied is None


def test_the_draft_basis_says_what_changed(viewer):
    ScenarioFactory(slug="late", slip_development_months=12)
    lines = {
        label: basis
        for label, _words, basis in with_scenario(
            parse("scenario=late&leverage=1.2"), viewer
        ).applied.lines
    }
    assert "Changed in the scenario form; no source given." in lines["Leverage"]
    assert "publicpower.org" not in lines["Leverage"]
    assert "Set in this scenario" in lines["Schedule slip"]  # as the saved one says


# The dashboard with a draft -----------------------------------------------------------------


def test_the_dashboard_draws_a_draft_and_keeps_it_in_the_address(viewer_client):
    ScenarioFactory(slug="late", name="Late", slip_development_months=12)
    response = viewer_client.get(
        DASHBOARD, {"scenario": "late", "slip_development_months": "12", "leverage": "2"}
    )
    assert response.status_code == 302  # the canonical address: only what changes
    assert response.url == DASHBOARD + "?leverage=2&scenario=late"
    page = viewer_client.get(response.url)
    assert page.status_code == 200
    html = page.text
    assert "changed in the form, not saved" in html
    assert 'id="scenario-panel" open' in html
    assert re.search(r'name="leverage" value="2"[^>]*data-default=""', html)
    assert 'form="dashboard-filters"' in html
    partial = viewer_client.get(response.url, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and partial["HX-Push-Url"] == response.url
    assert Scenario.objects.get(slug="late").leverage is None  # nothing saved


def test_a_bad_draft_is_a_400_naming_the_field_on_every_path(viewer_client):
    for path in (DASHBOARD, reverse("chart", args=["capacity_pipeline"])):
        for htmx in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = viewer_client.get(path, {"slip_development_months": "121"}, **htmx)
            assert response.status_code == 400
            assert "Slip, development" in response.text
            assert 'data-field="slip_development_months"' in response.text
    csv = viewer_client.get(reverse("chart-csv", args=["capacity_pipeline"]), {"leverage": "11"})
    assert csv.status_code == 400


def test_a_draft_over_another_users_private_scenario_is_refused(viewer_client):
    ScenarioFactory(
        slug="theirs",
        name="Their secret",
        owner=other_user(),
        visibility=Scenario.Visibility.PRIVATE,
    )
    response = viewer_client.get(DASHBOARD, {"scenario": "theirs", "leverage": "1"})
    assert response.status_code == 400
    assert "Their secret" not in response.text


def test_the_draft_moves_the_figures(viewer_client):
    url = reverse("api:chart", args=["capacity_pipeline"])
    rows = viewer_client.get(url, {"attrition_development_pct": "50"}).json()["rows"]
    development = [r for r in rows if r["stage"] == "development"]
    assert development and all(float(r["mw_scenario"]) == float(r["mw"]) / 2 for r in development)


# Save -----------------------------------------------------------------------------------------


def save(client, slug, view):
    return client.post(reverse("scenario-save", args=[slug]), {"view": view})


def test_the_owner_saves_a_new_version_with_a_history_row(viewer_client, viewer):
    mine = ScenarioFactory(slug="mine", owner=viewer, visibility=Scenario.Visibility.PRIVATE)
    version, rows = mine.version, mine.history.count()
    response = save(
        viewer_client, "mine", "kind=generation&scenario=mine&slip_development_months=12"
    )
    assert response.status_code == 302
    assert response.url == DASHBOARD + "?kind=generation&scenario=mine"  # the draft is saved
    mine.refresh_from_db()
    assert mine.slip_development_months == 12
    assert mine.version != version  # the figures cached under the old one are not read
    assert mine.history.count() == rows + 1
    assert mine.history.first().history_user == viewer


def test_a_changed_group_loses_the_source_stated_for_other_values(viewer_client, viewer):
    ours = {"kind": "ours", "note": "Stress case."}
    mine = ScenarioFactory(
        slug="mine",
        owner=viewer,
        slip_development_months=12,
        leverage=Decimal("1.5"),
        assumption_sources={"slip": ours, "leverage": ours},
    )
    save(viewer_client, "mine", "leverage=2&scenario=mine")
    mine.refresh_from_db()
    assert mine.assumption_sources == {"slip": ours}
    assert "no source given" in mine.basis("leverage").note


@pytest.mark.parametrize(
    ("owner", "visibility"),
    [("other", Scenario.Visibility.EVERYONE), (None, Scenario.Visibility.EVERYONE)],
)
def test_nobody_saves_over_another_users_or_the_demos_scenario(
    viewer_client,
    owner,
    visibility,
):
    scenario = ScenarioFactory(
        slug="theirs", owner=other_user() if owner else None, visibility=visibility
    )
    version = scenario.version
    response = save(viewer_client, "theirs", "scenario=theirs&slip_development_months=12")
    assert response.status_code == 400
    assert "not yours" in response.text
    scenario.refresh_from_db()
    assert scenario.slip_development_months == 0 and scenario.version == version


def test_save_of_a_private_scenario_of_another_user_is_a_404(viewer_client):
    ScenarioFactory(slug="theirs", owner=other_user(), visibility=Scenario.Visibility.PRIVATE)
    assert save(viewer_client, "theirs", "scenario=theirs&leverage=1").status_code == 404


@pytest.mark.parametrize(
    "view",
    [
        "scenario=mine&slip_development_months=121",
        "scenario=mine&attrition_announced_pct=-1",
        "scenario=mine&leverage=11",
        "scenario=mine&cost_per_mw_grid_usd=5",
        "scenario=mine&attrition_nuclear_announced_pct=5",
    ],
)
def test_a_bad_value_saves_nothing(viewer_client, viewer, view):
    mine = ScenarioFactory(slug="mine", owner=viewer)
    version, rows = mine.version, mine.history.count()
    response = save(viewer_client, "mine", view)
    assert response.status_code == 400
    field = view.split("&")[1].split("=")[0]
    assert f'data-field="{field}"' in response.text
    mine.refresh_from_db()
    assert mine.version == version and mine.history.count() == rows


# Save as…, Duplicate --------------------------------------------------------------------------


def test_save_as_makes_a_scenario_of_ones_own_and_the_address_names_it(
    viewer_client,
    viewer,
):
    ScenarioFactory(
        slug="demo-late",
        name="Everything late",
        slip_development_months=12,
        assumption_sources={"slip": {"kind": "ours", "note": "Stress."}},
    )
    view = "kind=generation&leverage=1.2&scenario=demo-late"
    form = viewer_client.get(reverse("scenario-save-as") + "?" + view)
    assert form.status_code == 200
    assert 'value="Copy of Everything late"' in form.text
    response = viewer_client.post(
        reverse("scenario-save-as"),
        {"name": "Late and less debt", "visibility": "private", "view": view},
    )
    assert response.status_code == 302
    new = Scenario.objects.get(name="Late and less debt")
    assert response.url == DASHBOARD + f"?kind=generation&scenario={new.slug}"
    assert new.owner == viewer and new.visibility == Scenario.Visibility.PRIVATE
    assert (new.slip_development_months, new.leverage) == (12, Decimal("1.2"))
    assert new.assumption_sources == {"slip": {"kind": "ours", "note": "Stress."}}
    assert Scenario.objects.get(slug="demo-late").leverage is None  # the base is unchanged


@pytest.mark.parametrize(
    ("data", "words"),
    [({"name": ""}, "This field is required"), ({"name": "x" * 121}, "at most 120")],
)
def test_save_as_without_a_good_name_says_so_and_saves_nothing(
    viewer_client,
    data,
    words,
):
    response = viewer_client.post(
        reverse("scenario-save-as"),
        {"visibility": "private", "view": "leverage=1.2", **data},
    )
    assert response.status_code == 400 and words in response.text
    assert not Scenario.objects.exists()


def test_duplicate_makes_a_private_copy_of_ones_own(viewer_client, viewer):
    ScenarioFactory(
        slug="demo", name="Queued Up", attrition_by_kind={"generation": {"announced": 86}}
    )
    response = viewer_client.post(reverse("scenario-duplicate", args=["demo"]))
    assert response.status_code == 302
    copy = Scenario.objects.get(name="Copy of Queued Up")
    assert copy.owner == viewer and copy.visibility == Scenario.Visibility.PRIVATE
    assert copy.assumptions == Scenario.objects.get(slug="demo").assumptions
    assert copy.slug != "demo"


def test_another_users_private_scenario_is_neither_duplicated_nor_shown(viewer_client):
    ScenarioFactory(slug="theirs", name="Their secret", owner=other_user(), visibility="private")
    assert viewer_client.post(reverse("scenario-duplicate", args=["theirs"])).status_code == 404
    assert viewer_client.get(reverse("scenario-history", args=["theirs"])).status_code == 404
    assert "Their secret" not in viewer_client.get(reverse("scenario-list")).text


# The list and the history ---------------------------------------------------------------------


def test_the_list_names_owner_visibility_and_last_change(viewer_client, viewer):
    mine = ScenarioFactory(slug="mine", name="Mine", owner=viewer, visibility="private")
    ScenarioFactory(slug="demo", name="Shipped one")
    save(viewer_client, "mine", "scenario=mine&leverage=2")
    html = viewer_client.get(reverse("scenario-list")).text
    assert "Mine" in html and "Shipped one" in html
    assert "viewer (you)" in html and "the demo (no owner)" in html
    assert "Only its owner" in html and "Everyone who may browse the dashboard" in html
    assert "by viewer" in html
    assert reverse("scenario-history", args=["mine"]) in html
    assert f'href="{DASHBOARD}?scenario={mine.slug}"' in html
    assert 'href="/scenarios/"' in viewer_client.get(DASHBOARD).text  # the nav and the form


def test_the_history_says_who_changed_which_assumption_when(viewer_client, viewer):
    mine = ScenarioFactory(slug="mine", owner=viewer)
    save(
        viewer_client,
        "mine",
        "scenario=mine&slip_development_months=12&attrition_generation_announced_pct=86",
    )
    save(viewer_client, "mine", "scenario=mine&leverage=1.5&cost_per_mw_grid_usd=2000000")
    entries = services.history_in_words(mine)
    assert [e.what for e in entries] == ["changed", "changed", "created"]
    assert entries[0].who == "viewer"
    assert set(entries[0].changes) == {
        "leverage: the partnership's own (about 2.33) → 1.5 : 1",
        "cost per MW, grid: the portfolio's median → $2,000,000",
    }
    assert set(entries[1].changes) == {
        "slip, development: 0 → 12 months",
        "attrition by kind: none → generation announced 86 %",
    }
    html = viewer_client.get(reverse("scenario-history", args=["mine"])).text
    assert "slip, development: 0 → 12 months" in html


# Shared links carry a copy --------------------------------------------------------------------


def share(client, view, **extra):
    response = client.post(
        reverse("share-new"), {"label": "Board", "days": 7, "view": view, **extra}
    )
    token = re.search(r"/s/([A-Za-z0-9_-]{43})/", response.text)
    return response, token.group(1) if token else None


def test_a_link_keeps_the_scenario_as_it_was(viewer_client, viewer, client):
    mine = ScenarioFactory(slug="mine", name="Late", owner=viewer, slip_development_months=12)
    _response, token = share(viewer_client, "scenario=mine")
    save(viewer_client, "mine", "scenario=mine&slip_development_months=24")  # a later edit
    mine.refresh_from_db()
    assert mine.slip_development_months == 24

    client.logout()
    page = client.get(reverse("shared", args=[token]))
    assert page.status_code == 200
    html = page.text
    assert "Late" in html and "kept by viewer" in html
    assert "development 12 months" in html and "development 24 months" not in html
    assert "as they were when this link was made" in html
    api = client.get(reverse("shared-chart-csv", args=[token, "capacity_pipeline"]))
    assert api.status_code == 200
    assert "Capacity under “Late”" in b"".join(api.streaming_content).decode()


def test_a_link_of_a_draft_keeps_the_drafts_values(viewer_client, viewer, client):
    ScenarioFactory(slug="demo", name="Shipped")
    _response, token = share(viewer_client, "leverage=1.2&scenario=demo")
    link = ShareLink.objects.get()
    assert Assumptions.from_fields(link.scenario["assumptions"]).leverage == Decimal("1.2")
    client.logout()
    assert "1.2 : 1" in client.get(reverse("shared", args=[token])).text


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("scenario=demo", "scenario"),
        ("leverage=1", "leverage"),
        ("slip_announced_months=3", "slip_announced_months"),
    ],
)
def test_a_viewer_adds_no_scenario_or_value_of_their_own(
    viewer_client,
    client,
    query,
    field,
):
    ScenarioFactory(slug="demo")
    _response, token = share(viewer_client, "")
    client.logout()
    response = client.get(reverse("shared", args=[token]) + "?" + query)
    assert response.status_code == 400
    assert f'data-field="{field}"' in response.text


def test_a_link_under_a_scenario_is_not_frozen(viewer_client):
    ScenarioFactory(slug="demo")
    response, token = share(viewer_client, "scenario=demo", frozen="on")
    assert token is None and "cannot be frozen" in response.text
    assert not ShareLink.objects.exists()


def test_the_share_form_lists_the_scenarios_assumptions(viewer_client):
    ScenarioFactory(slug="demo", name="Shipped", slip_development_months=12)
    html = viewer_client.get(reverse("share-new") + "?scenario=demo").text
    assert "Under the scenario <strong>“Shipped”</strong>" in html
    assert "development 12 months" in html


def test_draft_fields_cover_every_assumption():
    assert set(drafts.fields_of(Assumptions())) == set(drafts.DRAFT_FIELDS)
