"""Reads for the dashboard: one aggregation query per chart, plain rows out (`ChartData`).

Every function takes the validated `DashboardFilters` and runs a fixed number of queries,
whatever the size of the portfolio: the rows are grouped and summed by the database, with the
provenance of the records behind them (newest as-of date, illustrative or not, sources) in the
same grouped query where it can be (commitment_sums, project_sums, capacity online, the
map). No function loads all rows of a table into Python: the map shows a point per project up
to MAP_POINTS_MAX, then a point per country and stage.

How the filters apply:
- projects: kind, stage, energy source, country, expected-online year range, and partner (a
  project counts for a partner that takes part in it);
- commitments: partner (its own commitments); the project filters narrow the commitments made
  to projects, while commitments to the partnership as a whole, which belong to no project,
  stay in (each commitment chart says so when a project filter is on);
- the market context is the same whatever the filters.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

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
from django.db.models.functions import TruncMonth

from aipdash import staleness
from aipdash.charts.catalogue import CAPACITY_COLUMNS, TITLES
from aipdash.charts.data import ChartData, Column, Source
from aipdash.dashboard.filters import DashboardFilters
from aipdash.datacache import cached
from partners.models import Partner
from projects.models import (
    Commitment,
    CommitmentFact,
    FactSource,
    FundraisingUpdate,
    MarketIndicator,
    Participation,
    PartnershipCommitmentSum,
    Project,
    ProjectPhase,
    Stage,
    Target,
)


class Month(TruncMonth):
    """The first day of a date's month. On PostgreSQL through `timestamp`, not the default
    `timestamp with time zone` (a time-zone lookup per row: ~2x slower over a million rows)."""

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"DATE_TRUNC('month', ({sql})::timestamp)::date", params


DC_SERIES = "dc-electricity"
REFERENCE_SERIES = "india-electricity"
POWER_KINDS = (Project.Kind.GENERATION, Project.Kind.STORAGE)


def partner_slugs() -> frozenset[str]:
    return frozenset(Partner.objects.values_list("slug", flat=True))


# Filtered base querysets -------------------------------------------------------------------


def project_conditions(filters: DashboardFilters, via: str = "") -> Q:
    """The filters as conditions on a project, reached from the queried model through `via`
    ("" for projects themselves, "project__" for their phases): phases then join their
    project once instead of also semi-joining the filtered projects."""
    q = Q()
    if filters.kind:
        q &= Q(**{f"{via}kind__in": filters.kind})
    if filters.stage:
        q &= Q(**{f"{via}stage__in": filters.stage})
    if filters.energy_source:
        q &= Q(**{f"{via}energy_source__in": filters.energy_source})
    if filters.country:
        q &= Q(**{f"{via}country__in": filters.country})
    start, end = filters.online_range()
    if start:
        q &= Q(**{f"{via}expected_online__gte": start})
    if end:
        q &= Q(**{f"{via}expected_online__lte": end})
    if filters.partner:
        q &= Q(
            Exists(
                Participation.objects.filter(
                    project=OuterRef(f"{via}pk"), partner__slug__in=filters.partner
                )
            )
        )
    return q


def projects(filters: DashboardFilters) -> QuerySet[Project]:
    return Project.objects.filter(project_conditions(filters))


def commitments(filters: DashboardFilters) -> QuerySet[Commitment]:
    qs = Commitment.objects.all()
    if filters.partner:
        qs = qs.filter(partner__slug__in=filters.partner)
    if filters.narrows_projects:
        qs = qs.filter(Q(project__isnull=True) | Q(project__in=projects(filters).values("pk")))
    return qs


def phases(filters: DashboardFilters) -> QuerySet[ProjectPhase]:
    return ProjectPhase.objects.filter(project_conditions(filters, via="project__"))


# Provenance --------------------------------------------------------------------------------


# What provenance() groups by and sums, also folded into a chart's own aggregate query (rows
# then carry source_title, source_url, newest, n_illustrative): one scan gives both.
SOURCE_KEYS = ("source_title", "source_url")


def _provenance_aggregates() -> dict:
    return {"newest": Max("as_of"), "n_illustrative": Count("pk", filter=Q(illustrative=True))}


def provenance(qs: QuerySet) -> dict:
    """Newest as-of date, whether any record is illustrative, and the cited sources: one query."""
    return provenance_of_rows(
        qs.order_by().values(*SOURCE_KEYS).annotate(**_provenance_aggregates())
    )


def provenance_of_rows(rows: Iterable[dict]) -> dict:
    """provenance() from rows grouped by (at least) source title and URL, with `newest` and
    `n_illustrative`."""
    newest_by_source, as_of, illustrative = {}, None, False
    for r in rows:
        if r["newest"] is not None:
            as_of = max(as_of, r["newest"]) if as_of else r["newest"]
        illustrative = illustrative or bool(r["n_illustrative"])
        if r["source_url"]:
            key = r["source_title"], r["source_url"]
            known = newest_by_source.get(key)
            newest_by_source[key] = max(filter(None, (known, r["newest"])), default=None)
    sources = sorted(
        (Source(title=t, url=u, as_of=newest) for (t, u), newest in newest_by_source.items()),
        key=lambda s: (s.as_of or dt.date.min, s.title),
        reverse=True,
    )
    return {"as_of": as_of, "illustrative": illustrative, "sources": tuple(sources)}


def commitment_provenance(filters: DashboardFilters) -> dict:
    """The provenance of the filtered commitments, from commitment_sums (no query of its own);
    kept like them, since two charts and the headline each need it."""
    return cached(
        "commitment-provenance",
        filters.canonical(),
        lambda: provenance_of_rows(commitment_sums(filters)),
        local=True,
    )


def project_sums(filters: DashboardFilters) -> list[dict]:
    """The filtered projects' capacity and count per stage, kind, energy source and source,
    with their provenance: one scan of the projects for the pipeline and energy-mix charts and
    the headline's capacity tiles (each a roll-up of these rows), cached per (filters, data
    version); at most stages x kinds x energy sources x sources rows."""
    return cached(
        "project-sums",
        filters.canonical(),
        lambda: list(
            projects(filters)
            .order_by()
            .values("stage", "kind", "energy_source", *SOURCE_KEYS)
            .annotate(mw=Sum("capacity_mw"), projects=Count("pk"), **_provenance_aggregates())
        ),
    )


def _rolled_up(rows: Iterable[dict], keys: tuple[str, ...]) -> list[dict]:
    """Rows of project_sums summed per `keys` (mw None when no project states it), sorted."""
    out = {}
    for row in rows:
        key = tuple(row[k] for k in keys)
        total = out.setdefault(
            key, {**dict(zip(keys, key, strict=True)), "mw": None, "projects": 0}
        )
        if row["mw"] is not None:
            total["mw"] = (total["mw"] or 0) + row["mw"]
        total["projects"] += row["projects"]
    return [out[key] for key in sorted(out, key=lambda k: tuple(map(_sortable, k)))]


def project_provenance(filters: DashboardFilters) -> dict:
    """The provenance of the filtered projects, from project_sums (no query of its own); kept
    like them, since the capacity charts and the headline each need it."""
    return cached(
        "project-provenance",
        filters.canonical(),
        lambda: provenance_of_rows(project_sums(filters)),
        local=True,
    )


def _targets_provenance(target_qs: QuerySet) -> dict:
    """provenance() of the targets, from the queryset _targets() has already read (no query)."""
    targets = list(target_qs)  # evaluated: its result cache
    sources = {}
    for t in targets:
        if t.source_url:
            key = (t.source_title, t.source_url)
            sources[key] = max(filter(None, (sources.get(key), t.as_of)), default=None)
    return {
        "as_of": max((t.as_of for t in targets if t.as_of), default=None),
        "illustrative": any(t.illustrative for t in targets),
        "sources": tuple(
            sorted(
                (Source(title=k[0], url=k[1], as_of=v) for k, v in sources.items()),
                key=lambda s: (s.as_of or dt.date.min, s.title),
                reverse=True,
            )
        ),
    }


def merged(*parts: dict) -> dict:
    return {
        "as_of": max((p["as_of"] for p in parts if p["as_of"]), default=None),
        "illustrative": any(p["illustrative"] for p in parts),
        "sources": tuple(dict.fromkeys(s for p in parts for s in p["sources"])),
    }


def _targets() -> tuple[list[dict], QuerySet]:
    qs = Target.objects.order_by("amount_usd")
    rows = [  # iterating fills qs's result cache: _targets_provenance reads it again for free
        {
            "name": t.name,
            "scope": t.scope,
            "amount_usd": float(t.amount_usd),
            "source_title": t.source_title,
            "source_url": t.source_url,
            "as_of": t.as_of,
        }
        for t in qs
    ]
    return rows, qs


COMMITMENT_NOTE = (
    "Project filters narrow commitments made to projects; commitments to the partnership as a "
    "whole belong to no project and stay in."
)
# Money "committed", wherever a figure says so (the headline, the chart over time against the
# targets, the API's headline, the workbook's): money committed or called / deployed
# (Commitment.COUNTED_AS_COMMITTED). Money only announced is not a commitment: summed apart and
# shown beside it, never added in.
COMMITTED_STATUSES = frozenset(Commitment.COUNTED_AS_COMMITTED)
COUNTED_AS_COMMITTED_IN_WORDS = " or ".join(  # "committed or called / deployed"
    Commitment.Status(status).label.lower() for status in Commitment.COUNTED_AS_COMMITTED
)


def _partner_rows(rows: Iterable[dict]) -> list[dict]:
    """Rows grouped by `partner_id`, with the partner's short name under `partner`, its slug and
    colour (one small query for the partners: grouping a million commitments by an integer is
    much cheaper than joining the partner table and grouping by its text columns)."""
    partners = {
        p["id"]: p for p in Partner.objects.order_by().values("id", "short_name", "slug", "colour")
    }
    out = []
    for row in rows:
        partner = partners.get(row["partner_id"], {})
        out.append(
            {
                "partner": partner.get("short_name", ""),
                "partner_slug": partner.get("slug", ""),
                "colour": partner.get("colour", ""),
                **{k: v for k, v in row.items() if k != "partner_id"},
            }
        )
    return out


def _floats(rows: Iterable[dict], *keys: str) -> tuple[dict, ...]:
    out = []
    for row in rows:
        row = dict(row)
        for key in keys:
            if row.get(key) is not None:
                row[key] = float(row[key])
        out.append(row)
    return tuple(out)


# Charts ------------------------------------------------------------------------------------


def _committed_by(qs: QuerySet, filters: DashboardFilters) -> QuerySet:
    """`qs` (facts or partnership sums) narrowed to the filtered partners' own commitments."""
    if filters.partner:
        qs = qs.filter(partner_id__in=Partner.objects.filter(slug__in=filters.partner).values("pk"))
    return qs


