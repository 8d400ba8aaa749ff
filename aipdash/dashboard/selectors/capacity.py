"""The capacity charts: the pipeline by stage, capacity coming online (the power balance),
the energy mix and the map (a point per project up to MAP_POINTS_MAX, then per country and
stage).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from aipdash.charts.catalogue import CAPACITY_COLUMNS, TITLES
from aipdash.charts.data import ChartData, Column, Row
from aipdash.core.dbfunctions import Month
from aipdash.dashboard.filters import DashboardFilters
from aipdash.dashboard.selectors.common import (
    POWER_KINDS,
    SOURCE_KEYS,
    _floats,
    _provenance_aggregates,
    _rolled_up,
    _sortable,
    kept_conditions,
    kept_projects,
    on_kept_dimensions,
    phases,
    project_provenance,
    project_sums,
    projects,
    provenance_of_rows,
    source_names,
    view_notes,
)
from aipdash.dashboard.selectors.scenarios import grouped_phases
from aipdash.records import staleness
from aipdash.scenarios import beside
from projects.models import (
    CapacitySum,
    Project,
    ProjectPhase,
    Stage,
)


def _scenario_column(filters: DashboardFilters) -> tuple[Column, ...]:
    """The column of the MW under the view's scenario (none without one)."""
    if filters.applied is None:
        return ()
    return (Column(beside.SCENARIO_MW, f"Capacity under “{filters.applied.name}”", "MW"),)


def _scenario_extras(filters: DashboardFilters) -> dict[str, str]:
    return {"scenario": filters.applied.name} if filters.applied is not None else {}


def capacity_pipeline(filters: DashboardFilters) -> ChartData:
    rows = _rolled_up(project_sums(filters), ("stage", "kind"))
    if filters.applied is not None:
        rows = beside.with_scenario_mw(rows, filters.applied.assumptions)
    return ChartData(
        chart="capacity_pipeline",
        title=TITLES["capacity_pipeline"],
        columns=(*CAPACITY_COLUMNS, *_scenario_column(filters)),
        rows=_floats(rows, "mw", beside.SCENARIO_MW),
        note="Data-centre capacity is IT load; generation and storage capacity is nameplate.",
        extras=_scenario_extras(filters),
        **project_provenance(filters),
    )


def _capacity_online_from_sums(filters: DashboardFilters) -> list[Row]:
    """capacity_online's rows from the sums the database keeps (projects.CapacitySum): a few
    thousand rows, whatever the number of phases; for filters on kind, stage and energy
    source only (the columns the sums are kept by)."""
    qs = (
        CapacitySum.objects.filter(kept_conditions(filters))
        .exclude(stage=Stage.CANCELLED)
        .exclude(kind=Project.Kind.GRID)
    )
    parts = list(
        qs.order_by()
        .values_list("month", "kind", "source_id")
        .annotate(
            tenths=Sum("mw_tenths"),
            newest=Max("as_of"),
            n_illustrative=Sum("items", filter=Q(illustrative=True), default=0),
        )
    )
    sources = source_names({part[2] for part in parts})
    return [
        {
            "source_title": sources[source_id][0],
            "source_url": sources[source_id][1],
            "date": month,
            "side": "demand" if kind == Project.Kind.DATA_CENTRE else "supply",
            "mw": Decimal(tenths).scaleb(-1),
            "newest": newest,
            "n_illustrative": n_illustrative,
        }
        for month, kind, source_id, tenths, newest, n_illustrative in parts
    ]


def _capacity_online_as_of(filters: DashboardFilters) -> list[Row]:
    """capacity_online's rows as of a past day: the phases and projects as they stood, their
    project's kind and stage through the projects' keys (a historical row's foreign key joins
    the live table: aipdash/history/asof.py)."""
    reading = filters.reading
    counted = projects(filters).exclude(stage=Stage.CANCELLED).exclude(kind=Project.Kind.GRID)
    data_centres = counted.filter(kind=Project.Kind.DATA_CENTRE).values("id")
    phase_qs = (
        reading.rows(ProjectPhase)
        .filter(project_id__in=counted.values("id"))
        .exclude(stage=Stage.CANCELLED)
    )
    side = Case(When(project_id__in=data_centres, then=Value("demand")), default=Value("supply"))
    rows = list(
        phase_qs.order_by()
        .values(*SOURCE_KEYS, date=Month("expected_online"), side=side)
        .annotate(mw=Sum("capacity_mw"), **_provenance_aggregates())
    )
    whole_qs = counted.filter(expected_online__isnull=False).exclude(
        id__in=reading.rows(ProjectPhase).values("project_id")
    )
    rows += list(
        whole_qs.order_by()
        .values(*SOURCE_KEYS, date=Month("expected_online"), side=WHOLE_SIDE)
        .annotate(mw=Sum("capacity_mw"), **_provenance_aggregates())
    )
    return rows


