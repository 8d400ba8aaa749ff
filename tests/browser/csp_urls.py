"""A test-only URLconf: one small page with the dashboard's assets and three figures.

It proves the static assets and static/js/charts.js under the real CSP (the project's
middleware and settings), independently of the dashboard's own views and templates.

    /probe/         htmx history cache off (hx-history="false", historyCacheSize 0), as the
                    dashboard; Back fetches the charts region for the address (charts.js)
    /probe/cached/  htmx history cache on: charts.js must keep drawn SVG out of the snapshot

Query: `stage` (several) narrows the bar chart; `illustrative=1` empties it; a `year` that is
not a whole number answers 400 with the charts region saying so. An htmx request gets only the
charts region.
"""

from pathlib import Path

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.template.backends.django import DjangoTemplates
from django.urls import path
from django.views.decorators.http import require_GET

TEMPLATES = DjangoTemplates(
    {
        "NAME": "csp-probe",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
            ]
        },
    }
)

STAGES = ["announced", "development", "construction", "operational"]
MW = {"announced": 1200, "development": 800, "construction": 1500, "operational": 600}


def bar_figure(stages):
    return {
        "data": [
            {
                "type": "bar",
                "x": stages,
                "y": [MW[stage] for stage in stages],
                "customdata": [[f"?stage={stage}"] for stage in stages],
                "marker": {"color": "#1d4e89"},
                "hovertemplate": "%{x}: %{y:,.0f} MW<extra></extra>",
            }
        ],
        "layout": {
            "autosize": True,
            "margin": {"l": 60, "r": 16, "t": 16, "b": 40},
            "yaxis": {"title": {"text": "MW"}},
            "meta": {"chart": "capacity_pipeline", "unit": "MW"},
        },
    }


def map_figure():
    return {
        "data": [
            {
                "type": "scattergeo",
                "lat": [39.04, 53.35],
                "lon": [-77.49, -6.26],
                "text": ["Ashburn campus", "Dublin campus"],
                "customdata": [["/projects/ashburn/"], ["/projects/dublin/"]],
                "mode": "markers",
                "marker": {"size": [18, 12], "color": ["#1f8a4c", "#d48806"]},
            }
        ],
        "layout": {
            "autosize": True,
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
            "geo": {
                "resolution": 110,
                "fitbounds": False,
                "projection": {"type": "natural earth"},
                "showcountries": True,
                "showland": True,
                "landcolor": "#eef1f5",
                "countrycolor": "#c5cfdb",
            },
            "meta": {"chart": "project_map", "unit": "MW"},
        },
    }


def empty_figure():
    """As aipdash.charts builds one for no data: no traces, hidden axes, one annotation."""
    return {
        "data": [],
        "layout": {
            "autosize": True,
            "xaxis": {"visible": False},
            "yaxis": {"visible": False},
            "annotations": [
                {
                    "text": "No data for these filters",
                    "xref": "paper",
                    "yref": "paper",
                    "x": 0.5,
                    "y": 0.5,
                    "showarrow": False,
                }
            ],
            "meta": {"chart": "energy_mix", "unit": "MW"},
        },
    }


@login_not_required
@require_GET
def probe(request, history_cache=False):
    stages = [stage for stage in request.GET.getlist("stage") if stage in STAGES]
    illustrative = request.GET.get("illustrative") == "1"
    year = request.GET.get("year", "")
    error = "" if year == "" or year.isdigit() else "enter a whole number, such as 2027."
    bars = bar_figure([] if illustrative else stages or STAGES)
    charts = [
        {"name": "bars", "figure": bars, "empty": not bars["data"][0]["x"]},
        {"name": "map", "figure": map_figure(), "empty": False},
        {"name": "empty", "figure": empty_figure(), "empty": True},
    ]
    for chart in charts:
        chart["island_id"] = f"chart-{chart['name']}-data"
    name = "csp_probe.html"
    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        name += "#charts"
    context = {
        "all_stages": STAGES,
        "stages": stages,
        "illustrative": illustrative,
        "year": year,
        "error": error,
        "charts": charts,
        "history_cache": history_cache,
    }
    body = TEMPLATES.get_template(name).render(context, request)
    return HttpResponse(body, status=400 if error else 200)


urlpatterns = [
    path("probe/", probe, name="probe"),
    path("probe/cached/", probe, {"history_cache": True}, name="probe-cached"),
]
