"""Fixtures of the import and export tests: files built in memory, uploads through the admin."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse


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
        form = preview_response.context["confirm_form"]
        data = {name: form.initial.get(name, "") for name in form.fields}
        url = reverse(f"admin:projects_{model_name}_process_import")
        return editor_client.post(url, data)

    return post
