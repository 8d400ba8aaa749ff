"""The headline tiles: money committed and announced, capacity in the pipeline and online,
counted once (`headline`), and the tiles as figures with what each counts and its sources
(`headline_figures`, `headline_sources`: the page, the workbook and the API read them).
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import (
    Exists,
    OuterRef,
    Q,
)

from aipdash.charts.data import Row, Source
from aipdash.dashboard.filters import DashboardFilters
from aipdash.dashboard.selectors.commitments import (
    COUNTED_AS_COMMITTED_IN_WORDS,
    commitment_provenance,
    commitment_sums,
    committed_money,
)
from aipdash.dashboard.selectors.common import (
    _targets,
    _targets_provenance,
    commitments,
    merged,
    project_provenance,
    project_sums,
    projects,
)
from aipdash.scenarios import beside
from partners.models import Partner
from projects.models import (
    ZERO,
    FundraisingUpdate,
    Participation,
    Project,
    Stage,
    Target,
)

# Headline tiles ----------------------------------------------------------------------------

# What each headline tile counts, written once (and in the README, "Using it"); money
# "committed": COMMITTED_STATUSES (selectors/commitments.py, committed_money).
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


def _capacity(rows: Iterable[dict[str, Any]], key: str = "mw") -> dict[str, Any]:
    """MW operational and in the pipeline per CAPACITY_SIDE, and the number of projects, from
    the rows of project_sums (no query of its own). Summed exactly (Decimal), made a float
    once: the figure does not depend on the order of the rows."""
    mw = {
        f"{side}_{state}": ZERO
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
        if side and state and row[key] is not None:
            mw[f"{side}_{state}"] += row[key]
    return {"projects": projects, "mw": {key: float(value) for key, value in mw.items()}}


def headline(filters: DashboardFilters) -> dict[str, Any]:
    """The headline tiles: capital committed (and announced, apart) against the targets,
    capacity by state, counts; each with its as-of date and provenance. A fixed number of
    queries."""
    commitment_qs = commitments(filters)
    money = committed_money(filters)
    targets, target_qs = _targets(filters)
    equity_target = next((t for t in reversed(targets) if t["scope"] == "equity"), None)
    total_target = next((t for t in reversed(targets) if t["scope"] == "total"), None)
    reading = filters.reading
    raised = (
        reading.rows(FundraisingUpdate)
        .filter(target_id__in=reading.ids(Target, scope=Target.Scope.EQUITY))
        .order_by("-as_of")
        .values("amount_raised_usd", "as_of", "source_title", "source_url", "illustrative")
        .first()
    )
    capacity = _capacity(project_sums(filters))
    scenario = None
    if filters.applied is not None:
        under = beside.with_scenario_mw(project_sums(filters), filters.applied.assumptions)
        after = _capacity(under, key=beside.SCENARIO_MW)["mw"]
        scenario = {
            "name": filters.applied.name,
            "mw": beside.headline_beside(capacity["mw"], after),
        }
    if filters.is_live:
        partner_qs = Partner.objects.filter(
            Exists(
                Participation.objects.filter(partner=OuterRef("pk"), project__in=projects(filters))
            )
            | Exists(commitment_qs.filter(partner=OuterRef("pk")))
        )
    else:  # as it stood: keys, no joins; the committing partners from the sums already read
        taking_part = reading.rows(Participation).filter(
            project_id__in=projects(filters).values("id")
        )
        committing = {row[0] for row in commitment_sums(filters).rows}
        partner_qs = reading.rows(Partner).filter(
            Q(id__in=taking_part.values("partner_id")) | Q(id__in=committing)
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
        "scenario": scenario,  # the capacity tiles under the view's scenario, or None
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


def headline_figures(h: Mapping[str, Any]) -> list[Row]:
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
    provenance: dict[str, Mapping[str, Any]] = {
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


def headline_sources(h: Mapping[str, Any]) -> tuple[Source, ...]:
    """Every source behind the headline's figures: the commitments', the projects', the
    targets' and the capital raised's."""
    sources: tuple[Source, ...] = merged(h["commitments"], h["capacity"], h["targets"])["sources"]
    raised = h["raised"]
    if raised and raised["source_url"]:
        own = Source(title=raised["source_title"], url=raised["source_url"], as_of=raised["as_of"])
        sources = tuple(dict.fromkeys((*sources, own)))
    return sources
