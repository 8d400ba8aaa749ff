"""Fixtures of the import and export tests: files built in memory, uploads through the admin."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.resources import ProjectResource

HEADER = ProjectResource().get_export_headers()  # a project file's columns


def project_row(**values):
    """A valid row of a project file (a new solar project), with `values` in place."""
    row = {
        "slug": "riverside",
        "name": "Riverside Solar",
        "kind": "generation",
        "stage": "development",
        "investment": "",
        "country": "us",
        "region": "Arizona",
        "latitude": "33.4484",
        "longitude": "-112.074",
        "energy_source": "solar",
        "capacity_mw": "400.0",
        "announced_on": "2025-04-01",
        "expected_online": "2028-01-31",
        "capital_cost_usd": "600000000",
        "description": "",
        "source_title": "Developer release",
        "source_url": "https://example.com/riverside",
        "as_of": "2025-04-01",
        "illustrative": "false",
    }
    row.update(values)
    return [row[column] for column in HEADER]


def csv_file(name, header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(), content_type="text/csv")


@pytest.fixture
def upload(editor_client):
    """POST a file to a model's import page (the dry run); returns the response."""

    def post(model_name, file, fmt=""):
        url = reverse(f"admin:projects_{model_name}_import")
        return editor_client.post(url, {"import_file": file, "format": fmt, "resource": "0"})

    return post


@pytest.fixture
def confirm(editor_client):
    """POST the confirmation form a preview offered; returns the response."""

    def post(model_name, preview_response):
        url = reverse(f"admin:projects_{model_name}_process_import")
        return editor_client.post(url, confirm_data(preview_response))

    return post


def confirm_data(preview_response):
    """What the confirmation form a preview offered would send: its initial values."""
    form = preview_response.context["confirm_form"]
    return {name: form.initial.get(name, "") for name in form.fields}