def _capacity_online_from_phases(filters: DashboardFilters) -> list[Row]:
    """capacity_online's rows from the phases and projects themselves, for any filters."""
    if not filters.is_live:
        return _capacity_online_as_of(filters)
    phase_qs = (
        phases(filters)
        .exclude(stage=Stage.CANCELLED)
        .exclude(project__stage=Stage.CANCELLED)
        .exclude(project__kind=Project.Kind.GRID)
    )
    rows: list[Row] = list(
        phase_qs.order_by()
        .values(*SOURCE_KEYS, date=Month("expected_online"), side=SIDE)
        .annotate(mw=Sum("capacity_mw"), **_provenance_aggregates())
    )
    # Projects entered without phases come online as a whole on their own date.
    whole_qs = (
        projects(filters)
        .exclude(stage=Stage.CANCELLED)
        .exclude(kind=Project.Kind.GRID)
        .filter(expected_online__isnull=False)
        .exclude(Exists(ProjectPhase.objects.filter(project=OuterRef("pk"))))
    )
    rows += list(
        whole_qs.order_by()
        .values(*SOURCE_KEYS, date=Month("expected_online"), side=WHOLE_SIDE)
        .annotate(mw=Sum("capacity_mw"), **_provenance_aggregates())
    )
    return rows


SIDE = Case(
    When(project__kind=Project.Kind.DATA_CENTRE, then=Value("demand")),
    default=Value("supply"),
)
WHOLE_SIDE = Case(
    When(kind=Project.Kind.DATA_CENTRE, then=Value("demand")), default=Value("supply")
)


def capacity_online(filters: DashboardFilters) -> ChartData:
    """Phases coming online, demand (data-centre IT load) against supply (generation and
    storage); cancelled projects and phases are left out, grid projects carry no MW here."""
    if on_kept_dimensions(filters):
        rows = _capacity_online_from_sums(filters)
    else:
        rows = _capacity_online_from_phases(filters)
    sources = provenance_of_rows(rows)  # phases and whole projects, from the same rows
    mw: dict[tuple[dt.date | None, str], Decimal | int] = {}
    for row in rows:
        key = row["date"], row["side"]
        mw[key] = mw.get(key, 0) + (row["mw"] or 0)
    rows = [
        {"date": d, "side": side, "mw": value}
        for (d, side), value in sorted(mw.items(), key=lambda kv: (_sortable(kv[0][0]), kv[0][1]))
    ]
    columns: tuple[Column, ...] = (
        Column("date", "Expected online"),
        Column("side", "Side"),
        Column("mw", "Capacity", "MW"),
    )
    if filters.applied is not None:
        # The scenario as its own rows (case "scenario"), from the phases grouped by stage and
        # kind (the sums above are not kept by the phase's stage): two queries more.
        scenario_rows = beside.online_by_month(grouped_phases(filters), filters.applied.assumptions)
        rows = [{**row, "case": beside.RECORDED} for row in rows] + [
            {**row, "case": beside.SCENARIO} for row in scenario_rows
        ]
        columns = (*columns, Column("case", "Figures"))
    return ChartData(
        chart="capacity_online",
        title=TITLES["capacity_online"],
        columns=columns,
        extras={**_scenario_extras(filters), "notes": view_notes(filters)},
        rows=_floats(rows, "mw"),
        note="Cumulative MW by expected online date of each phase: data-centre IT load "
        "against the generation and storage capacity secured for it. Cancelled capacity is "
        "left out.",
        **sources,
    )


def energy_mix(filters: DashboardFilters) -> ChartData:
    power = [row for row in project_sums(filters) if row["kind"] in POWER_KINDS]
    rows = _rolled_up(power, ("energy_source", "stage"))
    return ChartData(
        chart="energy_mix",
        title=TITLES["energy_mix"],
        columns=(
            Column("energy_source", "Energy source"),
            Column("stage", "Stage"),
            Column("mw", "Capacity", "MW"),
            Column("projects", "Projects"),
        ),
        rows=_floats(rows, "mw"),
        note="Nameplate capacity of generation and storage projects.",
        **provenance_of_rows(power),
    )


MAP_POINTS_MAX = 1000  # above this, one point per country and stage instead of per project


def _map_parts_of_sums(filters: DashboardFilters) -> list[Row]:
    """The located projects per country, stage and source, from the sums the database keeps
    (projects.ProjectSum): a few thousand rows whatever the number of projects."""
    parts = list(
        kept_projects(filters)
        .filter(located__gt=0)
        .order_by()
        .values_list("country", "stage", "source_id")
        .annotate(
            count=Sum("located"),
            tenths=Sum("located_mw_tenths"),
            lat_units=Sum("latitude_sum"),
            lon_units=Sum("longitude_sum"),
            newest=Max("as_of"),
            n_illustrative=Sum("located", filter=Q(illustrative=True), default=0),
        )
    )
    sources = source_names({part[2] for part in parts})
    return [
        {
            "country": country,
            "stage": stage,
            "source_title": sources[source][0],
            "source_url": sources[source][1],
            "projects": count,
            "mw": Decimal(tenths).scaleb(-1),
            "lat_sum": Decimal(lat).scaleb(-5),
            "lon_sum": Decimal(lon).scaleb(-5),
            "newest": newest,
            "n_illustrative": illustrative,
        }
        for country, stage, source, count, tenths, lat, lon, newest, illustrative in parts
    ]