_INSTRUMENTS = {code: value for value, code in CommitmentFact.INSTRUMENT_CODES.items()}
_STATUSES = {code: value for value, code in CommitmentFact.STATUS_CODES.items()}
CENT = Decimal("0.01")
SUM_KEYS = ("partner_id", "instrument", "status", "month", "source_id")


def commitment_sums(filters: DashboardFilters) -> list[dict]:
    """The filtered commitments summed per partner, instrument, status, month and source, with
    their provenance, for both commitment charts, the headline and their provenance (each a
    roll-up of these rows); cached per (filters, data version). Its size is bounded by partners
    x 2 x 3 x months x sources, whatever the number of commitments.

    The same rows as commitments(filters), read from what the database keeps for this: the
    commitments to projects from their facts (projects.CommitmentFact), narrowed by the project
    filters; those to the partnership as a whole, which every view counts, from their running
    sums (projects.PartnershipCommitmentSum); then one small query for the sources named."""

    def compute():
        to_projects = _committed_by(
            CommitmentFact.objects.filter(project_id__isnull=False), filters
        )
        if filters.narrows_projects:
            to_projects = to_projects.filter(project_id__in=projects(filters).values("pk"))
        parts = list(
            to_projects.order_by()
            .values(*SUM_KEYS)
            .annotate(cents=Sum("amount_cents"), **_provenance_aggregates())
        ) + list(
            _committed_by(PartnershipCommitmentSum.objects.all(), filters)
            .order_by()
            .values(*SUM_KEYS)
            .annotate(
                cents=Sum("amount_cents"),
                newest=Max("as_of"),
                n_illustrative=Sum("commitments", filter=Q(illustrative=True)),
            )
        )
        merged = {}
        for part in parts:
            key = tuple(part[k] for k in SUM_KEYS)
            row = merged.setdefault(key, {"cents": 0, "newest": None, "n_illustrative": 0})
            row["cents"] += part["cents"]
            row["newest"] = max(filter(None, (row["newest"], part["newest"])), default=None)
            row["n_illustrative"] += part["n_illustrative"] or 0
        sources = FactSource.objects.in_bulk({key[4] for key in merged})
        return [
            {
                "partner_id": partner_id,
                "instrument": _INSTRUMENTS[instrument],
                "status": _STATUSES[status],
                "source_title": sources[source_id].source_title,
                "source_url": sources[source_id].source_url,
                "date": month,
                "amount_usd": Decimal(row["cents"]) * CENT,  # exact: whole cents
                "newest": row["newest"],
                "n_illustrative": row["n_illustrative"],
            }
            for (partner_id, instrument, status, month, source_id), row in merged.items()
        ]

    return cached("commitment-sums", filters.canonical(), compute)


