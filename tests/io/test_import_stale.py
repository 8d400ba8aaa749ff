"""An import's confirmation writes only over what its preview showed: a record changed, created
or deleted by someone else between the preview and the confirmation refuses the whole import,
naming the record, who and when; the confirmation's record of the preview can't be forged."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core import signing
from django.db.models.signals import pre_save
from django.urls import reverse

from aipdash.operations.imports.forms import preview_salt
from projects.models import Commitment, Project
from projects.resources import CommitmentResource
from tests.factories import CommitmentFactory, PartnerFactory, ProjectFactory

from .conftest import HEADER, confirm_data, csv_file, project_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def bob(db):
    return User.objects.create_user("bob", is_staff=True)


def edit_as(user, record, **values):
    """Another editor's save (the admin's, or any code's): history names the user."""
    record.refresh_from_db()
    for name, value in values.items():
        setattr(record, name, value)
    record._history_user = user
    record.save()


def lakeside_file():
    """Renames lakeside and moves it to Ohio; its capacity and description as they were."""
    return csv_file(
        "projects.csv",
        HEADER,
        [
            project_row(
                slug="lakeside",
                name="Lakeside Campus II",
                kind="data_centre",
                energy_source="",
                region="Ohio",
                capacity_mw="200.0",
                description="",
            )
        ],
    )


def test_a_record_changed_after_the_preview_refuses_the_confirmation(upload, confirm, bob):
    ProjectFactory(slug="lakeside", name="Lakeside Campus", capacity_mw=Decimal("200.0"))
    preview = upload("project", lakeside_file())
    assert preview.context["preview"]["counts"]["update"] == 1

    lakeside = Project.objects.get(slug="lakeside")
    edit_as(bob, lakeside, capacity_mw=Decimal("350.0"), description="Bob's expansion")
    history = Project.history.count()

    refused = confirm("project", preview)

    assert refused.status_code == 200 and refused.context["conflicts"]  # re-shown, refused
    lakeside.refresh_from_db()
    # Bob's edit stands, the file's name and region were not written either (all or nothing).
    assert (lakeside.name, lakeside.region) == ("Lakeside Campus", "Texas")
    assert (lakeside.capacity_mw, lakeside.description) == (350, "Bob's expansion")
    assert Project.history.count() == history
    conflicts = refused.context["conflicts"]
    assert len(conflicts) == 1
    text = refused.content.decode()
    assert "Nothing was imported" in text
    assert "Lakeside Campus" in text and "line 2 of your file" in text
    assert "changed by bob" in text
    assert "Capacity (MW): 200.0 → 350.0 (your file has 200.0)" in text
    assert "Description: (empty) → Bob&#x27;s expansion (your file has it empty)" in text
    # The preview is made again against the records as they are now: Bob's values are the
    # old ones the file would replace, and confirming that preview is a deliberate choice.
    shown = refused.context["preview"]
    capacity = shown["headers"].index("capacity_mw")
    assert shown["rows"][0].cells[capacity].old == "350.0"
    assert "Confirm import" in text

    again = confirm("project", refused)
    assert again.status_code == 302
    lakeside.refresh_from_db()
    assert (lakeside.name, lakeside.capacity_mw) == ("Lakeside Campus II", 200)


def test_a_record_created_after_the_preview_is_not_silently_updated(upload, confirm, bob):
    preview = upload("project", csv_file("new.csv", HEADER, [project_row(slug="riverside")]))
    assert preview.context["preview"]["counts"]["new"] == 1
    theirs = ProjectFactory.build(slug="riverside", name="Bob's Riverside", region="Nevada")
    theirs._history_user = bob
    theirs.save()

    refused = confirm("project", preview)

    assert refused.status_code == 200 and refused.context["conflicts"]  # re-shown, refused
    theirs.refresh_from_db()
    assert (theirs.name, theirs.region) == ("Bob's Riverside", "Nevada")
    text = refused.content.decode()
    assert "did not exist when you previewed" in text
    assert "created by bob" in text and "line 2 of your file" in text


def test_a_record_deleted_after_the_preview_is_not_created_again(upload, confirm, bob):
    ProjectFactory(slug="lakeside", name="Lakeside Campus", capacity_mw=Decimal("200.0"))
    preview = upload("project", lakeside_file())
    gone = Project.objects.get(slug="lakeside")
    gone._history_user = bob
    gone.delete()

    refused = confirm("project", preview)

    assert refused.status_code == 200 and refused.context["conflicts"]  # re-shown, refused
    assert not Project.objects.filter(slug="lakeside").exists()
    assert "deleted by bob" in refused.content.decode()


