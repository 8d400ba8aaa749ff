"""The rows of the portfolio as they stood at a moment, read from the historical tables.

`versions(Model, before)` is, for one portfolio model, the queryset of the historical rows
current just before the moment `before`: for each record (its `id`) the latest version written
before then (by history_date, then history_id), unless that version is a deletion. So a record
created later is absent, one deleted later is present, every value is as it was then,
provenance included, and a record deleted and restored is present on the days it existed.
`end_of_day(day)` is the moment that closes a day in the site's time zone (settings.TIME_ZONE):
the as-of view of 30 June reads `versions(Model, end_of_day(30 June))`.

The rows are historical rows: the record's fields under the same names (a foreign key as
`partner_id`, `project_id`), plus history_id, history_date and history_type. Group them with
`.values(...).annotate(...)` as the selectors group the live tables. One trap: a foreign key of
a historical row joins the LIVE related table (`partner__slug` is the partner's slug today,
and a deleted partner's rows drop out of an inner join), so relations as they stood are reached
through `ids()` of the related model at the same moment (`partner_id__in=...`), never by a
join across `__`. The queryset is unordered: order it where order matters.

`Live()` and `AsOf(before)` are the two readings a selector can be written against once:
`reading.rows(Project)` (the live table, or the versions), `reading.ids(Partner, slug__in=...)`
(keys for `partner_id__in=`), `reading.key` (for cache keys). Written that way a selector needs
no join across `__` and serves today and any past day alike (docs/as-of.md).

Records that have no history row at all (written before the trail, or by a path that wrote
none) are given one by `aipdash.history.writing.complete()`; docs/as-of.md says when.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, Min, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from aipdash.records import registry
from projects.models import CommitmentFact, CommitmentSpan
from projects.models.spans import VALID_TO, Spanned

DELETED = "-"


def start_of_day(day: dt.date) -> dt.datetime:
    """The first moment of `day` in the site's time zone (an aware datetime)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def end_of_day(day: dt.date) -> dt.datetime:
    """The moment that closes `day` in the site's time zone: the first of the next day. A
    version written before it (history_date < end_of_day) stood at the end of `day`."""
    return start_of_day(day + dt.timedelta(days=1))


def day_of(moment: dt.datetime) -> dt.date:
    """The day a moment falls on in the site's time zone."""
    return timezone.localtime(moment).date()


def history_of(model: type[Model]) -> type[Model]:
    """The historical model (simple-history's) of a portfolio model."""
    return model.history.model  # type: ignore[attr-defined,no-any-return]  # made at run time


def versions(model: type[Model], before: dt.datetime) -> QuerySet[Any]:
    """The version of each record of `model` that stood just before `before`: one historical
    row per record that existed then (see the module's docstring)."""
    history = history_of(model)
    key = model._meta.pk.attname
    written = history._default_manager.filter(history_date__lt=before)
    if is_spanned(model):
        # Each version carries where the next begins (projects/models/spans.py): a range
        # condition, no anti-join. A version superseded at its own instant (a bulk write's tie)
        # ends where it begins, so it never stands.
        standing = Q(**{f"{VALID_TO}__isnull": True}) | Q(**{f"{VALID_TO}__gte": before})
        return written.filter(standing).exclude(history_type=DELETED).order_by()
    # A later version of the same record, also written before the moment: its existence
    # means this row was no longer current. The tie on history_date (a bulk write gives many
    # rows one date) is broken by history_id, the order in which they were written.
    later = written.filter(
        Q(history_date__gt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__gt=OuterRef("history_id")),
        **{key: OuterRef(key)},
    )
    return written.filter(~Exists(later)).exclude(history_type=DELETED).order_by()


def is_spanned(model: type[Model]) -> bool:
    """Whether the versions of `model` carry their span (history_valid_to, kept by triggers:
    projects, phases and participations); the other models' few versions are read by an
    anti-join."""
    return issubclass(history_of(model), Spanned)


def commitment_spans(before: dt.datetime) -> QuerySet[CommitmentSpan]:
    """The commitments as they stood just before `before`, in the columns of CommitmentFact
    (partner, project, codes, month, cents, source, as-of date, illustrative): the spans the
    database keeps from the commitment history (CommitmentSpan) that cover the moment. The
    same records as versions(Commitment, before), read from one narrow table by a range
    condition instead of an anti-join of the wide history (docs/as-of.md)."""
    return (
        CommitmentSpan.objects.filter(valid_from__lt=before, deleted=False)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=before))
        .order_by()
    )


def ids(model: type[Model], before: dt.datetime) -> QuerySet[Any]:
    """The keys of the records of `model` that existed just before `before`: a subquery for
    `project_id__in=` and the like."""
    return versions(model, before).values(model._meta.pk.attname)


def one(model: type[Model], before: dt.datetime, **lookup: Any) -> Model | None:
    """One record as it stood (e.g. `one(Project, moment, slug="x")`), as an instance of
    `model` that is not saved anywhere; None when no such record existed then."""
    row = versions(model, before).filter(**lookup).order_by("-history_id").first()
    if row is None:
        return None
    instance: Model = row.instance  # simple-history's: the record as that version had it
    return instance


def first_moment() -> dt.datetime | None:
    """When the first version of any portfolio record was written: no view reaches before it.
    One indexed MIN per historical table."""
    moments = [
        history_of(model)._default_manager.aggregate(first=Min("history_date"))["first"]
        for model in registry.portfolio_models()
    ]
    return min(filter(None, moments), default=None)


def is_now_or_later(moment: dt.datetime) -> bool:
    """Whether `moment` is not yet past: every version written so far was written before it
    (none is dated after it was written), so the portfolio as of `moment` is the live tables
    and the sums the database keeps, at today's cost (as of today: its end is tomorrow)."""
    return moment > timezone.now()


def first_day() -> dt.date | None:
    """The day of the first record (site time zone); None while the portfolio has none."""
    moment = first_moment()
    return None if moment is None else day_of(moment)


@dataclass(frozen=True)
class Live:
    """Today's portfolio: the live tables."""

    key = "live"
    is_live = True

    def rows(self, model: type[Model]) -> QuerySet[Any]:
        return model._default_manager.all()

    def ids(self, model: type[Model], **lookup: Any) -> QuerySet[Any]:
        return model._default_manager.filter(**lookup).values("id")

    def commitment_facts(self) -> QuerySet[CommitmentFact]:
        """The commitments in CommitmentFact's columns (the live facts)."""
        return CommitmentFact.objects.all()


@dataclass(frozen=True)
class AsOf:
    """The portfolio as it stood just before the moment `before` (versions())."""

    before: dt.datetime
    is_live = False

    @classmethod
    def end_of(cls, day: dt.date) -> "AsOf":
        """The portfolio at the end of `day` in the site's time zone."""
        return cls(end_of_day(day))

    @property
    def key(self) -> str:
        """Its part of a cache key: the moment, in UTC."""
        return "asof:" + self.before.astimezone(dt.UTC).isoformat()

    def rows(self, model: type[Model]) -> QuerySet[Any]:
        return versions(model, self.before)

    def ids(self, model: type[Model], **lookup: Any) -> QuerySet[Any]:
        return versions(model, self.before).filter(**lookup).values("id")

    def commitment_facts(self) -> QuerySet[CommitmentSpan]:
        """The commitments in CommitmentFact's columns, as they stood (commitment_spans)."""
        return commitment_spans(self.before)
