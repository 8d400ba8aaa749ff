"""What bench/run measures, shared by the harness (no Django) and bench/inprocess.py (Django).

Every view is a dict: key (stable, used in the JSON), label (for people), path, headers.
"""

import datetime as dt
import math

FILTER_QUERY = "stage=construction"  # the filter change: one box of the Stage filter
SCENARIO = "everything-a-year-late"  # shipped with the demo (aipdash/scenarios/demo.py)
# Issue 18: the same filter change as of a day (today: every row of the history stands, the
# largest as-of read) and compared with an earlier day (two readings and the changes list).
COMPARE_DAY = "2025-06-30"  # the demo's records are there that day (bench databases load it)


def as_of_query():
    return f"as_of={dt.date.today().isoformat()}&{FILTER_QUERY}"


def compare_query():
    return f"compare={COMPARE_DAY}&{FILTER_QUERY}"


CSV_CHART = "capacity_online"
REFERENCE_CHART = "capacity_online"  # the chart partial of the 32-connection run's headline
HX = {"HX-Request": "true"}


def percentile(values, p):
    """Nearest-rank percentile: the smallest sample with at least p% of the samples at or
    below it (with 20 samples, p95 is the 19th, p99 the 20th)."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def views(chart_names, token):
    """The views of issue 5, in the order they are measured."""
    out = [{"key": "page", "label": "Full page /", "path": "/", "headers": {}}]
    out += [
        {
            "key": f"chart:{name}",
            "label": f"Chart partial {name}",
            "path": f"/charts/{name}/",
            "headers": {},
            "chart": name,
        }
        for name in chart_names
    ]
    out += [
        {
            "key": "filter",
            "label": f"Filter change /?{FILTER_QUERY} (htmx, all charts)",
            "path": f"/?{FILTER_QUERY}",
            "headers": dict(HX),
        },
        # Issue 17: the same views under a shipped scenario (its figures beside the recorded
        # ones; the cold budget is 1.2x the view without it).
        {
            "key": "scenario",
            "label": f"Scenario /?scenario={SCENARIO} (htmx, all charts)",
            "path": f"/?scenario={SCENARIO}",
            "headers": dict(HX),
        },
        {
            "key": "scenario-filter",
            "label": f"Filter change under a scenario /?{FILTER_QUERY}&scenario={SCENARIO}",
            "path": f"/?scenario={SCENARIO}&{FILTER_QUERY}",
            "headers": dict(HX),
        },
        # Two scenarios' figures side by side (the recorded portfolio and the scenario, each
        # view's headline, power balance and capital bridge, and their differences).
        {
            "key": "scenario-compare",
            "label": f"Compare /scenarios/compare/?b={SCENARIO}&{FILTER_QUERY}",
            "path": f"/scenarios/compare/?b={SCENARIO}&{FILTER_QUERY}",
            "headers": {},
        },
        {
            "key": "asof",
            "label": f"As of today /?{as_of_query()} (htmx, all charts)",
            "path": f"/?{as_of_query()}",
            "headers": dict(HX),
        },
        {
            "key": "compare",
            "label": f"Compared /?{compare_query()} (htmx, all charts)",
            "path": f"/?{compare_query()}",
            "headers": dict(HX),
        },
        {
            "key": "csv",
            "label": f"CSV export {CSV_CHART}",
            "path": f"/charts/{CSV_CHART}.csv",
            "headers": {},
        },
        {
            "key": "shared",
            "label": "Shared link /s/<token>/ (every stage ticked)",
            "path": f"/s/{token}/",
            "headers": {},
        },
    ]
    return out


def wsgi_headers(headers):
    """HTTP headers as the Django test client takes them (HX-Request -> HTTP_HX_REQUEST)."""
    return {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}