def _commitment_chart(
    filters, *, chart, title, group_by, order_by, columns, committed_only=False
) -> ChartData:
    """Commitments summed per partner and `group_by` (keys of commitment_sums), with the
    targets as reference lines; `committed_only`: only money committed (COMMITTED_STATUSES),
    its provenance from those rows alone."""
    counted = commitment_sums(filters)
    provenance = commitment_provenance(filters)
    notes = [COMMITMENT_NOTE] if filters.narrows_projects else []
    if committed_only:
        counted = [row for row in counted if row["status"] in COMMITTED_STATUSES]
        provenance = provenance_of_rows(counted)
        notes.insert(
            0,
            f"Money {COUNTED_AS_COMMITTED_IN_WORDS}; announced money is left out (the chart "
            "by partner shows it).",
        )
    sums = {}
    for row in counted:
        key = (row["partner_id"], *(row[k] for k in group_by))
        sums[key] = sums.get(key, 0) + (row["amount_usd"] or 0)
    rows = _partner_rows(
        {"partner_id": key[0], **dict(zip(group_by, key[1:], strict=True)), "amount_usd": amount}
        for key, amount in sums.items()
    )
    rows.sort(key=lambda row: tuple(_sortable(row.get(key)) for key in order_by))
    targets, target_qs = _targets()
    return ChartData(
        chart=chart,
        title=title,
        columns=(*columns, Column("amount_usd", "Amount", "USD")),
        rows=_floats(rows, "amount_usd"),
        note=" ".join(notes),
        extras={"targets": targets},
        **merged(provenance, _targets_provenance(target_qs)),
    )


