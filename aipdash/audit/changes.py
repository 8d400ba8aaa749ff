"""'Since your last visit': what changed in the portfolio since the reader's previous visit,
read from the audit trail (django-simple-history's historical records).

A visit is a login session: the first time a session opens the dashboard, the user's LastSeen
time is kept in the session as the start of the window and LastSeen moves to now, so the panel
stays the same while the reader changes filters and reloads, and the next session starts from
this one. A user's first visit ever has no window and shows no panel.

Queries are bounded: one per history table to count added / changed / deleted rows in SQL,
then, only for the tables that changed, at most LIST_LIMIT rows each; stage moves are counted
and listed with two queries on the project table.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth.models import User
from django.db.models import Count, F, Model, OuterRef, Q, Subquery
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from aipdash.audit.history import history_model
from aipdash.audit.models import LastSeen
from aipdash.records import registry
from projects.models import Project, Stage

SESSION_KEY = "aip_changes_since"
LIST_LIMIT = 12
FIELDS_LIMIT = 4  # fields listed per change

# The portfolio's models with an audit trail, in the order the panel names them.
TRACKED = registry.PORTFOLIO_MODELS  # what the panel counts: the whole portfolio
ACTIONS = {"+": "added", "~": "changed", "-": "deleted"}


@dataclass(frozen=True)
class Change:
    when: dt.datetime
    action: str  # added | changed | deleted
    kind: str  # the model's verbose name
    label: str
    url: str
    who: str
    # A change's fields: (field, before, after), when asked for (a comparison's list).
    fields: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class StageMove:
    project: str
    url: str
    before: str
    after: str
    who: str


@dataclass
class Changes:
    since: dt.datetime | None
    until: dt.datetime | None = None  # None: up to now
    added: int = 0
    changed: int = 0
    deleted: int = 0
    stage_moves: list[StageMove] = field(default_factory=list)
    stage_move_count: int = 0
    recent: list[Change] = field(default_factory=list)

    @property
    def first_visit(self) -> bool:
        return self.since is None

    @property
    def total(self) -> int:
        return self.added + self.changed + self.deleted

    @property
    def more(self) -> int:
        """Changes not listed (the list is bounded)."""
        return max(0, self.total - len(self.recent))

    @property
    def more_stage_moves(self) -> int:
        return max(0, self.stage_move_count - len(self.stage_moves))

    def __bool__(self) -> bool:
        return self.total > 0


def _models() -> list[type[Model]]:
    return [apps.get_model(label) for label in TRACKED]


def _window_start(request: HttpRequest, user: User) -> dt.datetime | None:
    """The start of this visit's window (see the module's docstring); moves LastSeen on."""
    kept: str | None = request.session.get(SESSION_KEY)
    if kept is not None:
        return parse_datetime(kept) if kept else None
    now = timezone.now()
    seen = LastSeen.objects.filter(user=user).values_list("seen_at", flat=True).first()
    LastSeen.objects.update_or_create(user=user, defaults={"seen_at": now})
    request.session[SESSION_KEY] = seen.isoformat() if seen else ""
    return seen


def for_request(request: HttpRequest) -> Changes:
    """The panel for this request's user (computed first, then LastSeen moves on)."""
    user = request.user
    if not user.is_authenticated:
        return Changes(since=None)
    return summary(_window_start(request, user), staff=user.is_staff)


def _window(since: dt.datetime, until: dt.datetime | None) -> Q:
    """Versions written after `since` and (when given) before `until`."""
    q = Q(history_date__gt=since)
    return q & Q(history_date__lt=until) if until is not None else q


def _counts(since: dt.datetime, until: dt.datetime | None = None) -> Iterator[tuple[str, str, int]]:
    """(model label, history_type, count) for every tracked table: one GROUP BY query each."""
    for model in _models():
        rows = (
            history_model(model)
            .objects.filter(_window(since, until))
            .order_by()
            .values_list("history_type")
            .annotate(n=Count("history_id"))
        )
        for history_type, n in rows:
            yield model._meta.label, history_type, n


def _instance(row: Any, relations: list[str]) -> Model:
    """The version as a model instance, with the related records the query already read (a
    related record since deleted is left to the model's own "deleted partner #7" label)."""
    instance: Model = row.instance
    for name in relations:
        related = row._state.fields_cache.get(name)
        if related is not None:
            instance._state.fields_cache[name] = related
    return instance


def _url(model: type[Model], instance: Model, staff: bool) -> str:
    """Where a listed record is read: its page, its project's or partner's page, or (for
    staff) its admin page."""
    own_page = getattr(instance, "get_absolute_url", None)
    if own_page is not None:
        url: str = own_page()
        return url
    for name in ("project", "partner"):
        related = instance._state.fields_cache.get(name)
        if related is not None:
            related_url: str = related.get_absolute_url()
            return related_url
    if staff:
        try:
            return reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
                args=[instance.pk],
            )
        except NoReverseMatch:
            return ""
    return ""


