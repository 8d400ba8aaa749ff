"""Dated notes: a record like the others (rules, provenance with an optional source, history,
admin, import and export, the API), its text shown as typed and never as markup."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from aipdash.charts.data import ChartData
from aipdash.charts.text import escaped
from aipdash.operations import backup
from projects.models import Note
from tests.factories import NoteFactory, PartnerFactory, ProjectFactory
from tests.security.hostile import HOSTILE

pytestmark = pytest.mark.django_db

MARKUP = '<b>xAI</b> joins <a href="javascript:alert(1)">AIP</a> & <script>alert(1)</script>'


def note_post(**fields):
    data = {
        "date": "2025-03-19",
        "text": "xAI joins",
        "partner": "",
        "project": "",
        "source_title": "",
        "source_url": "",
        "as_of": "2025-03-19",
    }
    return data | fields


def test_a_note_needs_no_source_but_keeps_its_other_rules():
    note = Note(date=dt.date(2025, 3, 19), text="Board pack sent", as_of=dt.date(2025, 3, 19))
    note.full_clean()  # not illustrative, no source URL: allowed for a note
    note.save()
    assert note.history.get().history_type == "+"
    for wrong, field in (
        ({"date": dt.date(1989, 12, 31)}, "date"),
        ({"text": ""}, "text"),
        ({"text": "x" * 201}, "text"),
        ({"as_of": dt.date(2999, 1, 1)}, "as_of"),
    ):
        bad = Note(**{"date": dt.date(2025, 1, 1), "text": "t", "as_of": dt.date(2025, 1, 1)})
        for key, value in wrong.items():
            setattr(bad, key, value)
        with pytest.raises(ValidationError) as caught:
            bad.full_clean()
        assert field in caught.value.message_dict
    with transaction.atomic(), pytest.raises(IntegrityError):
        Note.objects.create(date=dt.date(2025, 1, 1), text="", as_of=dt.date(2025, 1, 1))


def test_a_partner_or_project_with_notes_is_not_deleted_by_mistake():
    note = NoteFactory(partner=PartnerFactory(), project=ProjectFactory())
    with transaction.atomic(), pytest.raises(IntegrityError):
        note.partner.delete()
    assert list(note.project.notes.all()) == [note]


def test_an_editor_adds_and_changes_a_note_in_the_admin(editor_client):
    partner = PartnerFactory(slug="xai")
    response = editor_client.post(
        reverse("admin:projects_note_add"), note_post(partner=str(partner.pk))
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    note = Note.objects.get()
    assert (note.partner, note.illustrative, note.source_url) == (partner, False, "")
    response = editor_client.post(
        reverse("admin:projects_note_change", args=[note.pk]),
        note_post(text="xAI joins AIP", loaded_version=str(note.version)),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert [row.text for row in note.history.order_by("history_id")] == [
        "xAI joins",
        "xAI joins AIP",
    ]
    # Editors may delete a note (a line of their own), as they may a commitment.
    response = editor_client.post(
        reverse("admin:projects_note_delete", args=[note.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Note.objects.exists()


def test_hostile_text_is_shown_as_typed_in_the_admin(editor_client):
    note = NoteFactory(text=MARKUP, source_title='"><img src=x onerror=alert(1)>')
    for url in (
        reverse("admin:projects_note_changelist"),
        reverse("admin:projects_note_change", args=[note.pk]),
        reverse("admin:projects_note_history", args=[note.pk]),
    ):
        page = editor_client.get(url).content.decode()
        assert "<script>alert(1)" not in page, url
        assert '<a href="javascript' not in page, url
        assert "<img src=x" not in page, url
        assert "&lt;b&gt;xAI&lt;/b&gt;" in page, url


def test_hostile_text_is_escaped_for_the_charts():
    """The time charts draw notes from a ChartData's extras (next step); the charts' escaping
    already covers them: no markup reaches plotly.js."""
    data = ChartData(
        chart="commitments_over_time",
        title="t",
        columns=(),
        rows=(),
        extras={"notes": [{"date": "2025-03-19", "text": text} for text in HOSTILE]},
    )
    shown = escaped(data).extras["notes"]
    for note in shown:
        assert "<" not in note["text"] and ">" not in note["text"]
    assert shown[0]["text"] == '&lt;script&gt;alert("x")&lt;/script&gt;'


def test_the_api_lists_notes_with_their_source(viewer_client):
    partner = PartnerFactory(slug="xai")
    NoteFactory(date=dt.date(2025, 10, 15), text="Aligned", source_url="https://example.com/a")
    NoteFactory(date=dt.date(2025, 3, 19), text=MARKUP, partner=partner)
    body = viewer_client.get("/api/notes/").json()
    assert [row["date"] for row in body["results"]] == ["2025-03-19", "2025-10-15"]
    first = body["results"][0]
    assert first["text"] == MARKUP  # data as typed; JSON is not markup
    assert (first["partner"], first["project"]) == ("xai", None)
    assert set(first) == {
        "id",
        "date",
        "text",
        "partner",
        "project",
        "source_title",
        "source_url",
        "as_of",
        "illustrative",
    }
    one = viewer_client.get(f"/api/notes/{first['id']}/")
    assert one.status_code == 200 and one.json() == first
    assert viewer_client.get("/api/notes/", {"partner": "xai"}).status_code == 400


def test_notes_are_in_the_backup():
    NoteFactory(partner=PartnerFactory(slug="xai"), text="xAI joins")
    lines = "".join(backup.export_lines())
    assert '"model": "projects.note"' in lines
    assert '"partner": "xai"' in lines


def test_a_hostile_note_in_since_your_last_visit_is_shown_as_typed(viewer):
    from tests.ux.test_changes import panel, visit

    visit(viewer)
    NoteFactory(text=MARKUP, project=ProjectFactory(slug="lakeside"))
    _, response = visit(viewer)
    html = panel(response.text)
    assert "2 added" in html  # the project and its note
    assert "&lt;b&gt;xAI&lt;/b&gt;" in html
    assert "<script>alert(1)" not in html and '<a href="javascript' not in html
    assert 'href="/projects/lakeside/"' in html  # a note links to the project it is about
