"""What a move of code must not change: every URL the site answers and the API's OpenAPI
document. Both are compared with snapshots in tests/snapshots/; a change on purpose writes them
anew with `UPDATE_SNAPSHOTS=1 pytest tests/test_layout_unchanged.py` and shows in the diff."""

import json
import os
from pathlib import Path

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

SNAPSHOTS = Path(__file__).parent / "snapshots"


def _patterns(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, route, inner)
        elif isinstance(entry, URLPattern):
            callback = entry.lookup_str  # the view's dotted path may move; its address may not
            name = f"{namespace}{entry.name}" if entry.name else "-"
            yield f"{route}  {name}", callback


def _compare(name: str, text: str):
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(text)
    assert path.exists(), f"no snapshot {path}: run with UPDATE_SNAPSHOTS=1 once"
    assert text == path.read_text(), f"{name} changed: see the diff above"


def test_every_url_is_where_it_was():
    lines = sorted({line for line, _view in _patterns(get_resolver())})
    _compare("urls.txt", "\n".join(lines) + "\n")


@pytest.mark.django_db
def test_the_openapi_document_is_unchanged():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    # One snapshot per database: DRF bounds an integer field by the database's own range
    # (a small integer is up to 32,767 on PostgreSQL, any int64 on SQLite).
    text = json.dumps(schema, indent=1, sort_keys=True, default=str) + "\n"
    _compare(f"openapi.{connection.vendor}.json", text)
