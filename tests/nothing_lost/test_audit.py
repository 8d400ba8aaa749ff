"""The audit trail covers every write path (admin, load_demo, generate_portfolio,
import_portfolio), each command naming itself in the change reason; a deleted record is
restored from its history."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from aipdash.operations import backup
from aipdash.operations.demo import synthetic
from partners.models import Partner
from projects.models import Commitment, Participation, Project, ProjectPhase
from tests.factories import (
    ParticipationFactory,
    PartnerFactory,
    ProjectFactory,
    ProjectPhaseFactory,
)
from tests.nothing_lost.conftest import errors_of, form_data

pytestmark = pytest.mark.django_db

QUIET = {"stdout": StringIO(), "stderr": StringIO()}


def reasons(model, **filters):
    return set(model.history.filter(**filters).values_list("history_change_reason", flat=True))


def test_load_demo_and_its_refresh_record_history_with_their_reason():
    call_command("load_demo", **QUIET)
    for model in backup.DELETE_ORDER:
        assert model.objects.count() == model.history.filter(history_type="+").count() > 0
        assert reasons(model) == {"Demo data (load_demo)"}

    project = Project.objects.get(slug="southern-utah-geothermal")
    capacity = project.capacity_mw
    project.capacity_mw += 1
    project.save()
    call_command("load_demo", "--refresh", **QUIET)
    last = project.history.latest()
    assert (last.history_type, last.history_change_reason) == (
        "~",
        "Demo values put back (load_demo --refresh)",
    )
    assert last.capacity_mw == capacity and last.version == 3


def test_generate_portfolio_records_a_history_row_per_row_with_the_rows_values():
    call_command(
        "generate_portfolio", "--projects", "40", "--commitments", "120", "--seed", "3", **QUIET
    )
    reason = "Synthetic scale data (generate_portfolio --seed 3)"
    for model, rows in (
        (Project, Project.objects.filter(slug__startswith="synthetic-3-")),
        (ProjectPhase, ProjectPhase.objects.filter(project__slug__startswith="synthetic-3-")),
        (Participation, Participation.objects.filter(project__slug__startswith="synthetic-3-")),
        (Commitment, Commitment.objects.filter(reference__startswith="synthetic-3-")),
    ):
        # A creation per row, and the changes its own dates give it (its past: stage moves,
        # its as-of date), every one with the command's reason.
        history = model.history.filter(id__in=rows.values("pk"))
        assert history.filter(history_type="+").count() == rows.count() > 0
        assert set(history.values_list("history_type", flat=True)) <= {"+", "~"}
        assert set(history.values_list("history_change_reason", flat=True)) == {reason}
    row = Commitment.objects.filter(reference__startswith="synthetic-3-").order_by("pk").last()
    record = row.history.order_by("history_date", "history_id").last()  # the latest version
    for field in ("amount_usd", "committed_on", "partner_id", "project_id", "status", "version"):
        assert getattr(record, field) == getattr(row, field)
    assert reasons(Partner) == {"Synthetic scale data (not public fact) (generate_portfolio)"}

    project_ids = list(
        Project.objects.filter(slug__startswith="synthetic-3-").values_list("pk", flat=True)
    )
    call_command(
        "generate_portfolio",
        "--projects",
        "0",
        "--commitments",
        "0",
        "--seed",
        "3",
        "--replace",
        **QUIET,
    )
    deleted = Project.history.filter(id__in=project_ids, history_type="-")
    assert deleted.count() == 40
    assert reasons(Project, history_type="-") == {synthetic.deletion_reason(3)}
    assert Commitment.history.filter(history_type="-").count() == 120


def test_import_portfolio_records_history_with_its_reason(tmp_path):
    PartnerFactory(slug="parent")
    ProjectPhaseFactory()
    ParticipationFactory()
    path = tmp_path / "p.json"
    call_command("export_portfolio", "-o", str(path), **QUIET)
    call_command("import_portfolio", "--replace", str(path), **QUIET)
    for model in (Partner, Project, ProjectPhase, Participation):
        assert reasons(model, history_type="+") >= {"Portfolio import (import_portfolio p.json)"}
        assert reasons(model, history_type="-") == {
            "Portfolio replaced (import_portfolio --replace p.json)"
        }
        new = model.objects.values_list("pk", flat=True)
        assert model.history.filter(id__in=new, history_type="+").count() == len(new)


def test_an_admin_delete_is_recorded_and_the_record_restored_from_its_history(
    admin_client, admin_user
):
    project = ProjectFactory(name="Gone Campus", capacity_mw=Decimal("321.0"), region="Ohio")
    phase = ProjectPhaseFactory(project=project, sequence=1, capacity_mw=Decimal("111.0"))
    pk = project.pk
    url = reverse("admin:projects_project_delete", args=[pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Project.objects.filter(pk=pk).exists()
    gone = Project.history.filter(id=pk).latest()
    assert (gone.history_type, gone.history_user) == ("-", admin_user)
    assert ProjectPhase.history.filter(id=phase.pk, history_type="-").exists()

    # History still lists the deleted project; its last version offers a revert form.
    history = admin_client.get(reverse("admin:projects_project_history", args=[pk]))
    assert history.status_code == 200 and "Gone Campus" in history.text
    revert_url = reverse("admin:projects_project_simple_history", args=[pk, gone.history_id])
    form = admin_client.get(revert_url)
    assert form.status_code == 200
    assert form.context["adminform"].form["capacity_mw"].value() == Decimal("321.0")
    restored = admin_client.post(revert_url, form_data(form))
    assert restored.status_code == 302, restored.context["adminform"].form.errors
    project = Project.objects.get(pk=pk)
    assert (project.name, project.capacity_mw, project.region) == ("Gone Campus", 321, "Ohio")
    assert project.history.latest().history_type == "+"

    # Its phase comes back the same way, from its own history.
    phase_gone = ProjectPhase.history.filter(id=phase.pk).latest()
    url = reverse(
        "admin:projects_projectphase_simple_history", args=[phase.pk, phase_gone.history_id]
    )
    response = admin_client.post(url, form_data(admin_client.get(url)))
    assert response.status_code == 302
    assert ProjectPhase.objects.get(pk=phase.pk).capacity_mw == 111


def test_a_revert_of_a_record_changed_since_the_form_opened_is_refused(admin_client):
    project = ProjectFactory(capacity_mw=Decimal("100.0"))
    first = project.history.earliest()
    project.capacity_mw = Decimal("150.0")
    project.save()
    url = reverse("admin:projects_project_simple_history", args=[project.pk, first.history_id])
    data = form_data(admin_client.get(url))
    assert data["loaded_version"] == "2"  # the record as it is now, not the old version's 1
    project.region = "Changed meanwhile"
    project.save()
    refused = admin_client.post(url, data)
    assert refused.status_code == 200
    assert "Changed since you opened it: region: Texas → Changed meanwhile" in errors_of(refused)
    project.refresh_from_db()
    assert (project.capacity_mw, project.region) == (150, "Changed meanwhile")


def test_the_history_page_lists_changed_fields_but_not_the_version(admin_client):
    """(simple-history diffs editable fields only; the version is not editable.)"""
    project = ProjectFactory(region="Texas")
    project.region = "Ohio"
    project.save()
    page = admin_client.get(reverse("admin:projects_project_history", args=[project.pk]))
    changes = page.text.split('id="change-history"')[1]
    assert "Texas" in changes and "Ohio" in changes
    assert "version" not in changes.lower().replace("reversion", "")
