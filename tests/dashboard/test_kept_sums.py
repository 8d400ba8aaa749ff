"""The dashboard reads the sums the database keeps (projects.CommitmentSum, CapacitySum,
ProjectSum) whenever the filters allow, and the rows themselves otherwise: both ways give the
same figures for every filter the sums answer (on a synthetic portfolio of every kind and
stage, beside the demo records)."""

import datetime as dt
import importlib
from collections import defaultdict

import pytest

from aipdash.dashboard.filters import DashboardFilters
from aipdash.dashboard.selectors import capacity, common
from aipdash.operations.demo import loader, synthetic
from partners.models import Partner
from tests.factories import ProjectFactory

commitments = importlib.import_module("aipdash.dashboard.selectors.commitments")

pytestmark = pytest.mark.django_db

# The filters the kept sums answer: kind, stage, energy source (and, for commitments, the
# partner's own); the project sums also country and the online years.
ON_KEPT_COLUMNS = [
    {},
    {"stage": ("construction",)},
    {"stage": ("announced", "cancelled")},
    {"kind": ("data_centre",)},
    {"kind": ("grid",), "stage": ("operational", "paused")},
    {"energy_source": ("solar", "battery")},
    {"kind": ("generation",), "energy_source": ("wind",), "stage": ("development",)},
]
ALSO_FOR_PROJECTS = [
    {"country": ("US", "FR")},
    {"online_from": 2027},
    {"online_to": 2026},
    {"online_from": 2026, "online_to": 2028, "stage": ("construction",)},
    {"country": ("IN",), "kind": ("storage",)},
]


def test_the_kept_sums_and_the_rows_give_the_same_figures():
    """One portfolio for every check (loading it is most of the time)."""
    loader.load_demo()
    synthetic.load(projects=200, commitments=2000, seed=11)
    # Rows at the edges of the filters: no online date, no position, a grid link.
    ProjectFactory(stage="announced", expected_online=None, latitude=None, longitude=None)
    ProjectFactory(kind="grid", stage="operational", expected_online=dt.date(2026, 12, 31))
    check_capacity_online()
    check_commitments()
    check_project_sums()
    check_map_groups()


def _rounded(value):
    return None if value is None else round(float(value), 6)


def check_capacity_online():
    for arguments in ON_KEPT_COLUMNS:
        filters = DashboardFilters(**arguments)
        from_sums, from_rows = (
            _by_month_and_side(capacity._capacity_online_from_sums(filters)),
            _by_month_and_side(capacity._capacity_online_from_phases(filters)),
        )
        assert from_sums == from_rows, arguments
        assert from_sums or arguments, "the unfiltered view has capacity online"


def _by_month_and_side(rows):
    out = defaultdict(lambda: [0, set(), False])
    for row in rows:
        total = out[row["date"], row["side"]]
        total[0] += row["mw"] or 0
        total[1].add((row["source_title"], row["source_url"], row["newest"]))
        total[2] = total[2] or bool(row["n_illustrative"])
    return {key: (_rounded(mw), sources, any_) for key, (mw, sources, any_) in out.items()}


def check_commitments():
    partner = Partner.objects.order_by("slug").first().slug
    for arguments in [*ON_KEPT_COLUMNS, {"partner": (partner,)}]:
        filters = DashboardFilters(**arguments)
        assert sorted(commitments._parts(filters, kept=True)) == sorted(
            commitments._parts(filters, kept=False)
        ), arguments


def check_project_sums():
    for arguments in [*ON_KEPT_COLUMNS, *ALSO_FOR_PROJECTS]:
        filters = DashboardFilters(**arguments)
        assert _keyed(common._project_sums_rows(filters, kept=True)) == _keyed(
            common._project_sums_rows(filters, kept=False)
        ), arguments


def _keyed(rows):
    return {
        (row["stage"], row["kind"], row["energy_source"], row["source_title"], row["source_url"]): (
            _rounded(row["mw"]),
            row["projects"],
            row["newest"],
            row["n_illustrative"],
        )
        for row in rows
    }


def check_map_groups():
    for arguments in [*ON_KEPT_COLUMNS, *ALSO_FOR_PROJECTS]:
        filters = DashboardFilters(**arguments)
        located = common.projects(filters).filter(latitude__isnull=False, longitude__isnull=False)
        assert _places(capacity._map_parts_of_sums(filters)) == _places(
            capacity._map_parts_of_projects(located)
        ), arguments


def _places(parts):
    return {
        (p["country"], p["stage"], p["source_title"], p["source_url"]): (
            p["projects"],
            _rounded(p["mw"]),
            _rounded(p["lat_sum"]),
            _rounded(p["lon_sum"]),
            p["newest"],
            p["n_illustrative"],
        )
        for p in parts
    }
