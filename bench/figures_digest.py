"""Every dashboard figure, table and headline of a portfolio under many filters, as one JSON file
or its digest: run before and after a change to the reads, and compare.

    DATABASE_URL=... bench/figures_digest.py [--out FILE] [--filters N]

For each view (the unfiltered one, each filter alone, and pairs of them; N views at most, in a
fixed order), every chart's rows, provenance, figure JSON and table cells, and the headline,
computed afresh (no cache). Prints one SHA-256 per view and one for all; --out writes the full
JSON, so that two runs can be diffed.
"""

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# BENCH_APP_ROOT: measure another checkout of the application (a commit, for before and after).
if os.environ.get("BENCH_APP_ROOT"):
    sys.path.insert(0, os.environ["BENCH_APP_ROOT"])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aipdash.settings")
django.setup()

from django.core.serializers.json import DjangoJSONEncoder  # noqa: E402 (after setup)
from django.http import QueryDict  # noqa: E402

from aipdash.charts.card import card  # noqa: E402
from aipdash.dashboard import blocks, selectors  # noqa: E402
from aipdash.dashboard.filters import DashboardFilters  # noqa: E402
from partners.models import Partner  # noqa: E402
from projects.models import Project  # noqa: E402


def queries():
    """The views compared: unfiltered, each value of each filter alone, then pairs."""
    partners = list(Partner.objects.order_by("slug").values_list("slug", flat=True))
    countries = sorted(set(Project.objects.values_list("country", flat=True)))[:4]
    single = [""]
    single += [f"stage={s}" for s in ("announced", "construction", "operational", "cancelled")]
    single += [f"kind={k}" for k in ("data_centre", "generation", "grid")]
    single += ["energy_source=solar", "energy_source=battery"]
    single += [f"country={c}" for c in countries]
    single += ["online_from=2027", "online_to=2026", "online_from=2026&online_to=2028"]
    single += [f"partner={p}" for p in partners[:3]]
    single += [f"partner={partners[0]}&partner={partners[-1]}"] if partners else []
    pairs = [
        "stage=construction&kind=data_centre",
        "stage=development&stage=announced&energy_source=wind",
        f"stage=operational&country={countries[0]}" if countries else "stage=paused",
        "kind=generation&online_from=2028",
        f"stage=construction&partner={partners[0]}" if partners else "stage=paused",
        f"kind=storage&partner={partners[1]}" if len(partners) > 1 else "kind=storage",
        "kind=grid&stage=cancelled",
        "energy_source=nuclear&online_to=2030",
    ]
    return single + pairs


def view(query):
    filters = DashboardFilters.from_query(QueryDict(query), partner_slugs=blocks.partner_slugs())
    out = {"headline": selectors.headline(filters)}
    for name, select in selectors.CHARTS.items():
        data = select(filters)
        shown = card(data, rows_max=blocks.TABLE_ROWS_MAX)
        out[name] = {
            "rows": data.rows,
            "as_of": data.as_of,
            "illustrative": data.illustrative,
            "sources": data.sources,
            "note": data.note,
            "extras": data.extras,
            "figure": shown.figure_json,
            "cells": shown.cells,
        }
    out["filter_options"] = blocks._filter_options()
    return json.loads(json.dumps(out, cls=DjangoJSONEncoder, default=repr, sort_keys=True))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out")
    parser.add_argument("--filters", type=int, default=100)
    args = parser.parse_args()
    everything = {}
    for query in queries()[: args.filters]:
        everything[query] = view(query)
        text = json.dumps(everything[query], sort_keys=True)
        print(f"{hashlib.sha256(text.encode()).hexdigest()[:16]}  /?{query}")
    text = json.dumps(everything, sort_keys=True, indent=1)
    print(f"{hashlib.sha256(text.encode()).hexdigest()[:16]}  all")
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
