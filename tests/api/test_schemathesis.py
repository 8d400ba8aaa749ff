"""Schemathesis against /api/schema/: every operation, with generated parameters (valid and
invalid), through the WSGI app and a viewer's token. No answer may be a server error or break
the schema the API publishes."""

import json
from decimal import Decimal

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api import tokens
from tests.factories import ScenarioFactory

pytestmark = pytest.mark.django_db
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def test_connection_kept():
    """The WSGI app closes the database connection after each request when it is inside a
    transaction (the test's), as Django's own test client stops it doing: do the same."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_token(viewer, portfolio, test_connection_kept):
    # A scenario of the viewer's with every kind of assumption, so the list has one to describe.
    ScenarioFactory(
        owner=viewer,
        slug="late",
        slip_announced_months=12,
        attrition_by_kind={"generation": {"announced": 86}},
        leverage=Decimal("1.5"),
        cost_per_mw_grid_usd=Decimal(2_000_000),
        assumption_sources={"leverage": {"kind": "ours", "note": "A stress case."}},
    )
    return tokens.create(owner=viewer, label="schemathesis").secret


def published_schema() -> dict:
    """What /api/schema/ serves (a test below checks that it is the same), as plain JSON.

    Built at import because schemathesis's lazy `from_fixture` loader does not work with
    pytest 9 (it reads a private attribute that pytest removed); the served schema needs a
    token, hence the database, which collection has not got.
    """
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


schema = schemathesis.openapi.from_dict(published_schema())
schema.app = get_wsgi_application()


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_and_every_answer_fits_the_schema(case, api_token, settings):
    settings.ALLOWED_HOSTS = ["*"]
    # Uncompressed: over WSGI schemathesis does not undo GZipMiddleware's encoding (which it
    # asks for by default), and would read the gzip bytes as the JSON body.
    headers = {"Authorization": f"Bearer {api_token}", "Accept-Encoding": "identity"}
    case.call_and_validate(headers=headers, checks=CHECKS)


def test_the_schema_describes_every_endpoint(viewer_client, portfolio):
    response = viewer_client.get("/api/schema/", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.json() == published_schema()  # what schemathesis tests above
    paths = response.json()["paths"]
    assert set(paths) == {
        "/api/partners/",
        "/api/partners/{slug}/",
        "/api/projects/",
        "/api/projects/{slug}/",
        "/api/commitments/",
        "/api/commitments/{id}/",
        "/api/targets/",
        "/api/targets/{slug}/",
        "/api/indicators/",
        "/api/indicators/{id}/",
        "/api/notes/",
        "/api/notes/{id}/",
        "/api/scenarios/",
        "/api/scenarios/{slug}/",
        "/api/charts/",
        "/api/charts/{chart}/",
        "/api/headline/",
    }
    assert all(set(operations) == {"get"} for operations in paths.values())
    security = response.json()["components"]["securitySchemes"]
    assert security["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": security["bearerAuth"]["description"],
    }


def test_no_operation_is_described_by_a_code_comment():
    """An operation without a description of its own has none: the docs once showed every
    such operation (the partners list, one project...) as "API answers are for the caller
    alone: no shared cache keeps them.", the docstring of a mixin of the views."""
    described = {
        (path, method): operation.get("description", "")
        for path, operations in published_schema()["paths"].items()
        for method, operation in operations.items()
    }
    assert not [key for key, text in described.items() if "cache" in text], described
    # Those that have one say what the operation does.
    assert "Filtered as the dashboard" in described["/api/projects/", "get"]
