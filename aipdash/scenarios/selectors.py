"""Reads for scenarios: the grouped rows the arithmetic applies to, the portfolio's median cost
per MW, and which scenarios a user may see.

The grouped reads take the filtered querysets (the dashboard's `phases(filters)` and
`projects(filters)`; all rows by default): the filters stay the dashboard's one vocabulary, and
this package does not import it. Each is one grouped query (two for the phases: phases, and
projects entered without phases), whatever the size of the portfolio.
"""

from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast

from aipdash.core.dbfunctions import Month
from aipdash.core.roles import has_role
from aipdash.scenarios.arithmetic import Row
from aipdash.scenarios.models import Scenario
from projects.models import Project, ProjectPhase, Stage

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


def cost_per_mw_medians(
    project_qs: QuerySet[Project] | None = None,
) -> dict[str, tuple[Decimal, int]]:
    """{kind: (median recorded capital cost per MW in USD, rounded to the dollar; how many
    projects it rests on)} over the projects with both a capital cost and capacity above zero
    (the whole portfolio by default: a cost per MW is not a filter's). A kind without such a
    project is absent. One query for the counts, then one per kind for its middle value(s):
    the database sorts, nothing is read row by row."""
    project_qs = Project.objects.all() if project_qs is None else project_qs
    priced = project_qs.filter(capital_cost_usd__isnull=False, capacity_mw__gt=0)
    counts = dict(priced.order_by().values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    per_mw = Cast("capital_cost_usd", FloatField()) / Cast("capacity_mw", FloatField())
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
