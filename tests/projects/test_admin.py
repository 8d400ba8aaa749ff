"""Data entry through the admin's real forms: rules shown on their fields, nothing half saved."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from aipdash.dashboard import selectors
from aipdash.dashboard.filters import DashboardFilters
from aipdash.records.provenance import AS_OF_IN_THE_FUTURE
from projects.models import Commitment, FundraisingUpdate, Participation, Project, ProjectPhase
from tests.factories import (
    CommitmentFactory,
    InvestmentFactory,
    MarketIndicatorFactory,
    ParticipationFactory,
    PartnerFactory,
    ProjectFactory,
    ProjectPhaseFactory,
    TargetFactory,
)
from tests.projects.test_commitment_facts import LONGEST_TITLE, longest_url

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:projects_project_add")
INLINES = ("phases", "participations", "commitments")


def project_post(*, phases=(), participations=(), **fields):
    """The POST body of the project add form, with its three inlines."""
    data = {
        "name": "Lakeside Campus",
        "slug": "lakeside-campus",
        "kind": "data_centre",
        "stage": "construction",
        "investment": "",
        "country": "US",
        "region": "Ohio",
        "latitude": "40.0",
        "longitude": "-83.0",
        "energy_source": "",
        "capacity_mw": "300",
        "announced_on": "2025-02-01",
        "expected_online": "2027-06-30",
        "capital_cost_usd": "3000000000",
        "description": "",
        "source_title": "Company release",
        "source_url": "https://example.com/release",
        "as_of": "2025-02-01",
    }
    data.update(fields)
    rows = {"phases": list(phases), "participations": list(participations), "commitments": []}
    for prefix in INLINES:
        data |= {
            f"{prefix}-TOTAL_FORMS": str(len(rows[prefix])),
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        for i, row in enumerate(rows[prefix]):
            data |= {f"{prefix}-{i}-{key}": value for key, value in row.items()}
    return data


def phase(sequence, mw, online, **extra):
    return {
        "sequence": str(sequence),
        "name": "",
        "stage": "construction",
        "capacity_mw": str(mw),
        "expected_online": online,
        **extra,
    }


def participation(partner, role, stake):
    return {"partner": str(partner.pk), "role": role, "stake_percent": str(stake)}


def form_errors(response):
    return response.context["adminform"].form.errors


def inline_errors(response, prefix):
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.prefix == prefix:
            return [form.errors for form in inline.formset.forms]
    raise AssertionError(f"no inline {prefix}")


def test_editor_adds_a_project_with_phases_and_participations(editor_client):
    msft, gip = PartnerFactory(short_name="MSFT"), PartnerFactory(short_name="GIP")
    response = editor_client.post(
        ADD_URL,
        project_post(
            phases=[phase(1, 150, "2026-06-30"), phase(2, 150, "2027-06-30")],
            participations=[
                participation(gip, "equity_investor", 60),
                participation(msft, "offtaker", ""),
            ],
        ),
    )
    assert response.status_code == 302, form_errors(response)
    project = Project.objects.get(slug="lakeside-campus")
    assert project.capacity_mw == Decimal("300.0")
    phases = list(project.phases.order_by("sequence"))
    assert [p.capacity_mw for p in phases] == [Decimal("150.0"), Decimal("150.0")]
    # Rows left without a source take the project's.
    assert phases[0].source_url == "https://example.com/release"
    assert phases[0].as_of == dt.date(2025, 2, 1)
    assert project.participations.get(partner=gip).stake_percent == Decimal("60.00")

    page = editor_client.get(project.get_absolute_url())
    assert page.status_code == 200
    assert "Lakeside Campus" in page.text
    assert "300 MW" in page.text


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"capacity_mw": "-5"}, "capacity_mw", "Capacity cannot be negative."),
        ({"capital_cost_usd": "-1"}, "capital_cost_usd", "An amount cannot be negative."),
        (
            {"capital_cost_usd": "9999999999999999.99"},
            "capital_cost_usd",
            "An amount cannot be more than $1 trillion (1,000,000,000,000 USD).",
        ),
        ({"latitude": "91"}, "latitude", "Latitude runs from -90 to 90."),
        ({"longitude": "-200"}, "longitude", "Longitude runs from -180 to 180."),
        (
            {"stage": "operational", "expected_online": ""},
            "expected_online",
            "An operational project needs its online date.",
        ),
        (
            {"kind": "generation", "energy_source": ""},
            "energy_source",
            "A generation or storage project needs its energy source.",
        ),
        (
            {"source_url": ""},
            "source_url",
            "A record that is not illustrative needs a source URL.",
        ),
        ({"announced_on": "9999-12-31"}, "announced_on", "A date from 1990 to 2100."),
        ({"expected_online": "1989-12-31"}, "expected_online", "A date from 1990 to 2100."),
        ({"as_of": "9999-01-01"}, "as_of", "A date from 1990 to 2100."),
        ({"as_of": "2100-01-01"}, "as_of", AS_OF_IN_THE_FUTURE),
    ],
)
def test_a_rule_broken_in_the_admin_is_a_message_on_its_field(
    editor_client, fields, field, message
):
    response = editor_client.post(ADD_URL, project_post(**fields))
    assert response.status_code == 200
    assert message in form_errors(response)[field]
    assert not Project.objects.exists()


def test_duplicate_slug_is_a_message_on_the_slug(editor_client):
    ProjectFactory(slug="lakeside-campus")
    response = editor_client.post(ADD_URL, project_post())
    assert response.status_code == 200
    assert "slug" in form_errors(response)
    assert Project.objects.count() == 1


def test_stakes_over_100_are_refused_on_the_stake_fields(editor_client):
    a, b = PartnerFactory(), PartnerFactory()
    response = editor_client.post(
        ADD_URL,
        project_post(
            participations=[
                participation(a, "equity_investor", 70),
                participation(b, "equity_investor", "30.5"),
            ]
        ),
    )
    assert response.status_code == 200
    errors = inline_errors(response, "participations")
    assert all("100.5%" in e["stake_percent"][0] for e in errors)
    assert not Project.objects.exists()
    assert not Participation.objects.exists()


def test_a_phase_before_the_announcement_is_refused_on_its_date(editor_client):
    response = editor_client.post(
        ADD_URL, project_post(phases=[phase(1, 100, "2024-12-31")], announced_on="2025-02-01")
    )
    assert response.status_code == 200
    errors = inline_errors(response, "phases")
    assert "announced" in errors[0]["expected_online"][0]
    assert not ProjectPhase.objects.exists()


def test_moving_stakes_between_existing_rows_is_allowed(editor_client):
    first = ParticipationFactory(stake_percent=Decimal("60"))
    second = ParticipationFactory(project=first.project, stake_percent=Decimal("40"))
    project = first.project
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = project_post(
        name=project.name,
        slug=project.slug,
        announced_on=project.announced_on.isoformat(),
        expected_online=project.expected_online.isoformat(),
        loaded_version=str(project.version),  # as the form carries it (aipdash/records/locking.py)
    )
    rows = [(first, "40"), (second, "60")]
    data["participations-TOTAL_FORMS"] = "2"
    data["participations-INITIAL_FORMS"] = "2"
    for i, (row, stake) in enumerate(rows):
        data |= {
            f"participations-{i}-id": str(row.pk),
            f"participations-{i}-project": str(project.pk),
            f"participations-{i}-partner": str(row.partner.pk),
            f"participations-{i}-role": row.role,
            f"participations-{i}-stake_percent": stake,
            f"participations-{i}-source_title": row.source_title,
            f"participations-{i}-source_url": row.source_url,
            f"participations-{i}-as_of": row.as_of.isoformat(),
            f"participations-{i}-illustrative": "on",
            f"participations-{i}-loaded_version": str(row.version),
        }
    response = editor_client.post(url, data)
    assert response.status_code == 302, inline_errors(response, "participations")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.stake_percent, second.stake_percent) == (Decimal("40"), Decimal("60"))


def test_a_date_out_of_range_in_a_phase_row_is_a_message_on_its_date(editor_client):
    response = editor_client.post(ADD_URL, project_post(phases=[phase(1, 100, "9999-12-31")]))
    assert response.status_code == 200
    assert "A date from 1990 to 2100." in inline_errors(response, "phases")[0]["expected_online"]
    assert not Project.objects.exists()
    assert not ProjectPhase.objects.exists()


def test_a_date_hierarchy_year_past_the_calendar_is_no_error(editor_client):
    ProjectFactory()
    url = reverse("admin:projects_project_changelist")
    response = editor_client.get(url, {"announced_on__year": "9999"})
    # The admin's answer to an invalid filter: back to the list, flagged, not a 500.
    assert response.status_code == 302
    assert response.url == f"{url}?e=1"


def change_post(project, phases, **fields):
    """The POST body of the project change form, its saved phases as rows of the inline."""
    saved = {
        "name": project.name,
        "slug": project.slug,
        "announced_on": project.announced_on.isoformat(),
        "expected_online": project.expected_online.isoformat(),
        "loaded_version": str(
            project.version
        ),  # as the form carries it (aipdash/records/locking.py)
    }
    data = project_post(**(saved | fields))
    data["phases-TOTAL_FORMS"] = data["phases-INITIAL_FORMS"] = str(len(phases))
    for i, (row, online) in enumerate(phases):
        data |= {
            f"phases-{i}-id": str(row.pk),
            f"phases-{i}-project": str(project.pk),
            f"phases-{i}-sequence": str(row.sequence),
            f"phases-{i}-name": row.name,
            f"phases-{i}-stage": row.stage,
            f"phases-{i}-capacity_mw": str(row.capacity_mw),
            f"phases-{i}-expected_online": online,
            f"phases-{i}-source_title": row.source_title,
            f"phases-{i}-source_url": row.source_url,
            f"phases-{i}-as_of": row.as_of.isoformat(),
            f"phases-{i}-illustrative": "on",
            f"phases-{i}-loaded_version": str(row.version),
        }
    return data


def test_the_announcement_and_the_phases_move_later_together(editor_client):
    project = ProjectFactory(announced_on=dt.date(2025, 1, 1))
    row = ProjectPhaseFactory(project=project, expected_online=dt.date(2025, 6, 30))
    url = reverse("admin:projects_project_change", args=[project.pk])

    response = editor_client.post(
        url, change_post(project, [(row, "2025-12-31")], announced_on="2025-09-01")
    )

    assert response.status_code == 302, form_errors(response)
    project.refresh_from_db()
    row.refresh_from_db()
    assert (project.announced_on, row.expected_online) == (
        dt.date(2025, 9, 1),
        dt.date(2025, 12, 31),
    )


def test_an_announcement_after_a_phase_left_as_it_is_is_refused_on_the_phase(editor_client):
    project = ProjectFactory(announced_on=dt.date(2025, 1, 1))
    row = ProjectPhaseFactory(project=project, expected_online=dt.date(2025, 6, 30))
    url = reverse("admin:projects_project_change", args=[project.pk])

    response = editor_client.post(
        url, change_post(project, [(row, "2025-06-30")], announced_on="2025-09-01")
    )

    assert response.status_code == 200
    assert "announced" in inline_errors(response, "phases")[0]["expected_online"][0]
    project.refresh_from_db()
    assert project.announced_on == dt.date(2025, 1, 1)


def standalone_post(**fields):
    """Provenance of a record entered on its own admin page."""
    return {
        "source_title": "Release",
        "source_url": "https://example.com/release",
        "as_of": "2025-10-15",
        **fields,
    }


def saved_participation():
    return ParticipationFactory(stake_percent=None, role="lender")


def saved_phase():
    return ProjectPhaseFactory(sequence=1)


def saved_update():
    return FundraisingUpdate.objects.create(
        target=TargetFactory(),
        amount_raised_usd=Decimal("1"),
        as_of=dt.date(2026, 1, 15),
        illustrative=True,
    )


def saved_indicator():
    return MarketIndicatorFactory(year=2030, as_of=dt.date(2025, 4, 10))


def saved_commitment():
    return CommitmentFactory(reference="AIP-2025-001")


UNIQUE_ON_A_FIELD = [
    (
        "participation",
        saved_participation,
        lambda p: {
            "project": p.project.pk,
            "partner": p.partner.pk,
            "role": p.role,
            "stake_percent": "",
        },
        "role",
        "This partner already has this role in this project.",
    ),
    (
        "projectphase",
        saved_phase,
        lambda p: {
            "project": p.project.pk,
            "sequence": p.sequence,
            "name": "",
            "stage": "construction",
            "capacity_mw": "50",
            "expected_online": "2027-06-30",
        },
        "sequence",
        "This project already has a phase with this number.",
    ),
    (
        "fundraisingupdate",
        saved_update,
        lambda u: {
            "target": u.target.pk,
            "amount_raised_usd": "2",
            "statement": "",
            "as_of": u.as_of.isoformat(),
        },
        "as_of",
        "This target already has an update for this date.",
    ),
    (
        "marketindicator",
        saved_indicator,
        lambda m: {
            "series": m.series,
            "label": m.label,
            "region": m.region,
            "scenario": m.scenario,
            "year": m.year,
            "value": "1",
            "unit": "TWh",
            "as_of": m.as_of.isoformat(),
        },
        "year",
        "This series already has a value for this year, scenario and as-of date.",
    ),
    (
        "commitment",
        saved_commitment,
        lambda c: {
            "partner": c.partner.pk,
            "project": "",
            "instrument": "equity",
            "status": "committed",
            "amount_usd": "5",
            "committed_on": "2025-06-01",
            "reference": c.reference,
            "note": "",
        },
        "reference",
        "Another commitment already has this reference.",
    ),
]


@pytest.mark.parametrize(("model_name", "saved", "post", "field", "message"), UNIQUE_ON_A_FIELD)
def test_a_unique_rule_broken_in_its_admin_form_is_a_message_on_its_field(
    editor_client, model_name, saved, post, field, message
):
    record = saved()
    model = type(record)
    response = editor_client.post(
        reverse(f"admin:projects_{model_name}_add"), standalone_post(**post(record))
    )
    assert response.status_code == 200
    errors = form_errors(response)
    assert errors[field] == [message]
    assert "__all__" not in errors
    assert model.objects.count() == 1


def test_one_role_per_partner_per_project_across_two_inline_rows(editor_client):
    gip = PartnerFactory()
    response = editor_client.post(
        ADD_URL,
        project_post(
            participations=[
                participation(gip, "equity_investor", 20),
                participation(gip, "equity_investor", 30),
            ]
        ),
    )
    assert response.status_code == 200
    first, second = inline_errors(response, "participations")
    assert not first
    assert second == {"role": ["This partner already has this role in this project."]}
    assert not Project.objects.exists()
    assert not Participation.objects.exists()


@pytest.mark.parametrize("stake", ["150", "-1"])
def test_a_single_stake_out_of_range_is_a_message_on_the_stake(editor_client, stake):
    response = editor_client.post(
        ADD_URL, project_post(participations=[participation(PartnerFactory(), "sponsor", stake)])
    )
    assert response.status_code == 200
    assert inline_errors(response, "participations") == [
        {"stake_percent": ["A stake runs from 0 to 100 percent."]}
    ]
    assert not Project.objects.exists()
    assert not Participation.objects.exists()


def test_a_negative_phase_capacity_is_a_message_on_its_capacity(editor_client):
    response = editor_client.post(ADD_URL, project_post(phases=[phase(1, -10, "2026-06-30")]))
    assert response.status_code == 200
    assert inline_errors(response, "phases") == [{"capacity_mw": ["Capacity cannot be negative."]}]
    assert not Project.objects.exists()
    assert not ProjectPhase.objects.exists()


def test_a_repeated_phase_number_is_a_message_on_the_number(editor_client):
    response = editor_client.post(
        ADD_URL,
        project_post(phases=[phase(1, 100, "2026-06-30"), phase(1, 200, "2027-06-30")]),
    )
    assert response.status_code == 200
    first, second = inline_errors(response, "phases")
    assert not first
    assert second == {"sequence": ["This project already has a phase with this number."]}
    assert not Project.objects.exists()
    assert not ProjectPhase.objects.exists()


def deal_post(**fields):
    return standalone_post(
        **{
            "name": "Example deal",
            "slug": "example-deal",
            "description": "",
            "enterprise_value_usd": "1000000000",
            "announced_on": "2025-10-15",
            "expected_close_by": "2026-06-30",
            "closed_on": "",
            "stated_sites": "",
            "stated_capacity_mw": "",
            **fields,
        }
    )


def target_post(**fields):
    return standalone_post(
        **{
            "name": "Equity target",
            "slug": "equity-target",
            "scope": "equity",
            "amount_usd": "30000000000",
            "set_on": "2024-09-17",
            **fields,
        }
    )


@pytest.mark.parametrize(
    ("model_name", "post", "fields", "field", "message"),
    [
        (
            "investment",
            deal_post,
            {"enterprise_value_usd": "-1"},
            "enterprise_value_usd",
            "An amount cannot be negative.",
        ),
        (
            "investment",
            deal_post,
            {"announced_on": "2025-10-15", "closed_on": "2025-10-14"},
            "closed_on",
            "A deal cannot close before it is announced.",
        ),
        (
            "target",
            target_post,
            {"amount_usd": "-1"},
            "amount_usd",
            "An amount cannot be negative.",
        ),
        (
            "investment",
            deal_post,
            {"enterprise_value_usd": "1000000000000.01"},
            "enterprise_value_usd",
            "An amount cannot be more than $1 trillion (1,000,000,000,000 USD).",
        ),
        (
            "target",
            target_post,
            {"amount_usd": "9999999999999999.99"},
            "amount_usd",
            "An amount cannot be more than $1 trillion (1,000,000,000,000 USD).",
        ),
    ],
)
def test_a_deal_or_target_rule_is_a_message_on_its_field(
    editor_client, model_name, post, fields, field, message
):
    response = editor_client.post(reverse(f"admin:projects_{model_name}_add"), post(**fields))
    assert response.status_code == 200
    assert form_errors(response) == {field: [message]}
    assert not apps.get_model("projects", model_name).objects.exists()


@pytest.mark.parametrize(
    ("model_name", "post", "factory", "message"),
    [
        ("investment", deal_post, InvestmentFactory, "Investment with this Slug already exists."),
        ("target", target_post, TargetFactory, "Target with this Slug already exists."),
    ],
)
def test_a_duplicate_deal_or_target_slug_is_a_message_on_the_slug(
    editor_client, model_name, post, factory, message
):
    factory(slug="taken")
    response = editor_client.post(reverse(f"admin:projects_{model_name}_add"), post(slug="taken"))
    assert response.status_code == 200
    assert form_errors(response) == {"slug": [message]}
    assert apps.get_model("projects", model_name).objects.count() == 1


def test_viewer_cannot_reach_the_admin(viewer_client):
    project = ProjectFactory()
    for url in (
        reverse("admin:index"),
        reverse("admin:projects_project_changelist"),
        reverse("admin:projects_project_change", args=[project.pk]),
        ADD_URL,
    ):
        response = viewer_client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_editor_may_not_delete_a_project_or_manage_users(editor_client):
    project = ProjectFactory()
    assert (
        editor_client.get(reverse("admin:projects_project_delete", args=[project.pk])).status_code
        == 403
    )
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_admin_lists_show_figures_formatted(editor_client):
    ProjectFactory(name="Big Campus", capacity_mw=Decimal("1300"))
    response = editor_client.get(reverse("admin:projects_project_changelist"))
    assert "1.3 GW" in response.text


@pytest.mark.parametrize(
    "name",
    [
        "partners_partner",
        "projects_project",
        "projects_investment",
        "projects_projectphase",
        "projects_participation",
        "projects_commitment",
        "projects_target",
        "projects_fundraisingupdate",
        "projects_marketindicator",
    ],
)
def test_every_admin_page_answers(admin_client, name):
    commitment = CommitmentFactory(project=ParticipationFactory().project)
    ProjectPhaseFactory(project=commitment.project)
    FundraisingUpdate.objects.create(
        target=TargetFactory(),
        amount_raised_usd=Decimal("1"),
        as_of=dt.date(2026, 1, 15),
        illustrative=True,
    )
    MarketIndicatorFactory()
    InvestmentFactory()
    assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:{name}_add")).status_code == 200
    assert admin_client.get(reverse(f"admin:{name}_changelist"), {"q": "x"}).status_code == 200
    obj = apps.get_model(*name.split("_")).objects.first()
    assert admin_client.get(reverse(f"admin:{name}_change", args=[obj.pk])).status_code == 200
    assert admin_client.get(reverse(f"admin:{name}_history", args=[obj.pk])).status_code == 200


def commitment_post(partner, **fields):
    return standalone_post(
        **{
            "partner": partner.pk,
            "project": "",
            "instrument": "equity",
            "status": "committed",
            "amount_usd": "5000000",
            "committed_on": "2025-06-01",
            "reference": "",
            "note": "",
            **fields,
        }
    )


def test_a_commitment_whose_source_is_as_long_as_its_fields_allow_is_saved(editor_client):
    """300 and 500 characters of four bytes each: more than a PostgreSQL index entry holds
    (the dashboard's copy of the commitments keeps each source once, by a hash of it)."""
    partner = PartnerFactory()
    title, url = LONGEST_TITLE, longest_url()
    response = editor_client.post(
        reverse("admin:projects_commitment_add"),
        commitment_post(partner, source_title=title, source_url=url),
    )
    assert response.status_code == 302, form_errors(response)
    commitment = Commitment.objects.get()
    assert (commitment.source_title, commitment.source_url) == (title, url)
    (sums,) = selectors.commitment_sums(DashboardFilters()).readable()
    assert (sums["source_title"], sums["source_url"]) == (title, url)
    assert sums["amount_usd"] == Decimal("5000000")


def test_a_commitment_over_a_trillion_is_refused_on_its_amount(editor_client):
    """Ten of $9,999,999,999,999,999.99 with one partner, instrument, status, month and source
    overflowed the partnership's running sum (bigint cents): the tenth and every later one with
    that key answered 500. No record may hold more than $1 trillion; ten at the limit are
    summed to the cent."""
    partner = PartnerFactory()
    url = reverse("admin:projects_commitment_add")
    response = editor_client.post(url, commitment_post(partner, amount_usd="9999999999999999.99"))
    assert response.status_code == 200
    assert form_errors(response) == {
        "amount_usd": ["An amount cannot be more than $1 trillion (1,000,000,000,000 USD)."]
    }
    assert not Commitment.objects.exists()
    for _ in range(10):
        response = editor_client.post(url, commitment_post(partner, amount_usd="1000000000000"))
        assert response.status_code == 302, form_errors(response)
    (sums,) = selectors.commitment_sums(DashboardFilters()).readable()
    assert sums["amount_usd"] == Decimal("10000000000000")
