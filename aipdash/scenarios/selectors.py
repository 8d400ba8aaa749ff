"""Reads for scenarios: the grouped rows the arithmetic applies to, the portfolio's median cost
per MW, and which scenarios a user may see.

The grouped reads take the filtered querysets (the dashboard's `phases(filters)` and
`projects(filters)`; all rows by default): the filters stay the dashboard's one vocabulary, and
this package does not import it. Each is one grouped query (two for the phases: phases, and
projects entered without phases), whatever the size of the portfolio.

Under filters on the project's kind, stage and energy source only (the dashboard's
`on_kept_dimensions`), the same rows come from the sums the database keeps
(`kept_phase_groups`, `kept_capital_groups`: projects.PhaseGroupSum and CapitalSum, a few
thousand rows whatever the number of phases and projects) instead of grouping every phase and
project: at 100k projects ~350 ms each became a few ms (docs/performance.md).
"""

from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import (
    Case,
    CharField,
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

from aipdash.core.dbfunctions import Month
from aipdash.core.roles import has_role
from aipdash.scenarios.arithmetic import Row
from aipdash.scenarios.models import Scenario
from projects.models import (
    COST_PER_MW,
    NO_MONTH,
    PRICED,
    CapitalSum,
    FactSource,
    PhaseGroupSum,
    Project,
    ProjectPhase,
    Stage,
)

SOURCE_KEYS = ("source_title", "source_url")


def _provenance() -> dict[str, Max | Count]:
    return {"newest": Max("as_of"), "n_illustrative": Count("pk", filter=Q(illustrative=True))}


def phase_groups(
    phase_qs: QuerySet[ProjectPhase] | None = None,
    project_qs: QuerySet[Project] | None = None,
    *,
    by_keys: bool = False,
) -> list[Row]:
    """MW coming online grouped by stage, kind and month, with the provenance of the rows
    (source title and URL, newest as-of date, n_illustrative), as capacity_online reads them:
    phases (their own stage, their project's kind), and projects entered without phases as a
    whole (their stage). Cancelled phases and projects are left out; grid links are kept (the
    power balance leaves them out, the pipeline does not); a project without phases and
    without a date has month None.

    Row: {"stage", "kind", "month": date | None, "mw": Decimal | None, "source_title",
    "source_url", "newest", "n_illustrative"}. Two queries.

    `by_keys`: the querysets are historical rows (a past day's: aipdash/history/asof.py),
    whose foreign keys join today's tables; the phases' project is then reached by its key."""
    phase_qs = ProjectPhase.objects.all() if phase_qs is None else phase_qs
    project_qs = Project.objects.all() if project_qs is None else project_qs
    if by_keys:
        return _phase_groups_by_keys(phase_qs, project_qs)
    rows = list(
        phase_qs.exclude(stage=Stage.CANCELLED)
        .exclude(project__stage=Stage.CANCELLED)
        .order_by()
        .values("stage", *SOURCE_KEYS, kind=F("project__kind"), month=Month("expected_online"))
        .annotate(mw=Sum("capacity_mw"), **_provenance())
    )
    rows += list(
        project_qs.exclude(stage=Stage.CANCELLED)
        .exclude(Exists(ProjectPhase.objects.filter(project=OuterRef("pk"))))
        .order_by()
        .values("stage", "kind", *SOURCE_KEYS, month=Month("expected_online"))
        .annotate(mw=Sum("capacity_mw"), **_provenance())
    )
    return rows


def kept_phase_groups(condition: Q | None = None) -> list[Row]:
    """phase_groups()'s rows from the sums the database keeps (projects.PhaseGroupSum), the
    phases and whole projects in the same rows (callers sum them; the arithmetic does):
    `condition` on the sums' kind, stage and energy source (the project's), nothing else.
    Two queries (the sums, their sources' names), whatever the number of phases."""
    parts = list(
        PhaseGroupSum.objects.filter(condition or Q())
        .exclude(stage=Stage.CANCELLED)
        .order_by()
        .values_list("item_stage", "kind", "month", "source_id")
        .annotate(
            tenths=Sum("mw_tenths"),
            newest=Max("as_of"),
            n_illustrative=Sum("items", filter=Q(illustrative=True), default=0),
        )
    )
    sources = {
        pk: (title, url)
        for pk, title, url in FactSource.objects.filter(
            pk__in={part[3] for part in parts}
        ).values_list("pk", "source_title", "source_url")
    }
    return [
        {
            "stage": stage,
            "kind": kind,
            "month": None if month == NO_MONTH else month,
            "mw": Decimal(tenths).scaleb(-1),
            "source_title": sources[source_id][0],
            "source_url": sources[source_id][1],
            "newest": newest,
            "n_illustrative": n_illustrative,
        }
        for stage, kind, month, source_id, tenths, newest, n_illustrative in parts
    ]


def _phase_groups_by_keys(
    phase_qs: QuerySet[ProjectPhase], project_qs: QuerySet[Project]
) -> list[Row]:
    """phase_groups() of historical rows: the project's kind and stage through the projects'
    keys, never a join across `__` (it would read today's project). Two queries."""
    counted = project_qs.exclude(stage=Stage.CANCELLED)
    kind = Case(
        *(
            When(project_id__in=counted.filter(kind=k).values("id"), then=Value(k))
            for k in sorted(Project.Kind.values)
        ),
        default=Value(None),
        output_field=CharField(),
    )
    rows = list(
        phase_qs.exclude(stage=Stage.CANCELLED)
        .filter(project_id__in=counted.values("id"))
        .order_by()
        .values("stage", *SOURCE_KEYS, kind=kind, month=Month("expected_online"))
        .annotate(mw=Sum("capacity_mw"), **_provenance())
    )
    rows += list(
        counted.exclude(id__in=phase_qs.values("project_id"))
        .order_by()
        .values("stage", "kind", *SOURCE_KEYS, month=Month("expected_online"))
        .annotate(mw=Sum("capacity_mw"), **_provenance())
    )
    return rows


def capital_groups(project_qs: QuerySet[Project] | None = None) -> list[Row]:
    """Projects grouped by stage, kind and month of their expected online date (None: no
    date), with their recorded capital cost and the MW of those without one. Cancelled
    projects are left out; operational ones stay (the partnership's money went into them too).

    Row: {"stage", "kind", "month", "projects", "with_cost", "cost_usd": Decimal (the recorded
    costs summed), "without_cost", "mw_without_cost": Decimal}. One query."""
    project_qs = Project.objects.all() if project_qs is None else project_qs
    no_cost = Q(capital_cost_usd__isnull=True)
    rows = (
        project_qs.exclude(stage=Stage.CANCELLED)
        .order_by()
        .values("stage", "kind", month=Month("expected_online"))
        .annotate(
            projects=Count("pk"),
            with_cost=Count("pk", filter=~no_cost),
            cost_usd=Sum("capital_cost_usd"),
            without_cost=Count("pk", filter=no_cost),
            mw_without_cost=Sum("capacity_mw", filter=no_cost),
        )
    )
    return [
        {
            **row,
            "cost_usd": row["cost_usd"] or Decimal(0),
            "mw_without_cost": row["mw_without_cost"] or Decimal(0),
        }
        for row in rows
    ]


def kept_capital_groups(condition: Q | None = None) -> list[Row]:
    """capital_groups()'s rows from the sums the database keeps (projects.CapitalSum):
    `condition` on the sums' kind, stage and energy source, nothing else. One query, whatever
    the number of projects."""
    rows = (
        CapitalSum.objects.filter(condition or Q())
        .exclude(stage=Stage.CANCELLED)
        .order_by()
        .values_list("stage", "kind", "month")
        .annotate(
            projects=Sum("projects"),
            with_cost=Sum("with_cost"),
            cents=Sum("cost_cents"),
            without_cost=Sum("without_cost"),
            tenths=Sum("mw_without_cost_tenths"),
        )
    )
    return [
        {
            "stage": stage,
            "kind": kind,
            "month": None if month == NO_MONTH else month,
            "projects": projects,
            "with_cost": with_cost,
            "cost_usd": Decimal(cents).scaleb(-2),
            "without_cost": without_cost,
            "mw_without_cost": Decimal(tenths).scaleb(-1),
        }
        for stage, kind, month, projects, with_cost, cents, without_cost, tenths in rows
    ]


def cost_per_mw_medians(
    project_qs: QuerySet[Project] | None = None,
) -> dict[str, tuple[Decimal, int]]:
    """{kind: (median recorded capital cost per MW in USD, rounded to the dollar; how many
    projects it rests on)} over the projects with both a capital cost and capacity above zero
    (the whole portfolio by default: a cost per MW is not a filter's). A kind without such a
    project is absent. One query for the counts, then one per kind for its middle value(s):
    the database sorts, nothing is read row by row."""
    project_qs = Project.objects.all() if project_qs is None else project_qs
    # The filter and the expression of the index projects.project_cost_per_mw: live, each
    # query reads the index alone.
    priced = project_qs.filter(PRICED)
    counts = dict(priced.order_by().values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    per_mw = COST_PER_MW
    medians = {}
    # One query per kind, even a kind with no priced project (its answer is empty): the count
    # of queries does not depend on the data.
    for kind in sorted(Project.Kind.values):
        n = counts.get(kind, 0)
        middle = (n - 1) // 2 if n else 0
        values = list(
            priced.filter(kind=kind)
            .annotate(per_mw=per_mw)
            .order_by("per_mw", "pk")
            .values_list("per_mw", flat=True)[middle : middle + 2 - n % 2]
        )
        if values:
            medians[kind] = (Decimal(round(sum(values) / len(values))), n)
    return medians


def visible_scenarios(user: User | AnonymousUser) -> QuerySet[Scenario]:
    """The scenarios `user` may pick: their own, and those visible to everyone, if they may
    browse the dashboard at all; none for anyone else. Another user's private scenario is
    never among them, whoever asks (a superuser manages every scenario in the admin, but does
    not see others' private ones here)."""
    if not getattr(user, "is_authenticated", False) or not has_role(user):
        return Scenario.objects.none()
    return Scenario.objects.filter(
        Q(visibility=Scenario.Visibility.EVERYONE) | Q(owner=user)
    ).select_related("owner")


class ScenarioNotFound(LookupError):
    """No scenario by this slug that the user may see (the same answer for one that does not
    exist and for someone else's private one: its existence is not told)."""

    def __init__(self, slug: str):
        self.slug = slug
        super().__init__(f"No scenario “{slug[:80]}” that you may see.")


def scenario_for(user: User | AnonymousUser, slug: str) -> Scenario:
    """The scenario `slug` if `user` may see it; ScenarioNotFound otherwise."""
    scenario = visible_scenarios(user).filter(slug=slug).first()
    if scenario is None:
        raise ScenarioNotFound(slug)
    return scenario
