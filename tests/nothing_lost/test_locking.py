"""Optimistic locking: when two editors change the same record, the second save is refused
with what changed, on every write path; the first editor's values stay."""

from decimal import Decimal
from unittest import mock

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from aipdash.records import admin as admin_mixins
from aipdash.records.locking import StaleEditError
from partners.models import Partner
from projects.models import Commitment, Project, ProjectPhase
from tests.factories import (
    CommitmentFactory,
    PartnerFactory,
    ProjectFactory,
    ProjectPhaseFactory,
)
from tests.nothing_lost.conftest import errors_of, form_data

pytestmark = pytest.mark.django_db


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


# --- the model: any code that calls save() ---------------------------------------------------


def test_a_stale_save_through_the_model_is_refused_and_writes_nothing():
    project = ProjectFactory(name="Original", capacity_mw=Decimal("200.0"))
    first = Project.objects.get(pk=project.pk)
    second = Project.objects.get(pk=project.pk)
    first.capacity_mw = Decimal("250.0")
    first.save()
    assert first.version == 2

    second.name = "Second's name"
    with pytest.raises(StaleEditError) as refused, transaction.atomic():
        second.save()

    project.refresh_from_db()
    assert (project.name, project.capacity_mw, project.version) == ("Original", 250, 2)
    message = str(refused.value)
    assert "changed by" in message and "version 1, now 2" in message
    assert "capacity (MW): 200.0 → 250.0" in message
    # Reloaded, the second writer saves on top of the first.
    second.refresh_from_db()
    second.name = "Second's name"
    second.save()
    project.refresh_from_db()
    assert (project.name, project.capacity_mw, project.version) == ("Second's name", 250, 3)


def test_every_save_counts_the_version_up_and_keeps_it_in_the_history():
    partner = PartnerFactory()
    for name in ("A", "B", "C"):
        partner.name = name
        partner.save()
    assert Partner.objects.get(pk=partner.pk).version == 4
    assert [h.version for h in partner.history.order_by("history_id")] == [1, 2, 3, 4]


def test_a_bulk_update_counts_as_a_change_so_an_older_instance_is_refused():
    commitment = CommitmentFactory(amount_usd=Decimal("100"))
    stale = Commitment.objects.get(pk=commitment.pk)
    assert Commitment.objects.filter(pk=commitment.pk).update(amount_usd=Decimal("300")) == 1
    stale.note = "typed while someone else updated"
    with pytest.raises(StaleEditError), transaction.atomic():
        stale.save()
    commitment.refresh_from_db()
    assert (commitment.amount_usd, commitment.note, commitment.version) == (300, "", 2)


def test_saving_a_record_someone_deleted_is_refused_not_recreated():
    phase = ProjectPhaseFactory()
    stale = ProjectPhase.objects.get(pk=phase.pk)
    phase.delete()
    stale.name = "Edited after the delete"
    with pytest.raises(StaleEditError) as refused, transaction.atomic():
        stale.save()
    assert "deleted" in str(refused.value)
    assert not ProjectPhase.objects.filter(pk=phase.pk).exists()


def test_save_with_update_fields_is_locked_too():
    project = ProjectFactory()
    stale = Project.objects.get(pk=project.pk)
    project.region = "Ohio"
    project.save(update_fields=["region"])
    assert project.version == 2
    stale.description = "x"
    with pytest.raises(StaleEditError), transaction.atomic():
        stale.save(update_fields=["description"])


# --- the admin: two editors with the same form open ------------------------------------------


