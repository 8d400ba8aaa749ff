"""The pages load plotly-custom.min.js, plotly.js built with only some trace types
(scripts/build-plotly): a figure with any other type would draw nothing. These tests fail when
a figure uses a trace type the bundle lacks, and when the bundle's manifest
(static/vendor/plotly/plotly-custom.json, which lists its traces) does not describe the file
the pages load. The browser tests check that the loaded bundle registers exactly those traces
(tests/browser/test_plotly_csp.py).

To add a trace type: `scripts/build-plotly --traces <the manifest's traces>,<the new one>`.
"""

import hashlib
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from aipdash.charts.build import BUILDERS
from aipdash.dashboard.filters import DashboardFilters
from aipdash.sharing import services
from partners.models import Partner
from projects.models import Project

VENDOR = Path(settings.BASE_DIR) / "static" / "vendor" / "plotly"
MANIFEST = json.loads((VENDOR / "plotly-custom.json").read_text(encoding="utf-8"))
BUNDLE_URL = "/static/vendor/plotly/" + MANIFEST["file"]

# The JSON data island of each chart on a page (templates/dashboard/index.html, partial "chart").
ISLAND = re.compile(
    r'<script type="application/json" id="(chart-[\w-]+-data)">(.*?)</script>', re.DOTALL
)


def trace_types(figure: dict) -> set[str]:
    """plotly.js draws a trace without a `type` as scatter."""
    return {trace.get("type", "scatter") for trace in figure.get("data", [])}


def figures_on(client, path: str) -> dict[str, dict]:
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    assert BUNDLE_URL in html, f"{path} does not load {BUNDLE_URL}"
    assert "plotly.min.js" not in html, f"{path} still loads the full plotly.js"
    return {island: json.loads(text) for island, text in ISLAND.findall(html)}


def test_the_manifest_describes_the_bundle_in_static():
    bundle = (VENDOR / MANIFEST["file"]).read_bytes()
    assert hashlib.sha256(bundle).hexdigest() == MANIFEST["sha256"], (
        "plotly-custom.min.js changed without its manifest: rebuild with scripts/build-plotly"
    )
    assert len(bundle) == MANIFEST["bytes"]
    assert "scatter" in MANIFEST["traces"]  # in plotly.js's core: always there
    # The bundle says what it is in its first line.
    head = bundle[:300].decode()
    assert f"plotly.js v{MANIFEST['plotly.js']}" in head
    assert ", ".join(MANIFEST["traces"]) in head


def test_the_bundle_is_the_plotly_js_of_the_python_package():
    """The figures are built by the Python package for its plotly.js version."""
    from plotly.offline import get_plotlyjs_version

    assert MANIFEST["plotly.js"] == get_plotlyjs_version(), (
        "plotly (Python) moved to another plotly.js: rebuild with scripts/build-plotly"
    )


@pytest.mark.django_db
def test_every_figure_of_every_page_uses_only_traces_in_the_bundle(viewer_client, viewer):
    """Every page that draws charts, on the demo data: the dashboard (unfiltered and filtered
    to a stage), each partner's and each project's page, a shared view."""
    call_command("load_demo", verbosity=0)
    link = services.create(
        user=viewer,
        label="bundle test",
        filters=DashboardFilters(stage=("construction",)),
        open_filters=["partner"],
        days=1,
    )
    paths = ["/", "/?stage=operational", f"/s/{link.token}/"]
    paths += [partner.get_absolute_url() for partner in Partner.objects.all()]
    paths += [project.get_absolute_url() for project in Project.objects.all()]

    used: dict[str, set[str]] = {}  # trace type -> where
    charts_seen = set()
    for path in paths:
        for island, figure in figures_on(viewer_client, path).items():
            charts_seen.add(figure.get("layout", {}).get("meta", {}).get("chart"))
            for kind in trace_types(figure):
                used.setdefault(kind, set()).add(f"{path} #{island}")

    # Every chart builder drew at least one figure here, so none goes unchecked.
    assert set(BUILDERS) <= charts_seen, f"no figure seen of {set(BUILDERS) - charts_seen}"
    missing = {kind: sorted(where)[:3] for kind, where in used.items()}
    missing = {k: v for k, v in missing.items() if k not in MANIFEST["traces"]}
    assert not missing, (
        f"figures use trace types that plotly-custom.min.js lacks: {missing}. Rebuild it with "
        f"scripts/build-plotly --traces {','.join(sorted({*MANIFEST['traces'], *missing}))}"
    )