def _sortable(value):
    return (value is None, value if value is not None else "")


def commitments_by_partner(filters: DashboardFilters) -> ChartData:
    return _commitment_chart(
        filters,
        chart="commitments_by_partner",
        title=TITLES["commitments_by_partner"],
        group_by=("instrument", "status"),
        order_by=("partner", "instrument", "status"),
        columns=(
            Column("partner", "Partner"),
            Column("instrument", "Instrument"),
            Column("status", "Status"),
        ),
    )


def commitments_over_time(filters: DashboardFilters) -> ChartData:
    return _commitment_chart(
        filters,
        chart="commitments_over_time",
        title=TITLES["commitments_over_time"],
        # Its lines are read against the targets, as the headline's tiles are: the same money.
        committed_only=True,
        # By month (its first day): rows stay bounded by partners x instruments x months,
        # however many commitments there are.
        group_by=("date", "instrument"),
        order_by=("date", "partner", "instrument"),
        columns=(
            Column("date", "Date"),
            Column("partner", "Partner"),
            Column("instrument", "Instrument"),
        ),
    )


def capacity_pipeline(filters: DashboardFilters) -> ChartData:
    rows = _rolled_up(project_sums(filters), ("stage", "kind"))
    return ChartData(
        chart="capacity_pipeline",
        title=TITLES["capacity_pipeline"],
        columns=CAPACITY_COLUMNS,
        rows=_floats(rows, "mw"),
        note="Data-centre capacity is IT load; generation and storage capacity is nameplate.",
        **project_provenance(filters),
    )


SIDE = Case(
    When(project__kind=Project.Kind.DATA_CENTRE, then=Value("demand")),
    default=Value("supply"),
)