def test_the_second_editor_is_refused_with_who_when_and_what_changed(
    editor_client, other_client, editor
):
    project = ProjectFactory(name="Lakeside", capacity_mw=Decimal("200.0"), stage="construction")
    url = change_url(project)
    form_a = form_data(editor_client.get(url))
    form_b = form_data(other_client.get(url))
    assert form_a["loaded_version"] == "1"

    form_a.update(capacity_mw="250", stage="operational")
    assert editor_client.post(url, form_a).status_code == 302

    form_b.update(name="Lakeside North", stage="paused")
    refused = other_client.post(url, form_b)
    assert refused.status_code == 200
    errors = errors_of(refused)
    assert errors[0].startswith("This project was changed by editor on ")
    assert "(version 1, now 2)" in errors[0]
    assert "Changed since you opened it: capacity (MW): 200.0 → 250.0" in errors
    assert "Changed since you opened it: stage: Construction → Operational" in errors
    assert "show the new values (capacity (MW))" in errors[-1]
    # The page shows it; the database holds the first editor's values.
    assert "was changed by editor on" in refused.text
    project.refresh_from_db()
    assert (project.name, project.capacity_mw, project.stage) == ("Lakeside", 250, "operational")
    assert project.version == 2

    # The re-shown form keeps what B typed (name, stage) and takes A's capacity, which B had
    # left as it was; its version is now the current one.
    form = refused.context["adminform"].form
    assert form["name"].value() == "Lakeside North"
    assert form["stage"].value() == "paused"
    assert form["capacity_mw"].value() == "250.0"
    assert form["loaded_version"].value() == "2"
    resubmitted = form_data(refused)
    assert other_client.post(url, resubmitted).status_code == 302
    project.refresh_from_db()
    assert (project.name, project.capacity_mw, project.stage) == ("Lakeside North", 250, "paused")
    assert project.version == 3


def test_an_inline_row_changed_by_another_editor_is_refused(editor_client, other_client):
    project = ProjectFactory(capacity_mw=Decimal("200.0"))
    phase = ProjectPhaseFactory(project=project, sequence=1, capacity_mw=Decimal("100.0"))
    url = change_url(project)
    form_a = form_data(editor_client.get(url))
    form_b = form_data(other_client.get(url))
    assert form_b["phases-0-loaded_version"] == "1"

    form_a["phases-0-capacity_mw"] = "120"
    assert editor_client.post(url, form_a).status_code == 302
    form_b["phases-0-name"] = "North hall"
    form_b["description"] = "B's description"
    refused = other_client.post(url, form_b)

    assert refused.status_code == 200
    errors = errors_of(refused)
    assert any(e.startswith("This project phase was changed by editor on ") for e in errors)
    assert "Changed since you opened it: capacity (MW): 100.0 → 120.0" in errors
    phase.refresh_from_db()
    project.refresh_from_db()
    assert (phase.name, phase.capacity_mw, phase.version) == ("", 120, 2)
    assert project.description == ""  # the whole page is refused: nothing half saved
    assert project.version == 2  # A's save of the page saved the project too


def test_a_commitment_row_on_the_partner_page_is_locked(editor_client, other_client):
    partner = PartnerFactory()
    commitment = CommitmentFactory(partner=partner, amount_usd=Decimal("1000"))
    url = change_url(partner)
    form_a = form_data(editor_client.get(url))
    form_b = form_data(other_client.get(url))
    form_a["commitments-0-amount_usd"] = "2000"
    assert editor_client.post(url, form_a).status_code == 302
    form_b["commitments-0-note"] = "B's note"
    refused = other_client.post(url, form_b)
    assert refused.status_code == 200
    assert "Changed since you opened it: amount (USD): 1,000.00 → 2,000.00" in errors_of(refused)
    commitment.refresh_from_db()
    assert (commitment.amount_usd, commitment.note) == (2000, "")


def test_a_change_made_by_a_command_names_its_reason(editor_client):
    project = ProjectFactory(region="Texas")
    url = change_url(project)
    form = form_data(editor_client.get(url))
    # A command's write: no user, a change reason.
    project.region = "Ohio"
    project._change_reason = "Portfolio import (import_portfolio)"
    project.save()
    form["description"] = "typed"
    refused = editor_client.post(url, form)
    errors = errors_of(refused)
    assert errors[0].startswith(
        "This project was changed by “Portfolio import (import_portfolio)” on "
    )
    assert "Changed since you opened it: region: Texas → Ohio" in errors


