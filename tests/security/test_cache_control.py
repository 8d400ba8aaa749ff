"""Every answer that carries portfolio data (pages, partials, exports; signed in or through a
shared link, whose address is a secret) says `Cache-Control: private, no-store`, as the API
does: no shared cache or browser disk keeps it. Static files keep their own long caching."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PRIVATE = "private, no-store"
CHART = "capacity_pipeline"


def _signed_in_paths(records):
    return {
        "dashboard": "/",
        "dashboard, wrong filters (400)": "/?stage=nowhere",
        "chart partial": f"/charts/{CHART}/",
        "chart CSV": f"/charts/{CHART}.csv",
        "workbook": "/export.xlsx",
        "portfolio": "/portfolio/",
        "partner page": f"/partners/{records.partner.slug}/",
        "project page": f"/projects/{records.project.slug}/",
        "shared links list": "/shares/",
    }


def test_signed_in_data_is_private_and_not_stored(viewer_client, records):
    for kind, path in _signed_in_paths(records).items():
        response = viewer_client.get(path)
        assert response.status_code in (200, 400), kind
        assert response.get("Cache-Control") == PRIVATE, kind


def test_the_dashboards_htmx_partial_and_the_charts_fast_path_too(viewer_client, records):
    partial = viewer_client.get("/?stage=construction", HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert partial["Cache-Control"] == PRIVATE
    assert viewer_client.get(f"/charts/{CHART}/").status_code == 200  # earns the pass
    fast = viewer_client.get(f"/charts/{CHART}/")
    assert fast.wsgi_request.fastpath_user_id is not None  # answered by the fast path
    assert fast["Cache-Control"] == PRIVATE


def test_every_path_of_a_shared_view_is_private_and_not_stored(share):
    client = Client()
    base = f"/s/{share.token}/"
    paths = {
        "page": base,
        "embed": base + "?embed=1",
        "htmx partial": base + "?stage=construction",
        "chart partial": base + f"charts/{CHART}/",
        "chart CSV": base + f"charts/{CHART}.csv",
        "workbook": base + "export.xlsx",
        "wrong filters (400)": base + "?partner=nobody",
        "unknown link (404)": "/s/" + "x" * 43 + "/",
    }
    for kind, path in paths.items():
        response = client.get(path)
        assert response.status_code in (200, 400, 404), kind
        assert response.get("Cache-Control") == PRIVATE, kind


def test_static_files_keep_their_own_caching(settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from the source folders: no collectstatic
    response = Client().get("/static/js/charts.js")  # a new client loads the middleware anew
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "max-age" in cache_control
    assert "no-store" not in cache_control