def capacity_online(filters: DashboardFilters) -> ChartData:
    """Phases coming online, demand (data-centre IT load) against supply (generation and
    storage); cancelled projects and phases are left out, grid projects carry no MW here."""
    phase_qs = (
        phases(filters)
        .exclude(stage=Stage.CANCELLED)
        .exclude(project__stage=Stage.CANCELLED)
        .exclude(project__kind=Project.Kind.GRID)
    )
    rows = list(
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
    whole_side = Case(
        When(kind=Project.Kind.DATA_CENTRE, then=Value("demand")), default=Value("supply")
    )
    rows += list(
        whole_qs.order_by()
        .values(*SOURCE_KEYS, date=Month("expected_online"), side=whole_side)
        .annotate(mw=Sum("capacity_mw"), **_provenance_aggregates())
    )
    sources = provenance_of_rows(rows)  # phases and whole projects, from the same rows
    mw = {}
    for row in rows:
        key = row["date"], row["side"]
        mw[key] = mw.get(key, 0) + (row["mw"] or 0)
    rows = [
        {"date": d, "side": side, "mw": value}
        for (d, side), value in sorted(mw.items(), key=lambda kv: (_sortable(kv[0][0]), kv[0][1]))
    ]
    return ChartData(
        chart="capacity_online",
        title=TITLES["capacity_online"],
        columns=(
            Column("date", "Expected online"),
            Column("side", "Side"),
            Column("mw", "Capacity", "MW"),
        ),
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


def project_map(filters: DashboardFilters) -> ChartData:
    """A point per project; past MAP_POINTS_MAX projects, a point per country and stage (at
    the mean position of its projects, their capacity summed), so that the figure, the page and
    the browser's drawing stay small whatever the size of the portfolio. The grouped query runs
    first (it also counts); the per-project one only when the count allows it."""
    qs = projects(filters).filter(latitude__isnull=False, longitude__isnull=False)
    parts = list(  # per country, stage and source: the provenance comes from these rows too
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
    by_place = {}
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
    rows = []
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
        for row in qs.order_by("-capacity_mw", "slug").values(
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
            as_of = row.pop("as_of")
            row["projects"] = 1
            row["stale"] = as_of is not None and as_of < stale_before
            row["confirmed"] = as_of  # the map's hover says since when a stale project is
            row["url"] = f"/projects/{row['slug']}/"
            rows.append(row)
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
        ),
        rows=_floats(rows, "mw", "latitude", "longitude"),
        note=note,
        extras={"grouped": grouped},
        **provenance_of_rows(parts),
    )


def market_context(filters: DashboardFilters) -> ChartData:
    """The same whatever the filters: published series points, each with its source."""
    qs = MarketIndicator.objects.filter(series__in=[DC_SERIES, REFERENCE_SERIES])
    points = list(
        qs.order_by("series", "region", "scenario", "year", "as_of").values(
            "series",
            "label",
            "region",
            "scenario",
            "year",
            "value",
            "unit",
            "source_title",
            "source_url",
            "as_of",
        )
    )
    rows = [p for p in points if p["series"] == DC_SERIES]
    reference = next((p for p in reversed(points) if p["series"] == REFERENCE_SERIES), None)
    extras = {}
    if reference:
        extras["reference"] = {
            "label": f"{reference['region']}'s annual electricity use",
            "value": float(reference["value"]),
            "unit": reference["unit"],
            "year": reference["year"],
            "source_title": reference["source_title"],
            "source_url": reference["source_url"],
            "as_of": reference["as_of"],
        }
    return ChartData(
        chart="market_context",
        title=TITLES["market_context"],
        columns=(
            Column("year", "Year"),
            Column("region", "Region"),
            Column("scenario", "Scenario"),
            Column("value", "Demand", "TWh"),
            Column("source_title", "Source"),
            Column("as_of", "As of"),
        ),
        rows=_floats(rows, "value"),
        note="Published estimates and projections; the same whatever the filters.",
        extras=extras,
        **provenance(qs),
    )


CHARTS = {
    f.__name__: f
    for f in (
        # The page's order: half-width pairs first, then the wide charts.
        commitments_by_partner,
        commitments_over_time,
        capacity_pipeline,
        energy_mix,
        capacity_online,
        project_map,
        market_context,
    )
}


# Headline tiles ----------------------------------------------------------------------------

# What each headline tile counts, written once (and in the README, "Using it"); money
# "committed": COMMITTED_STATUSES, above.
# Capacity "in the pipeline": announced, in development or under construction (paused and
# cancelled projects are in neither tile).
PIPELINE_STAGES = (Stage.ANNOUNCED, Stage.DEVELOPMENT, Stage.CONSTRUCTION)
# Which capacity figure a project's MW goes to. A grid link's MW is transfer capacity: neither
# data-centre load nor generation, and adding it to either would count the same power twice
# (it carries what the generation makes to the load), so it is its own figure, in no total.
CAPACITY_SIDE = {
    Project.Kind.DATA_CENTRE: "dc",
    Project.Kind.GENERATION: "power",
    Project.Kind.STORAGE: "power",
    Project.Kind.GRID: "grid",
}


def _money(sums: Iterable[dict]) -> dict:
    """Equity and equity-and-debt, committed (COMMITTED_STATUSES) and only announced, from the
    rows of commitment_sums (no query of its own)."""
    money = dict.fromkeys(
        ("equity_committed", "equity_announced", "total_committed", "total_announced"), 0
    )
    for row in sums:
        if row["status"] in COMMITTED_STATUSES:
            state = "committed"
        elif row["status"] == Commitment.Status.ANNOUNCED:
            state = "announced"
        else:  # a status that is neither: in no figure rather than in the wrong one
            continue
        amount = row["amount_usd"] or 0
        money[f"total_{state}"] += amount
        if row["instrument"] == Commitment.Instrument.EQUITY:
            money[f"equity_{state}"] += amount
    return {key: float(value) for key, value in money.items()}


def _capacity(rows: Iterable[dict]) -> dict:
    """MW operational and in the pipeline per CAPACITY_SIDE, and the number of projects, from
    the rows of project_sums (no query of its own)."""
    mw = {
        f"{side}_{state}": 0.0
        for side in ("dc", "power", "grid")
        for state in ("operational", "pipeline")
    }
    projects = 0
    for row in rows:
        projects += row["projects"]
        side = CAPACITY_SIDE.get(row["kind"])
        state = (
            "operational"
            if row["stage"] == Stage.OPERATIONAL
            else "pipeline"
            if row["stage"] in PIPELINE_STAGES
            else None
        )
        if side and state and row["mw"] is not None:
            mw[f"{side}_{state}"] += float(row["mw"])
    return {"projects": projects, "mw": mw}


def headline(filters: DashboardFilters) -> dict:
    """The headline tiles: capital committed (and announced, apart) against the targets,
    capacity by state, counts; each with its as-of date and provenance. A fixed number of
    queries."""
    commitment_qs = commitments(filters)
    money = _money(commitment_sums(filters))
    targets, target_qs = _targets()
    equity_target = next((t for t in reversed(targets) if t["scope"] == "equity"), None)
    total_target = next((t for t in reversed(targets) if t["scope"] == "total"), None)
    raised = (
        FundraisingUpdate.objects.filter(target__scope=Target.Scope.EQUITY)
        .order_by("-as_of")
        .values("amount_raised_usd", "as_of", "source_title", "source_url", "illustrative")
        .first()
    )
    capacity = _capacity(project_sums(filters))
    partner_qs = Partner.objects.filter(
        Exists(Participation.objects.filter(partner=OuterRef("pk"), project__in=projects(filters)))
        | Exists(commitment_qs.filter(partner=OuterRef("pk")))
    )
    if filters.partner:
        partner_qs = partner_qs.filter(slug__in=filters.partner)

    equity_target_usd = equity_target["amount_usd"] if equity_target else None
    return {
        **money,
        "counted_as_committed": COUNTED_AS_COMMITTED_IN_WORDS,
        "equity_target": equity_target,
        "total_target": total_target,
        "equity_percent": money["equity_committed"] * 100 / equity_target_usd
        if equity_target_usd
        else None,
        "raised": raised,
        "raised_percent": float(raised["amount_raised_usd"]) * 100 / equity_target_usd
        if raised and equity_target_usd
        else None,
        "projects": capacity["projects"],
        "partners": partner_qs.count(),
        "mw": capacity["mw"],
        "commitments": commitment_provenance(filters),
        "capacity": project_provenance(filters),
        "targets": _targets_provenance(target_qs),
    }


# The headline's figures one per row, for the API and the workbook (the tiles show the same
# values): key, label, unit ("USD", "MW", "%" or "" for a count), what it counts, and whose
# provenance it carries: the headline's "commitments", "capacity" or "targets", both of the
# first two ("portfolio"), or the capital raised's own ("raised").
HEADLINE_FIGURES = (
    (
        "equity_committed",
        "Equity committed",
        "USD",
        f"Equity {COUNTED_AS_COMMITTED_IN_WORDS}. Announced equity is not a commitment: it is "
        "the next figure, not added in.",
        "commitments",
    ),
    (
        "equity_announced",
        "Equity announced, not counted",
        "USD",
        "Equity announced and not yet committed: in no committed figure.",
        "commitments",
    ),
    ("equity_target", "Equity target", "USD", "The partnership's equity target.", "targets"),
    (
        "equity_percent",
        "Equity committed, share of the target",
        "%",
        "Equity committed as a share of the equity target.",
        "commitments",
    ),
    (
        "total_committed",
        "Total committed, incl. debt",
        "USD",
        f"Equity and debt {COUNTED_AS_COMMITTED_IN_WORDS}; announced money is not added in.",
        "commitments",
    ),
    (
        "total_announced",
        "Total announced, not counted",
        "USD",
        "Equity and debt announced and not yet committed: in no committed figure.",
        "commitments",
    ),
    (
        "total_target",
        "Investment potential incl. debt",
        "USD",
        "The partnership's target for total investment including debt.",
        "targets",
    ),
    (
        "raised",
        "Capital raised",
        "USD",
        "Equity capital raised as the partnership last reported it; the same whatever the filters.",
        "raised",
    ),
    (
        "raised_percent",
        "Capital raised, share of the equity target",
        "%",
        "Capital raised as a share of the equity target.",
        "raised",
    ),
    (
        "dc_operational",
        "Data-centre IT load, operational",
        "MW",
        "IT load of operational data-centre campuses.",
        "capacity",
    ),
    (
        "dc_pipeline",
        "Data-centre IT load, in the pipeline",
        "MW",
        "IT load of data-centre campuses announced, in development or under construction.",
        "capacity",
    ),
    (
        "power_operational",
        "Generation and storage, operational",
        "MW",
        "Nameplate capacity of operational generation and storage projects.",
        "capacity",
    ),
    (
        "power_pipeline",
        "Generation and storage, in the pipeline",
        "MW",
        "Nameplate capacity of generation and storage projects announced, in development or "
        "under construction.",
        "capacity",
    ),
    (
        "grid_operational",
        "Grid links, operational",
        "MW",
        "Transfer capacity of operational grid links: not load or generation, so in no other "
        "capacity figure.",
        "capacity",
    ),
    (
        "grid_pipeline",
        "Grid links, in the pipeline",
        "MW",
        "Transfer capacity of grid links announced, in development or under construction: in "
        "no other capacity figure.",
        "capacity",
    ),
    (
        "projects",
        "Projects",
        "",
        "Projects matching the filters, of every kind and stage.",
        "capacity",
    ),
    (
        "partners",
        "Partners",
        "",
        "Partners taking part in a matching project or with a commitment in the view.",
        "portfolio",
    ),
)


def headline_figures(h: dict) -> list[dict]:
    """The headline `h` (headline()) as HEADLINE_FIGURES rows: key, label, unit, value (None
    when unknown, such as a target not on record), what it counts, as-of date and illustrative
    flag of the records behind it."""
    raised = h["raised"]
    values = {
        **{key: h[key] for key in ("equity_committed", "equity_announced")},
        **{key: h[key] for key in ("total_committed", "total_announced")},
        "equity_target": h["equity_target"]["amount_usd"] if h["equity_target"] else None,
        "equity_percent": h["equity_percent"],
        "total_target": h["total_target"]["amount_usd"] if h["total_target"] else None,
        "raised": float(raised["amount_raised_usd"]) if raised else None,
        "raised_percent": h["raised_percent"],
        **h["mw"],
        "projects": h["projects"],
        "partners": h["partners"],
    }
    provenance = {
        "commitments": h["commitments"],
        "capacity": h["capacity"],
        "targets": h["targets"],
        "portfolio": merged(h["commitments"], h["capacity"]),
        "raised": {
            "as_of": raised["as_of"] if raised else None,
            "illustrative": bool(raised and raised["illustrative"]),
        },
    }
    return [
        {
            "key": key,
            "label": label,
            "unit": unit,
            "value": values[key],
            "counts": counts,
            "as_of": provenance[basis]["as_of"],
            "illustrative": provenance[basis]["illustrative"],
        }
        for key, label, unit, counts, basis in HEADLINE_FIGURES
    ]


def headline_sources(h: dict) -> tuple[Source, ...]:
    """Every source behind the headline's figures: the commitments', the projects', the
    targets' and the capital raised's."""
    sources = merged(h["commitments"], h["capacity"], h["targets"])["sources"]
    raised = h["raised"]
    if raised and raised["source_url"]:
        own = Source(title=raised["source_title"], url=raised["source_url"], as_of=raised["as_of"])
        sources = tuple(dict.fromkeys((*sources, own)))
    return sources
