"""Hostile text typed into the free-text fields is stored as typed and shown escaped
everywhere: pages, the admin, the charts' figures (plotly markup), shared views and CSV
(formula cells neutralised)."""

import csv
import html
import io
import json
import re

import pytest
from django.urls import reverse

from aipdash.core import csvsafe
from aipdash.dashboard.filters import DashboardFilters
from aipdash.sharing import services
from partners.models import Partner
from tests import factories
from tests.security.test_fuzz import form_fields

pytestmark = pytest.mark.django_db

# A partner's short name is what the charts show (at most 40 characters).
SHORT = '<b>B</b><a href="/evil">L</a>&\u202e🚀'
NAME = '<script>alert("n")</script><b>Bold</b><img src=x onerror=alert(2)> \u202eRTL 🚀 & Co'
PROJECT = '<a href="/evil">Campus</a><b>X</b> \u200f🔥 \'; DROP TABLE x;--'
FORMULA = '=HYPERLINK("http://evil.example","x")'
LABEL = "<i>Board</i>\x1b[31m =cmd|' /C calc'!A0"

RAW_MARKUP = ("<b>", "<script>alert", "<img src=x", 'href="/evil"', "<i>Board")


@pytest.fixture
def hostile(editor, django_capture_on_commit_callbacks):
    # The data version is bumped on commit: without it, cached partner lists of earlier tests
    # would not know these partners.
    with django_capture_on_commit_callbacks(execute=True):
        partner = factories.PartnerFactory(name=NAME, short_name=SHORT, slug="hostile")
        formula = factories.PartnerFactory(name=FORMULA, short_name=FORMULA, slug="formula")
        project = factories.ProjectFactory(name=PROJECT, slug="hostile-campus", description=NAME)
        factories.ParticipationFactory(partner=partner, project=project)
        factories.CommitmentFactory(partner=partner, project=project, note=NAME)
        factories.CommitmentFactory(partner=formula)
    issued = services.create(
        user=editor,
        label=LABEL,
        filters=DashboardFilters(partner=("hostile", "formula")),
        open_filters=["stage"],
        days=7,
    )
    return issued


def _no_raw_markup(body: str, where: str):
    for raw in RAW_MARKUP:
        assert raw not in body, f"{where}: {raw!r} unescaped"


def _figures(body: str) -> list[dict]:
    islands = re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', body, re.S)
    return [json.loads(island) for island in islands]


def _figure_texts(figure) -> str:
    """Every text of a figure that plotly.js draws (names, categories, hover, annotations)."""
    return json.dumps(figure, ensure_ascii=False)


def test_names_are_stored_as_typed_through_the_admin(editor_client, editor):
    path = reverse("admin:partners_partner_add")
    fields = form_fields(editor_client, path)
    fields.update(
        name=NAME,
        short_name=SHORT,
        slug="typed",
        description=LABEL + "\n" + NAME,
        kind=Partner.Kind.ASSET_MANAGER,
        role=Partner.Role.MEMBER,
        colour="#1f77b4",
        as_of="2025-10-15",
        illustrative="on",
    )
    response = editor_client.post(path, fields)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [f.formset.errors for f in response.context["inline_admin_formsets"]],
    )
    partner = Partner.objects.get(slug="typed")
    assert (partner.name, partner.short_name) == (NAME, SHORT)
    # A form posts line breaks as CRLF; Django keeps them.
    assert partner.description.replace("\r\n", "\n") == LABEL + "\n" + NAME


def test_pages_show_hostile_names_escaped(editor_client, hostile):
    pages = {
        "dashboard": "/?partner=formula&partner=hostile",
        "partner": "/partners/hostile/",
        "project": "/projects/hostile-campus/",
        "portfolio": "/portfolio/",
        "shares": "/shares/",
        "admin list": "/admin/partners/partner/?q=Bold",
        "admin change": f"/admin/partners/partner/{Partner.objects.get(slug='hostile').pk}/change/",
        "admin projects": "/admin/projects/project/?q=Campus",
        "admin commitments": "/admin/projects/commitment/",
    }
    for where, path in pages.items():
        response = editor_client.get(path)
        assert response.status_code == 200, where
        body = response.content.decode()
        _no_raw_markup(body, where)
        assert "&lt;b&gt;" in body, f"{where}: the name is not shown at all"


def test_shared_view_shows_the_names_and_label_escaped(client, hostile):
    body = client.get(f"/s/{hostile.token}/").content.decode()
    _no_raw_markup(body, "shared view")
    assert html.escape(SHORT) in body or html.escape(SHORT, quote=False) in body
    figure_text = "".join(_figure_texts(f) for f in _figures(body))
    assert SHORT not in figure_text  # only its escaped form reaches plotly.js


def test_chart_figures_carry_names_escaped_for_plotly(editor_client, hostile):
    escaped_short = html.escape(SHORT, quote=False)
    pages = ("/?partner=formula&partner=hostile", "/partners/hostile/", "/projects/hostile-campus/")
    for path in pages:
        body = editor_client.get(path).content.decode()
        figures = _figures(body)
        assert figures, path
        text = "".join(_figure_texts(f) for f in figures)
        assert SHORT not in text and PROJECT not in text, path
        assert "<b>" not in text and 'href="/evil"' not in text, path
    # The dashboard's partner chart names the partner, escaped, as a bar category.
    body = editor_client.get("/?partner=formula&partner=hostile").content.decode()
    categories = [
        y
        for figure in _figures(body)
        if figure.get("layout", {}).get("meta", {}).get("chart") == "commitments_by_partner"
        for trace in figure["data"]
        for y in trace.get("y", [])
    ]
    assert escaped_short in categories


def test_csv_keeps_names_as_typed_and_neutralises_formulas(editor_client, client, hostile):
    for response in (
        editor_client.get("/charts/commitments_by_partner.csv?partner=formula&partner=hostile"),
        client.get(f"/s/{hostile.token}/charts/commitments_by_partner.csv"),
    ):
        assert response.status_code == 200
        text = b"".join(response.streaming_content).decode()
        cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        assert SHORT in cells  # text as typed: a CSV is not HTML
        assert "'" + FORMULA in cells and FORMULA not in cells
        assert not any(cell[:1] in "=+@\t\r" for cell in cells)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("", ""),
        (-5, -5),
        (-2.5, -2.5),
        (None, None),
    ],
)
def test_csv_cells_that_would_be_formulas_are_prefixed_but_numbers_stay(value, expected):
    assert csvsafe.neutralise(value) == expected