def test_an_unchanged_row_whose_record_changed_since_is_refused_too(upload, confirm, bob):
    """Previewed as unchanged, the row would now put the file's values back over Bob's."""
    ProjectFactory(slug="lakeside")
    from projects.resources import ProjectResource

    exported = ProjectResource().export(Project.objects.all())
    preview = upload("project", csv_file("same.csv", exported.headers, list(exported)))
    assert preview.context["preview"]["counts"]["skip"] == 1
    edit_as(bob, Project.objects.get(slug="lakeside"), capacity_mw=Decimal("999"))

    refused = confirm("project", preview)
    assert refused.status_code == 200 and refused.context["conflicts"]  # re-shown, refused
    assert Project.objects.get(slug="lakeside").capacity_mw == 999


def test_a_change_between_the_confirmations_check_and_its_save_is_refused_too(upload, confirm, bob):
    """Bob saves after the confirmation compared the versions, just before its save (a real
    save, made from the import's own pre_save): the save's conditional UPDATE refuses it
    (StaleEditError), and the page names Bob as for any other change."""
    ProjectFactory(slug="lakeside", name="Lakeside Campus", capacity_mw=Decimal("200.0"))
    preview = upload("project", lakeside_file())
    raced = []

    def bob_saves_first(sender, instance, **kwargs):
        if raced or not getattr(instance, "_change_reason", "").startswith("import"):
            return
        raced.append(instance.pk)
        edit_as(bob, Project.objects.get(pk=instance.pk), capacity_mw=Decimal("999"))

    pre_save.connect(bob_saves_first, sender=Project)
    try:
        refused = confirm("project", preview)
    finally:
        pre_save.disconnect(bob_saves_first, sender=Project)

    assert raced
    assert refused.status_code == 200 and refused.context["conflicts"]  # re-shown, refused
    text = refused.content.decode()
    assert "changed by bob" in text and "Capacity (MW): 200.0 → 999" in text
    # Bob's save was in the confirmation's transaction here, so it was rolled back with it.
    assert Project.objects.get(slug="lakeside").name == "Lakeside Campus"


def test_every_changed_record_is_named(upload, confirm, bob):
    partner = PartnerFactory(slug="gip")
    for reference in ("a-1", "a-2", "a-3"):
        CommitmentFactory(reference=reference, partner=partner, amount_usd=Decimal("100"))
    exported = CommitmentResource().export(Commitment.objects.order_by("reference"))
    rows = [list(row) for row in exported]
    amount = exported.headers.index("amount_usd")
    for row in rows:
        row[amount] = "200"
    preview = upload("commitment", csv_file("c.csv", exported.headers, rows))
    edit_as(bob, Commitment.objects.get(reference="a-1"), note="checked")
    Commitment.objects.filter(reference="a-3").update(amount_usd=Decimal("150"))  # a bulk update

    refused = confirm("commitment", preview)

    assert refused.status_code == 200 and refused.context["conflicts"]  # re-shown, refused
    assert [c.line for c in refused.context["conflicts"]] == [2, 4]
    assert sorted(Commitment.objects.values_list("amount_usd", flat=True)) == [100, 100, 150]


def test_a_file_that_creates_then_updates_one_record_confirms(upload, confirm):
    """A later row matching a record an earlier row of the same file created is the file's
    own doing, not someone else's change (its key differs between the preview and the
    confirmation: the preview's row was rolled back)."""
    file = csv_file(
        "twice.csv",
        HEADER,
        [project_row(slug="riverside"), project_row(slug="riverside", capacity_mw="450.0")],
    )
    preview = upload("project", file)
    assert preview.context["preview"]["counts"] == {"new": 1, "update": 1, "skip": 0, "refused": 0}
    done = confirm("project", preview)
    assert done.status_code == 302
    assert Project.objects.get(slug="riverside").capacity_mw == 450


@pytest.mark.parametrize("forge", ["tamper", "missing", "other file"])
def test_the_previewed_versions_cannot_be_forged(upload, editor_client, bob, forge):
    """The preview's record travels signed: changed, dropped, or lifted from another
    preview, it is the form's error and nothing is written."""
    ProjectFactory(slug="lakeside", name="Lakeside Campus")
    preview = upload("project", lakeside_file())
    data = confirm_data(preview)
    edit_as(bob, Project.objects.get(slug="lakeside"), capacity_mw=Decimal("350.0"))
    if forge == "tamper":  # claim the current version, to write over Bob's change
        salt = preview_salt(Project)
        payload = signing.loads(data["previewed"], salt=salt)
        lakeside = Project.objects.get(slug="lakeside")
        payload["matched"] = [[lakeside.pk, lakeside.version]]
        data["previewed"] = signing.dumps(payload, key="not-the-secret", salt=salt, compress=True)
    elif forge == "missing":
        data.pop("previewed")
    else:  # a genuine record of the preview of another upload
        other = upload("project", lakeside_file())
        data["previewed"] = confirm_data(other)["previewed"]
    response = editor_client.post(reverse("admin:projects_project_process_import"), data)
    assert response.status_code == 400
    assert b"Nothing was imported" in response.content
    assert "preview" in " ".join(response.context["confirm_errors"])
    lakeside = Project.objects.get(slug="lakeside")
    assert (lakeside.name, lakeside.capacity_mw) == ("Lakeside Campus", 350)