def _map_parts_of_projects(qs: QuerySet[Project]) -> list[Row]:
    """The same from the located projects themselves (the partner filter)."""
    return list(
        qs.order_by()
        .values("country", "stage", *SOURCE_KEYS)
        .annotate(
            projects=Count("pk"),
            mw=Sum("capacity_mw"),
            lat_sum=Sum("latitude"),
            lon_sum=Sum("longitude"),
            **_provenance_aggregates(),
        )
    )


def _page_query(filters: DashboardFilters) -> dict[str, str]:
    """As of a day, what a link to a project's page adds so that the page shows the same day
    (the rows' urls stay the record's address; a frozen link's viewer opens no page)."""
    return {"page_query": f"?as_of={filters.as_of.isoformat()}"} if filters.as_of else {}


def project_map(filters: DashboardFilters) -> ChartData:
    """A point per project; past MAP_POINTS_MAX projects, a point per country and stage (at
    the mean position of its projects, their capacity summed), so that the figure, the page and
    the browser's drawing stay small whatever the size of the portfolio. The grouped query runs
    first (it also counts); the per-project one only when the count allows it."""
    qs = projects(filters).filter(latitude__isnull=False, longitude__isnull=False)
    # Per country, stage and source: the provenance comes from these rows too.
    by_rows = filters.partner or not filters.is_live  # the kept sums are today's
    parts = _map_parts_of_projects(qs) if by_rows else _map_parts_of_sums(filters)
    by_place: dict[tuple[str, str], dict[str, Any]] = {}
    for part in parts:
        g = by_place.setdefault(
            (part["country"], part["stage"]),
            {"country": part["country"], "stage": part["stage"], "projects": 0, "mw": None}
            | {"lat_sum": 0, "lon_sum": 0, "n_illustrative": 0},
        )
        g["projects"] += part["projects"]
        if part["mw"] is not None:
            g["mw"] = (g["mw"] or 0) + part["mw"]
        g["lat_sum"] += part["lat_sum"]
        g["lon_sum"] += part["lon_sum"]
        g["n_illustrative"] += part["n_illustrative"]
    groups = sorted(by_place.values(), key=lambda g: (-(g["mw"] or 0), g["country"], g["stage"]))
    for g in groups:
        g["latitude"] = g["lat_sum"] / g["projects"]
        g["longitude"] = g["lon_sum"] / g["projects"]
        g["any_illustrative"] = g["n_illustrative"]
    grouped = sum(g["projects"] for g in groups) > MAP_POINTS_MAX
    rows: list[Row] = []
    if grouped:
        for g in groups:
            rows.append(
                {
                    "slug": "",
                    "name": f"{g['projects']:,} projects",
                    "kind": None,
                    "stage": g["stage"],
                    "country": g["country"],
                    "region": None,
                    "latitude": g["latitude"],
                    "longitude": g["longitude"],
                    "illustrative": bool(g["any_illustrative"]),
                    "mw": g["mw"],
                    "projects": g["projects"],
                    "stale": False,
                    "url": f"?country={g['country']}&stage={g['stage']}",
                }
            )
    else:
        stale_before = staleness.cutoff()
        for point in qs.order_by("-capacity_mw", "slug").values(
            "slug",
            "name",
            "kind",
            "stage",
            "country",
            "region",
            "latitude",
            "longitude",
            "illustrative",
            "as_of",
            mw=F("capacity_mw"),
        ):
            row: Row = dict(point)
            as_of = row.pop("as_of")
            row["projects"] = 1
            row["stale"] = as_of is not None and as_of < stale_before
            row["confirmed"] = as_of  # the map's hover says since when a stale project is
            row["url"] = f"/projects/{row['slug']}/"
            rows.append(row)
    if filters.applied is not None:
        # Sized by the MW under the scenario; a grouped point (no kind) takes the stage's rate.
        rows = beside.with_scenario_mw(rows, filters.applied.assumptions)
    note = "Sized by capacity, coloured by stage. Select a point to open its project."
    if grouped:
        note = (
            f"More than {MAP_POINTS_MAX:,} projects: one point per country and stage, at the "
            "mean position of its projects, sized by their capacity. Select a point to filter "
            "the dashboard to that country and stage."
        )
    return ChartData(
        chart="project_map",
        title=TITLES["project_map"],
        columns=(
            Column("name", "Project"),
            Column("kind", "Kind"),
            Column("stage", "Stage"),
            Column("country", "Country"),
            Column("region", "Region"),
            Column("latitude", "Latitude"),
            Column("longitude", "Longitude"),
            Column("mw", "Capacity", "MW"),
            *_scenario_column(filters),
        ),
        rows=_floats(rows, "mw", "latitude", "longitude", beside.SCENARIO_MW),
        note=note,
        extras={"grouped": grouped, **_scenario_extras(filters), **_page_query(filters)},
        **provenance_of_rows(parts),
    )