def _fields(row: Any) -> tuple[tuple[str, str, str], ...]:
    """A changed version's fields before → after (one query for the version before it)."""
    before = row.prev_record
    if before is None:
        return ()
    delta = row.diff_against(before, excluded_fields=["version"])
    out = []
    for item in delta.changes[:FIELDS_LIMIT]:
        field_ = row.instance._meta.get_field(item.field)
        label = str(getattr(field_, "verbose_name", item.field))
        out.append((label[:1].upper() + label[1:], _shown(item.old), _shown(item.new)))
    return tuple(out)


def _shown(value: object) -> str:
    text = "—" if value is None or value == "" else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _recent(
    model: type[Model],
    since: dt.datetime,
    staff: bool,
    until: dt.datetime | None = None,
    diffs: bool = False,
) -> list[Change]:
    """At most LIST_LIMIT of the model's latest versions since then, with where to read them
    (and, with `diffs`, what a change changed)."""
    history = history_model(model)
    relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
    rows = (
        history.objects.filter(_window(since, until))
        .select_related("history_user", *relations)
        .order_by("-history_date", "-history_id")[:LIST_LIMIT]
    )
    out = []
    for row in rows:
        action = ACTIONS.get(row.history_type, "changed")
        instance = _instance(row, relations)
        label = str(instance)
        project = instance._state.fields_cache.get("project")
        if model._meta.model_name in ("projectphase", "participation") and project is not None:
            label = f"{project.name}: {label}"
        out.append(
            Change(
                when=row.history_date,
                action=action,
                kind=str(model._meta.verbose_name),
                label=label,
                url="" if action == "deleted" else _url(model, instance, staff),
                who=row.history_user.get_username() if row.history_user else "",
                fields=_fields(row) if diffs and row.history_type == "~" else (),
            )
        )
    return out


def _stage_moves(
    since: dt.datetime, until: dt.datetime | None = None
) -> tuple[int, list[StageMove]]:
    """Projects whose stage now (or at `until`) differs from their stage at `since`: (count,
    first few)."""
    history = Project.history.model
    before = Subquery(
        history.objects.filter(id=OuterRef("pk"), history_date__lte=since)
        .order_by("-history_date", "-history_id")
        .values("stage")[:1]
    )
    who = Subquery(
        history.objects.filter(id=OuterRef("pk"), history_date__gt=since)
        .order_by("-history_date", "-history_id")
        .values("history_user__username")[:1]
    )
    after: Any = F("stage")
    if until is not None:
        after = Subquery(
            history.objects.filter(id=OuterRef("pk"), history_date__lt=until)
            .exclude(history_type="-")
            .order_by("-history_date", "-history_id")
            .values("stage")[:1]
        )
    moved = (
        Project.objects.filter(pk__in=history.objects.filter(_window(since, until)).values("id"))
        .annotate(before=before, after=after)
        .filter(~Q(before=F("after")), before__isnull=False, after__isnull=False)
    )
    count = moved.count()
    labels = dict(Stage.choices)
    rows = moved.annotate(who=who).order_by("name")[:LIST_LIMIT]
    return count, [
        StageMove(
            project=p.name,
            url=p.get_absolute_url(),
            # (`before` is never empty here: the query keeps the rows that had a stage then.)
            before=labels.get(p.before, p.before) or "",
            after=labels.get(p.after, p.after) or "",
            who=p.who or "",
        )
        for p in rows
    ]


def summary(
    since: dt.datetime | None,
    *,
    staff: bool = False,
    until: dt.datetime | None = None,
    diffs: bool = False,
) -> Changes:
    """What changed after `since` (None: a first visit, nothing to compare with) and before
    `until` (None: now); `diffs`: each change's fields before → after ("what changed between
    30 Jun 2025 and today", a comparison's list)."""
    changes = Changes(since=since, until=until)
    if since is None:
        return changes
    by_model: dict[str, int] = {}
    for table, history_type, n in _counts(since, until):
        action = ACTIONS.get(history_type, "changed")
        setattr(changes, action, getattr(changes, action) + n)
        by_model[table] = by_model.get(table, 0) + n
    if not changes:
        return changes
    recent: list[Change] = []
    for model in _models():
        if by_model.get(model._meta.label):
            recent.extend(_recent(model, since, staff, until, diffs))
    recent.sort(key=lambda c: c.when, reverse=True)
    changes.recent = recent[:LIST_LIMIT]
    if by_model.get("projects.Project"):
        changes.stage_move_count, changes.stage_moves = _stage_moves(since, until)
    return changes
