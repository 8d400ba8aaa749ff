"""The audit trail: every change with who, when, before and after; an earlier version restored."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from aipdash.scenarios.models import Scenario
from partners.models import Partner
from projects.models import (
    Commitment,
    FundraisingUpdate,
    Investment,
    MarketIndicator,
    Note,
    Participation,
    Project,
    ProjectPhase,
    Target,
)
from tests.factories import (
    CommitmentFactory,
    FundraisingUpdateFactory,
    InvestmentFactory,
    MarketIndicatorFactory,
    NoteFactory,
    ParticipationFactory,
    PartnerFactory,
    ProjectFactory,
    ProjectPhaseFactory,
    ScenarioFactory,
    TargetFactory,
)
from tests.projects.test_admin import project_post

pytestmark = pytest.mark.django_db


def change_capacity(client, project, mw, **extra):
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = project_post(
        name=project.name,
        slug=project.slug,
        capacity_mw=str(mw),
        announced_on=project.announced_on.isoformat(),
        expected_online=project.expected_online.isoformat(),
        loaded_version=str(project.version),  # as the form carries it (aipdash/records/locking.py)
        **extra,
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    project.refresh_from_db()


def test_an_admin_change_is_recorded_with_its_user_and_values(editor_client, editor):
    project = ProjectFactory(capacity_mw=Decimal("200"))
    change_capacity(editor_client, project, 250)

    latest, created = project.history.all()[:2]
    assert latest.history_user == editor
    assert latest.history_type == "~"
    delta = latest.diff_against(created)
    capacity = next(change for change in delta.changes if change.field == "capacity_mw")
    assert (capacity.old, capacity.new) == (Decimal("200.0"), Decimal("250.0"))

    page = editor_client.get(reverse("admin:projects_project_history", args=[project.pk]))
    assert page.status_code == 200
    assert "editor" in page.text
    assert "capacity_mw" in page.text or "Capacity (MW)" in page.text
    assert "200.0" in page.text and "250.0" in page.text


def history_page_queries(client, versions):
    project = ProjectFactory(capacity_mw=Decimal("100"))
    for mw in range(101, 100 + versions):
        project.capacity_mw = mw
        project.save()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("admin:projects_project_history", args=[project.pk]))
    assert page.status_code == 200
    assert page.text.count("capacity_mw") + page.text.count("Capacity (MW)") >= versions - 1
    return page, len(queries)


def test_the_history_page_is_csp_safe_and_its_queries_do_not_grow(editor_client):
    history_page_queries(editor_client, 2)  # warms the content-type cache
    page, few = history_page_queries(editor_client, 2)
    _, many = history_page_queries(editor_client, 12)
    assert many == few
    # Our copy of simple-history's list template: no inline style for the strict CSP.
    assert " style=" not in page.text.split('id="change-history"')[1]
    assert "changed fields" not in page.text


def test_an_earlier_version_can_be_restored(editor_client):
    project = ProjectFactory(capacity_mw=Decimal("200"))
    change_capacity(editor_client, project, 250)
    original = project.history.earliest()

    url = reverse("admin:projects_project_simple_history", args=[project.pk, original.pk])
    form_page = editor_client.get(url)
    assert form_page.status_code == 200
    assert form_page.context["adminform"].form.initial["capacity_mw"] == Decimal("200.0")

    data = project_post(
        name=project.name,
        slug=project.slug,
        capacity_mw=str(original.capacity_mw),
        announced_on=project.announced_on.isoformat(),
        expected_online=project.expected_online.isoformat(),
        loaded_version=str(project.version),  # a revert's base: the record as it is now
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.capacity_mw == Decimal("200.0")
    assert project.history.count() == 3


def test_a_revert_cannot_announce_the_project_after_its_phases(editor_client):
    # Announced in September; moved to January; then a phase online in March was added.
    project = ProjectFactory(announced_on=dt.date(2025, 9, 1), expected_online=dt.date(2027, 1, 1))
    september = project.history.earliest()
    project.announced_on = dt.date(2025, 1, 1)
    project.save()
    ProjectPhaseFactory(project=project, expected_online=dt.date(2025, 3, 1))

    # simple-history's revert form saves the project alone, without its phase inline.
    url = reverse("admin:projects_project_simple_history", args=[project.pk, september.pk])
    assert editor_client.get(url).context["adminform"].form.initial["announced_on"] == (
        dt.date(2025, 9, 1)
    )
    data = project_post(
        name=project.name,
        slug=project.slug,
        announced_on="2025-09-01",
        expected_online=project.expected_online.isoformat(),
    )
    response = editor_client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "comes online on 01 Mar 2025" in errors["announced_on"][0]
    project.refresh_from_db()
    assert project.announced_on == dt.date(2025, 1, 1)
    assert project.history.count() == 2


def test_a_deleted_record_can_be_brought_back_from_its_history():
    project = ProjectFactory(name="Gone Campus")
    pk = project.pk
    project.delete()
    last = project.history.model.objects.filter(id=pk).latest("history_date")
    assert last.history_type == "-"
    last.instance.save()
    assert type(project).objects.get(pk=pk).name == "Gone Campus"


def test_the_history_of_a_deleted_participation_outlives_its_partner(admin_client):
    partner = PartnerFactory(name="Gone Partner")
    participations = [ParticipationFactory(partner=partner) for _ in range(2)]
    pk, partner_pk = participations[0].pk, partner.pk
    for participation in participations:
        participation.delete()
    partner.delete()

    page = admin_client.get(reverse("admin:projects_participation_history", args=[pk]))

    assert page.status_code == 200
    assert f"deleted partner #{partner_pk}" in page.text


def test_the_history_of_a_deleted_commitment_outlives_its_partner_and_project(admin_client):
    commitment = CommitmentFactory(project=ProjectFactory())
    pk, partner_pk, project_pk = commitment.pk, commitment.partner_id, commitment.project_id
    commitment.delete()
    commitment.partner.delete()
    commitment.project.delete()

    page = admin_client.get(reverse("admin:projects_commitment_history", args=[pk]))

    assert page.status_code == 200
    assert f"deleted partner #{partner_pk} → deleted project #{project_pk}" in page.text


def test_the_history_of_a_deleted_fundraising_update_outlives_its_target(admin_client):
    update = FundraisingUpdateFactory()
    pk, target_pk = update.pk, update.target_id
    update.delete()
    update.target.delete()

    page = admin_client.get(reverse("admin:projects_fundraisingupdate_history", args=[pk]))

    assert page.status_code == 200
    assert f"deleted target #{target_pk}" in page.text


def test_labels_name_the_related_records_while_they_exist():
    commitment = CommitmentFactory(partner=PartnerFactory(short_name="GIP"), project=None)
    assert str(commitment) == "GIP → AIP: Equity"
    participation = ParticipationFactory(partner=commitment.partner, role="lender")
    assert str(participation) == f"{commitment.partner.name} — Lender"


def _history_tracked_admins():
    return sorted(
        (model._meta.label_lower.replace(".", "_"), model)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, SimpleHistoryAdmin)
    )


HISTORY_TRACKED = _history_tracked_admins()
FACTORIES = {
    Partner: PartnerFactory,
    Commitment: CommitmentFactory,
    FundraisingUpdate: FundraisingUpdateFactory,
    Investment: InvestmentFactory,
    MarketIndicator: MarketIndicatorFactory,
    Note: NoteFactory,
    Participation: ParticipationFactory,
    Project: ProjectFactory,
    ProjectPhase: ProjectPhaseFactory,
    Target: TargetFactory,
    Scenario: ScenarioFactory,
}
NOT_KEYS = ["abc", "1.5", "-", "99999999999999999999", "1e3"]


def test_every_portfolio_model_keeps_its_history():
    assert {name for name, _ in HISTORY_TRACKED} == {
        "partners_partner",
        "scenarios_scenario",  # not portfolio data, but a history all the same
        *(
            f"projects_{name}"
            for name in (
                "commitment",
                "fundraisingupdate",
                "investment",
                "marketindicator",
                "note",
                "participation",
                "project",
                "projectphase",
                "target",
            )
        ),
    }


@pytest.mark.parametrize(("name", "model"), HISTORY_TRACKED, ids=[n for n, _ in HISTORY_TRACKED])
def test_a_history_address_without_a_key_is_a_404(admin_client, name, model):
    """`/admin/projects/project/abc/history/` and `/admin/projects/project/1/history/abc/`:
    simple-history queried with the text and answered 500 (ValueError); a key that is not there
    is a 404, and so is one that cannot be a key."""
    record = FACTORIES[model]()
    version = record.history.latest().pk
    urls = []
    for bad in NOT_KEYS:
        urls += [
            reverse(f"admin:{name}_history", args=[bad]),
            reverse(f"admin:{name}_simple_history", args=[bad, version]),
            reverse(f"admin:{name}_simple_history", args=[record.pk, bad]),
        ]
    for url in urls:
        assert admin_client.get(url).status_code == 404, url
    # The addresses of the record's own history still answer.
    assert admin_client.get(reverse(f"admin:{name}_history", args=[record.pk])).status_code == 200
    url = reverse(f"admin:{name}_simple_history", args=[record.pk, version])
    assert admin_client.get(url).status_code == 200