def test_a_record_deleted_while_open_is_not_recreated(editor_client, admin_client):
    project = ProjectFactory()
    url = change_url(project)
    form = form_data(editor_client.get(url))
    project.delete()
    response = editor_client.post(url, form)
    # The admin's own answer to a vanished record: back to the list, with its message.
    assert response.status_code == 302
    assert not Project.objects.filter(pk=project.pk).exists()


# --- one transaction per change page ---------------------------------------------------------


def test_a_failing_inline_row_leaves_the_project_unchanged(editor_client):
    project = ProjectFactory(name="Before", capacity_mw=Decimal("200.0"))
    ProjectPhaseFactory(project=project, sequence=1)
    url = change_url(project)
    form = form_data(editor_client.get(url))
    form["name"] = "After"
    form["phases-0-name"] = "Hall A"
    with (
        mock.patch.object(ProjectPhase, "save", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        editor_client.post(url, form)
    project.refresh_from_db()
    assert (project.name, project.version) == ("Before", 1)
    assert project.history.count() == 1


def test_two_saves_racing_past_the_form_check_are_caught_by_the_model(editor_client, other_client):
    """B's form check runs before A's save commits (simulated: the check sees no conflict the
    first time); the model's conditional UPDATE refuses B, the page's transaction rolls back
    (the project saved first in it included) and the page shows the conflict."""
    project = ProjectFactory(name="Before", capacity_mw=Decimal("200.0"))
    phase = ProjectPhaseFactory(project=project, sequence=1, capacity_mw=Decimal("100.0"))
    url = change_url(project)
    form_b = form_data(other_client.get(url))
    stale = ProjectPhase.objects.get(pk=phase.pk)
    stale.capacity_mw = Decimal("150.0")
    stale.save()

    real = admin_mixins.locking.current_version
    calls = {"n": 0}

    def first_check_misses(model, pk, *, lock=False):
        calls["n"] += 1
        if model is ProjectPhase and calls["n"] <= 2:
            return 1  # as if A's save had not committed yet
        return real(model, pk, lock=lock)

    form_b["name"] = "B's name"
    form_b["phases-0-name"] = "B's hall"
    with mock.patch.object(admin_mixins.locking, "current_version", first_check_misses):
        refused = other_client.post(url, form_b)
    assert refused.status_code == 200
    assert "Changed since you opened it: capacity (MW): 100.0 → 150.0" in errors_of(refused)
    project.refresh_from_db()
    phase.refresh_from_db()
    assert (project.name, project.version) == ("Before", 1)
    assert (phase.name, phase.capacity_mw) == ("", 150)


# --- a form that does not say which version it was loaded from -------------------------------

RELOAD = "Reload the page"


def _without(data, *names):
    return {key: value for key, value in data.items() if key not in names}


def test_a_save_without_the_loaded_version_is_refused_like_a_stale_one(editor_client, other_client):
    """A stale form that drops the hidden version must not overwrite the newer record."""
    project = ProjectFactory(name="Lakeside", capacity_mw=Decimal("200.0"))
    url = change_url(project)
    form_a = form_data(editor_client.get(url))
    form_b = form_data(other_client.get(url))
    form_a["capacity_mw"] = "250"
    assert editor_client.post(url, form_a).status_code == 302

    form_b["name"] = "Lakeside North"
    refused = other_client.post(url, _without(form_b, "loaded_version"))
    assert refused.status_code == 200
    assert any(RELOAD in error for error in errors_of(refused))
    project.refresh_from_db()
    assert (project.name, project.capacity_mw, project.version) == ("Lakeside", 250, 2)
    # Sending the re-shown form again does not get it through: only a reload does.
    again = other_client.post(url, form_data(refused))
    assert again.status_code == 200
    project.refresh_from_db()
    assert project.version == 2
    reloaded = form_data(other_client.get(url))
    reloaded["name"] = "Lakeside North"
    assert other_client.post(url, reloaded).status_code == 302


def test_a_save_without_the_version_is_refused_even_when_nothing_changed(editor_client):
    project = ProjectFactory(name="Before")
    url = change_url(project)
    form = form_data(editor_client.get(url))
    form["name"] = "After"
    refused = editor_client.post(url, _without(form, "loaded_version"))
    assert refused.status_code == 200
    assert any(RELOAD in error for error in errors_of(refused))
    project.refresh_from_db()
    assert (project.name, project.version) == ("Before", 1)


def test_an_inline_row_without_its_version_is_refused(editor_client, other_client):
    project = ProjectFactory()
    phase = ProjectPhaseFactory(project=project, sequence=1, capacity_mw=Decimal("100.0"))
    url = change_url(project)
    form_a = form_data(editor_client.get(url))
    form_b = form_data(other_client.get(url))
    form_a["phases-0-capacity_mw"] = "120"
    assert editor_client.post(url, form_a).status_code == 302
    form_b["phases-0-capacity_mw"] = "90"
    form_b["loaded_version"] = str(Project.objects.get(pk=project.pk).version)  # page is fresh
    refused = other_client.post(url, _without(form_b, "phases-0-loaded_version"))
    assert refused.status_code == 200
    assert any(RELOAD in error for error in errors_of(refused))
    phase.refresh_from_db()
    assert (phase.capacity_mw, phase.version) == (120, 2)


@pytest.mark.parametrize(
    ("row_version", "first_error", "also_says"),
    [
        (
            "stale",
            "Not deleted: “Phase 1”. This project phase was changed by editor",
            "Changed since you opened it: capacity (MW): 100.0 → 130.0",
        ),
        ("missing", "Not deleted: “Phase 1”.", RELOAD),
    ],
)
def test_deleting_an_inline_row_someone_changed_meanwhile_is_refused(
    editor_client, other_client, row_version, first_error, also_says
):
    """B deletes a phase that A changed after B opened the page: refused, whether B's form
    carries the row's old version or none (then with a page version that is current)."""
    project = ProjectFactory()
    phase = ProjectPhaseFactory(project=project, sequence=1, capacity_mw=Decimal("100.0"))
    url = change_url(project)
    form_a = form_data(editor_client.get(url))
    form_b = form_data(other_client.get(url))
    form_a["phases-0-capacity_mw"] = "130"
    assert editor_client.post(url, form_a).status_code == 302
    form_b["phases-0-DELETE"] = "on"
    if row_version == "missing":
        form_b["loaded_version"] = str(Project.objects.get(pk=project.pk).version)
        form_b = _without(form_b, "phases-0-loaded_version")
    refused = other_client.post(url, form_b)
    assert refused.status_code == 200
    errors = list(refused.context["inline_admin_formsets"][0].formset.non_form_errors())
    assert errors and errors[0].startswith(first_error)
    assert any(also_says in error for error in errors)
    phase.refresh_from_db()
    assert phase.capacity_mw == 130


def test_a_revert_without_the_version_is_refused(admin_client):
    from django.urls import reverse as url_for

    project = ProjectFactory(capacity_mw=Decimal("100.0"))
    first = project.history.earliest()
    project.capacity_mw = Decimal("150.0")
    project.save()
    url = url_for("admin:projects_project_simple_history", args=[project.pk, first.history_id])
    data = form_data(admin_client.get(url))
    project.region = "Changed meanwhile"
    project.save()
    refused = admin_client.post(url, _without(data, "loaded_version"))
    assert refused.status_code == 200
    assert any(RELOAD in error for error in errors_of(refused))
    project.refresh_from_db()
    assert (project.capacity_mw, project.region) == (150, "Changed meanwhile")
