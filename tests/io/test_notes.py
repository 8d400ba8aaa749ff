"""Notes in and out: exported, imported back as they were (their history says by which file),
matched by day and text through the admin's import; the template's example row is refused."""

import datetime as dt

import pytest
from tablib import Dataset

from projects.models import Note
from projects.resources import NoteResource
from tests.factories import NoteFactory, PartnerFactory

from .conftest import csv_file

pytestmark = pytest.mark.django_db


def test_notes_export_and_import_back_with_history(editor_client, upload, confirm):
    PartnerFactory(slug="kia")
    NoteFactory(
        date=dt.date(2025, 6, 4),
        text='=HYPERLINK("http://evil.example")',  # stays text, imports back as typed
        partner=PartnerFactory(slug="kia-2"),
        illustrative=False,
        source_url="https://example.com/kia",
    )
    NoteFactory(date=dt.date(2025, 6, 12), text="Temasek joins", source_title="", source_url="")
    exported = NoteResource().export()
    before = sorted(Note.objects.values_list("date", "text", "partner__slug", "source_url"))
    Note.objects.all().delete()
    result = NoteResource().import_data(
        Dataset().load(exported.csv, format="csv"), file_name="notes.csv"
    )
    assert not result.has_errors() and not result.has_validation_errors()
    assert sorted(Note.objects.values_list("date", "text", "partner__slug", "source_url")) == (
        before
    )
    assert Note.history.filter(history_change_reason="import notes.csv").count() == 2

    # Through the admin: a row matches a note by day and text; the template's row is refused.
    header = NoteResource().get_export_headers()
    row = {
        "date": "2025-06-04",
        "text": "Kuwait Investment Authority joins",
        "partner": "kia",
        "project": "",
        "source_title": "Zawya",
        "source_url": "https://example.com/kia",
        "as_of": "2025-06-04",
        "illustrative": "false",
    }
    template = NoteResource.example_row
    response = upload(
        "note",
        csv_file("notes.csv", header, [[row[c] for c in header], [template[c] for c in header]]),
    )
    shown = response.context["preview"]
    assert [r.label for r in shown["rows"]] == ["Create", "Refused"]
    response = upload("note", csv_file("notes.csv", header, [[row[c] for c in header]]))
    assert confirm("note", response).status_code == 302
    assert Note.objects.get(text="Kuwait Investment Authority joins").partner.slug == "kia"
