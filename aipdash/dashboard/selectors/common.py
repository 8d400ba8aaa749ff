"""What every dashboard selector shares: the filters as conditions on projects, commitments
and phases, the provenance of the rows (newest as-of date, illustrative or not, sources), the
per-project sums, the targets, and small row helpers.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import (
    Count,
    Exists,
    Max,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)

from aipdash.charts.data import Row, Source
from aipdash.core.cache.payloads import cached
from aipdash.dashboard.filters import DashboardFilters
from aipdash.history import notes
from partners.models import Partner
from projects.models import (
    Commitment,
    FactSource,
    Participation,
    Project,
    ProjectPhase,
    ProjectSum,
    Target,
)

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


def on_kept_dimensions(filters: DashboardFilters) -> bool:
    """True when the filters are on the project columns the kept sums are grouped by (kind,
    stage, energy source) only: the capacity and commitment charts then read those sums
    (projects.CapacitySum, ...) instead of the rows. Country, the online years and the
    partner's projects are not columns of theirs (each would multiply their rows by the
    number of its values), so those filters read the rows. As of a past day, the rows (the
    sums are today's)."""
    return filters.is_live and not (
        filters.country
        or filters.online_from is not None
        or filters.online_to is not None
        or filters.partner
    )


def kept_conditions(filters: DashboardFilters) -> Q:
    """The filters as conditions on a table of kept sums (see on_kept_dimensions)."""
    q = Q()
    if filters.kind:
        q &= Q(kind__in=filters.kind)
    if filters.stage:
        q &= Q(stage__in=filters.stage)
    if filters.energy_source:
        q &= Q(energy_source__in=filters.energy_source)
    return q


def source_names(ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Title and URL of each source id of the kept facts and sums (projects.FactSource)."""
    return {
        pk: (title, url)
        for pk, title, url in FactSource.objects.filter(pk__in=ids).values_list(
            "pk", "source_title", "source_url"
        )
    }


def projects(filters: DashboardFilters) -> QuerySet[Project]:
    """The filtered projects: live rows, or as of a day their versions (historical rows,
    relations reached through keys as they stood: aipdash/history/asof.py)."""
    if filters.is_live:
        return Project.objects.filter(project_conditions(filters))
    reading = filters.reading
    qs = reading.rows(Project).filter(project_conditions(replace(filters, partner=())))
    if filters.partner:
        taking_part = reading.rows(Participation).filter(
            partner_id__in=reading.ids(Partner, slug__in=filters.partner)
        )
        qs = qs.filter(id__in=taking_part.values("project_id"))
    return qs


def commitments(filters: DashboardFilters) -> QuerySet[Commitment]:
    if not filters.is_live:
        reading = filters.reading
        qs = reading.rows(Commitment)
        if filters.partner:
            qs = qs.filter(partner_id__in=reading.ids(Partner, slug__in=filters.partner))
        if filters.narrows_projects:
            qs = qs.filter(
                Q(project_id__isnull=True) | Q(project_id__in=projects(filters).values("id"))
            )
        return qs
    qs = Commitment.objects.all()
    if filters.partner:
        qs = qs.filter(partner__slug__in=filters.partner)
    if filters.narrows_projects:
        qs = qs.filter(Q(project__isnull=True) | Q(project__in=projects(filters).values("pk")))
    return qs


def phases(filters: DashboardFilters) -> QuerySet[ProjectPhase]:
    if not filters.is_live:
        return filters.reading.rows(ProjectPhase).filter(
            project_id__in=projects(filters).values("id")
        )
    return ProjectPhase.objects.filter(project_conditions(filters, via="project__"))


def view_notes(filters: DashboardFilters) -> list[Row]:
    """The dated notes of the view, for its time charts (aipdash/history/notes.py): the
    partnership's, those about a partner when the view includes it (every partner unless the
    partner filter narrows them) and those about a project of the filtered projects; as they
    stood on the view's day."""
    reading = filters.reading
    return notes.matching(
        reading,
        partners=reading.ids(Partner, slug__in=filters.partner) if filters.partner else None,
        projects=projects(filters).values("id")
        if filters.partner or filters.narrows_projects
        else None,
    )


# Provenance --------------------------------------------------------------------------------


# What provenance() groups by and sums, also folded into a chart's own aggregate query (rows
# then carry source_title, source_url, newest, n_illustrative): one scan gives both.
SOURCE_KEYS = ("source_title", "source_url")


class Provenance(TypedDict):
    """Of the records behind a chart or figure: newest as-of date, any illustrative, sources."""

    as_of: dt.date | None
    illustrative: bool
    sources: tuple[Source, ...]


def _provenance_aggregates() -> dict[str, Max | Count]:
    return {"newest": Max("as_of"), "n_illustrative": Count("pk", filter=Q(illustrative=True))}


def provenance(qs: QuerySet[Any]) -> Provenance:
    """Newest as-of date, whether any record is illustrative, and the cited sources: one query."""
    return provenance_of_rows(
        qs.order_by().values(*SOURCE_KEYS).annotate(**_provenance_aggregates())
    )


def provenance_of_rows(rows: Iterable[Mapping[str, Any]]) -> Provenance:
    """provenance() from rows grouped by (at least) source title and URL, with `newest` and
    `n_illustrative`."""
    newest_by_source: dict[tuple[str, str], dt.date | None] = {}
    as_of, illustrative = None, False
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


def project_sums(filters: DashboardFilters) -> list[Row]:
    """The filtered projects' capacity and count per stage, kind, energy source and source,
    with their provenance: one query for the pipeline and energy-mix charts and the headline's
    capacity tiles (each a roll-up of these rows), cached per (filters, data version); at most
    stages x kinds x energy sources x sources rows. Read from the sums the database keeps
    (projects.ProjectSum) unless the filters are on partners, then from the projects."""

    return cached(
        "project-sums",
        filters.canonical(),
        lambda: _project_sums_rows(filters, kept=filters.is_live and not filters.partner),
    )


def _project_sums_rows(filters: DashboardFilters, *, kept: bool) -> list[Row]:
    """project_sums' rows from the kept sums (`kept`: every filter but partner) or from the
    projects (any filters)."""
    if not kept:
        return list(
            projects(filters)
            .order_by()
            .values("stage", "kind", "energy_source", *SOURCE_KEYS)
            .annotate(mw=Sum("capacity_mw"), projects=Count("pk"), **_provenance_aggregates())
        )
    parts = list(
        kept_projects(filters)
        .order_by()
        .values_list("stage", "kind", "energy_source", "source_id")
        .annotate(
            tenths=Sum("mw_tenths"),
            count=Sum("projects"),
            newest=Max("as_of"),
            n_illustrative=Sum("projects", filter=Q(illustrative=True), default=0),
        )
    )
    sources = source_names({part[3] for part in parts})
    return [
        {
            "stage": stage,
            "kind": kind,
            "energy_source": energy_source,
            "source_title": sources[source_id][0],
            "source_url": sources[source_id][1],
            "mw": Decimal(tenths).scaleb(-1),
            "projects": count,
            "newest": newest,
            "n_illustrative": n_illustrative,
        }
        for stage, kind, energy_source, source_id, tenths, count, newest, n_illustrative in parts
    ]


def kept_projects(filters: DashboardFilters) -> QuerySet[ProjectSum]:
    """The sums the database keeps of the projects (projects.ProjectSum) under every filter
    but partner: kind, stage, energy source, country and online years are columns of theirs."""
    qs = ProjectSum.objects.filter(kept_conditions(filters))
    if filters.country:
        qs = qs.filter(country__in=filters.country)
    if filters.online_from is not None:
        qs = qs.filter(online_year__gte=filters.online_from)
    if filters.online_to is not None:
        qs = qs.filter(online_year__lte=filters.online_to, online_year__gt=0)
    return qs


def _rolled_up(rows: Iterable[Row], keys: tuple[str, ...]) -> list[Row]:
    """Rows of project_sums summed per `keys` (mw None when no project states it), sorted."""
    out: dict[tuple[Any, ...], Row] = {}
    for row in rows:
        key = tuple(row[k] for k in keys)
        total = out.setdefault(
            key, {**dict(zip(keys, key, strict=True)), "mw": None, "projects": 0}
        )
        if row["mw"] is not None:
            total["mw"] = (total["mw"] or 0) + row["mw"]
        total["projects"] += row["projects"]
    return [out[key] for key in sorted(out, key=lambda k: tuple(map(_sortable, k)))]


def project_provenance(filters: DashboardFilters) -> Provenance:
    """The provenance of the filtered projects, from project_sums (no query of its own); kept
    like them, since the capacity charts and the headline each need it."""
    return cached(
        "project-provenance",
        filters.canonical(),
        lambda: provenance_of_rows(project_sums(filters)),
        local=True,
    )


def _targets_provenance(target_qs: QuerySet[Target]) -> Provenance:
    """provenance() of the targets, from the queryset _targets() has already read (no query)."""
    targets = list(target_qs)  # evaluated: its result cache
    sources: dict[tuple[str, str], dt.date | None] = {}
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


def merged(*parts: Provenance) -> Provenance:
    return {
        "as_of": max((p["as_of"] for p in parts if p["as_of"]), default=None),
        "illustrative": any(p["illustrative"] for p in parts),
        "sources": tuple(dict.fromkeys(s for p in parts for s in p["sources"])),
    }


def _targets(filters: DashboardFilters) -> tuple[list[Row], QuerySet[Target]]:
    qs = filters.reading.rows(Target).order_by("amount_usd")
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


def _partner_rows(rows: Iterable[Row], filters: DashboardFilters) -> list[Row]:
    """Rows grouped by `partner_id`, with the partner's short name under `partner`, its slug and
    colour (one small query for the partners: grouping a million commitments by an integer is
    much cheaper than joining the partner table and grouping by its text columns)."""
    partners = {
        p["id"]: p
        for p in filters.reading.rows(Partner)
        .order_by()
        .values("id", "short_name", "slug", "colour")
    }
    out = []
    for row in rows:
        partner: Mapping[str, Any] = partners.get(row["partner_id"], {})
        out.append(
            {
                "partner": partner.get("short_name", ""),
                "partner_slug": partner.get("slug", ""),
                "colour": partner.get("colour", ""),
                **{k: v for k, v in row.items() if k != "partner_id"},
            }
        )
    return out


def _floats(rows: Iterable[Mapping[str, Any]], *keys: str) -> tuple[Row, ...]:
    out = []
    for row in rows:
        row = dict(row)
        for key in keys:
            if row.get(key) is not None:
                row[key] = float(row[key])
        out.append(row)
    return tuple(out)


# Charts ------------------------------------------------------------------------------------


def _committed_by[M: Model](qs: QuerySet[M], filters: DashboardFilters) -> QuerySet[M]:
    """`qs` (facts or partnership sums) narrowed to the filtered partners' own commitments."""
    if filters.partner:
        qs = qs.filter(partner_id__in=filters.reading.ids(Partner, slug__in=filters.partner))
    return qs


def _sortable(value: object) -> tuple[bool, object]:
    return (value is None, value if value is not None else "")
