"""The commitment charts: commitments by partner and over time, from the sums the database
keeps (`CommitmentSum`, or the `CommitmentFact` rows of the matching projects; one query),
with their notes and targets.

The sums are read as plain tuples of integers (partner, codes, months as ordinals, cents), not
as dicts of Decimals and dates: a few thousand rows to sum in Python, to pickle for the cache
and to read back, several times cheaper that way. Money stays exact in whole cents until a
figure turns it into a float (cents / 100: the same float as the Decimal's).
"""

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import (
    Count,
    Max,
    Q,
    QuerySet,
    Sum,
)

from aipdash.charts.catalogue import TITLES
from aipdash.charts.data import ChartData, Column, Row, Source
from aipdash.core.cache.payloads import cached
from aipdash.dashboard.filters import DashboardFilters
from aipdash.dashboard.selectors.common import (
    Provenance,
    _committed_by,
    _partner_rows,
    _sortable,
    _targets,
    _targets_provenance,
    kept_conditions,
    merged,
    on_kept_dimensions,
    projects,
    source_names,
    view_notes,
)
from projects.models import (
    Commitment,
    CommitmentFact,
    CommitmentSum,
    CommitmentTotal,
)

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


_INSTRUMENTS = {code: value for value, code in CommitmentFact.INSTRUMENT_CODES.items()}
_STATUSES = {code: value for value, code in CommitmentFact.STATUS_CODES.items()}
_COMMITTED_CODES = frozenset(CommitmentFact.STATUS_CODES[s] for s in COMMITTED_STATUSES)
_ANNOUNCED_CODE = CommitmentFact.STATUS_CODES[Commitment.Status.ANNOUNCED]
_EQUITY_CODE = CommitmentFact.INSTRUMENT_CODES[Commitment.Instrument.EQUITY]
CENT = Decimal("0.01")
SUM_KEYS = ("partner_id", "instrument", "status", "month", "source_id")
# One row of the sums (CommitmentSums.rows): the SUM_KEYS, cents, newest, illustrative count.
type SumRow = tuple[int, int, int, int, int, int, int, int]


class CommitmentSums(NamedTuple):
    """The filtered commitments summed per SUM_KEYS: `rows` of (partner id, instrument code,
    status code, month as a date ordinal, source id, cents, newest as-of date as an ordinal,
    illustrative commitments), and `sources`: each source id's (title, URL)."""

    rows: tuple[SumRow, ...]
    sources: dict[int, tuple[str, str]]

    def readable(self) -> list[Row]:
        """The rows as dicts of values for people and files (codes as names, dates, Decimal
        USD), for checks and exports; the charts read the tuples."""
        return [
            {
                "partner_id": partner_id,
                "instrument": _INSTRUMENTS[instrument],
                "status": _STATUSES[status],
                "source_title": self.sources[source_id][0],
                "source_url": self.sources[source_id][1],
                "date": dt.date.fromordinal(month),
                "amount_usd": Decimal(cents) * CENT,  # exact: whole cents
                "newest": dt.date.fromordinal(newest),
                "n_illustrative": n_illustrative,
            }
            for partner_id, instrument, status, month, source_id, cents, newest, n_illustrative in (
                self.rows
            )
        ]

    def provenance(self, rows: Iterable[SumRow] | None = None) -> Provenance:
        """provenance_of_rows() of `rows` (all by default): newest as-of date, illustrative or
        not, the sources with a URL and the newest date of each."""
        rows = self.rows if rows is None else rows
        newest_by_source: dict[int, int] = {}
        as_of, illustrative = 0, False
        for *_, source_id, _cents, newest, n_illustrative in rows:
            as_of = max(as_of, newest)
            illustrative = illustrative or n_illustrative > 0
            if newest > newest_by_source.get(source_id, 0):
                newest_by_source[source_id] = newest
        sources = sorted(
            (
                Source(title=title, url=url, as_of=dt.date.fromordinal(newest))
                for source_id, newest in newest_by_source.items()
                for title, url in (self.sources[source_id],)
                if url
            ),
            key=lambda s: (s.as_of or dt.date.min, s.title),
            reverse=True,
        )
        return {
            "as_of": dt.date.fromordinal(as_of) if as_of else None,
            "illustrative": illustrative,
            "sources": tuple(sources),
        }


def commitment_sums(filters: DashboardFilters) -> CommitmentSums:
    """The filtered commitments summed per partner, instrument, status, month and source, with
    their provenance, for both commitment charts, the headline and their provenance (each a
    roll-up of these rows); cached per (filters, data version). Its size is bounded by partners
    x 2 x 3 x months x sources, whatever the number of commitments.

    The same rows as commitments(filters), read from what the database keeps for this: the
    sums per project kind, stage and energy source (projects.CommitmentSum) when the filters
    are on those columns or the partner's own commitments, one query over tens of thousands
    of rows whatever the number of commitments (without a project filter, the totals without
    project columns, projects.CommitmentTotal: a few thousand); otherwise the commitments to
    projects from their facts (projects.CommitmentFact), narrowed by the project filters, and
    those to the partnership as a whole, which every view counts, from the sums. Then one small
    query for the sources named."""

    def compute() -> CommitmentSums:
        parts = _parts(filters, kept=_sums_answer(filters))
        return CommitmentSums(rows=parts, sources=source_names({part[4] for part in parts}))

    return cached("commitment-sums-2", filters.canonical(), compute)


def _parts(filters: DashboardFilters, *, kept: bool) -> tuple[SumRow, ...]:
    """commitment_sums' rows from the kept sums (`kept`, for the filters _sums_answer allows)
    or from the facts and the sums without a project (any filters). As of a past day, from the
    commitments' validity spans at its end (one scan of a narrow table, docs/as-of.md)."""
    if not filters.is_live:
        facts = filters.reading.commitment_facts()
        if filters.narrows_projects:
            facts = facts.filter(
                Q(project_id__isnull=True) | Q(project_id__in=projects(filters).values("id"))
            )
        return _summed(_committed_by(facts, filters), None)
    if kept:
        if not filters.narrows_projects:
            # Every commitment: the totals without project columns, a few thousand rows
            # instead of CommitmentSum's ~140,000 at a million commitments.
            return _summed(_committed_by(CommitmentTotal.objects.all(), filters), "commitments")
        sums = CommitmentSum.objects.filter(Q(to_project=False) | kept_conditions(filters))
        return _summed(_committed_by(sums, filters), "commitments")
    to_projects = _committed_by(CommitmentFact.objects.filter(project_id__isnull=False), filters)
    if filters.narrows_projects:
        to_projects = to_projects.filter(project_id__in=projects(filters).values("pk"))
    to_partnership = _committed_by(CommitmentSum.objects.filter(to_project=False), filters)
    return _merged(_summed(to_projects, None) + _summed(to_partnership, "commitments"))


def _sums_answer(filters: DashboardFilters) -> bool:
    """Whether the kept sums answer these filters: those on kind, stage and energy source,
    and the partner's own commitments, are columns of theirs; the partner filter with a
    project filter also narrows the projects to the partner's, which they cannot."""
    return on_kept_dimensions(dataclasses.replace(filters, partner=())) and not (
        filters.partner and filters.narrows_projects
    )


def _summed(qs: QuerySet[Any], counted: str | None) -> tuple[SumRow, ...]:
    """(partner, instrument, status, month, source, cents, newest, illustrative count) per
    SUM_KEYS, dates as ordinals, from facts (`counted` None: a row is a commitment) or sums
    (`counted`: the column counting the commitments of a row)."""
    illustrative = (
        Count("pk", filter=Q(illustrative=True))
        if counted is None
        else Sum(counted, filter=Q(illustrative=True), default=0)
    )
    return tuple(
        (partner, instrument, status, month.toordinal(), source, cents, newest.toordinal(), n)
        for partner, instrument, status, month, source, cents, newest, n in qs.order_by()
        .values_list(*SUM_KEYS)
        .annotate(cents=Sum("amount_cents"), newest=Max("as_of"), n_illustrative=illustrative)
    )


def _merged(parts: tuple[SumRow, ...]) -> tuple[SumRow, ...]:
    """Rows of _summed with the same key summed into one."""
    out: dict[tuple[int, int, int, int, int], list[int]] = {}
    for partner, instrument, status, month, source, cents, newest, n_illustrative in parts:
        key = (partner, instrument, status, month, source)
        known = out.get(key)
        if known is None:
            out[key] = [cents, newest, n_illustrative]
        else:
            known[0] += cents
            known[1] = max(known[1], newest)
            known[2] += n_illustrative
    return tuple((*key, cents, newest, n) for key, (cents, newest, n) in out.items())


def _commitment_chart(
    filters: DashboardFilters,
    *,
    chart: str,
    title: str,
    by_date: bool,
    order_by: tuple[str, ...],
    columns: tuple[Column, ...],
    committed_only: bool = False,
) -> ChartData:
    """Commitments summed per partner and instrument, and per status or (`by_date`) month,
    with the targets as reference lines; `committed_only`: only money committed
    (COMMITTED_STATUSES), its provenance from those rows alone."""
    sums = commitment_sums(filters)
    counted: Sequence[SumRow] = sums.rows
    notes = [COMMITMENT_NOTE] if filters.narrows_projects else []
    if committed_only:
        counted = [row for row in counted if row[2] in _COMMITTED_CODES]
        provenance = sums.provenance(counted)
        notes.insert(
            0,
            f"Money {COUNTED_AS_COMMITTED_IN_WORDS}; announced money is left out (the chart "
            "by partner shows it).",
        )
    else:
        provenance = commitment_provenance(filters)
    cents: dict[tuple[int, int, int], int] = {}
    for partner, instrument, status, month, _source, amount, _newest, _n in counted:
        key = (partner, instrument, month if by_date else status)
        cents[key] = cents.get(key, 0) + amount
    # amount / 100: the float of the exact Decimal sum (both round the same number once).
    if by_date:
        rows = _partner_rows(
            [
                {
                    "partner_id": partner,
                    "date": dt.date.fromordinal(month),
                    "instrument": _INSTRUMENTS[instrument],
                    "amount_usd": amount / 100,
                }
                for (partner, instrument, month), amount in cents.items()
            ],
            filters,
        )
    else:
        rows = _partner_rows(
            [
                {
                    "partner_id": partner,
                    "instrument": _INSTRUMENTS[instrument],
                    "status": _STATUSES[status],
                    "amount_usd": amount / 100,
                }
                for (partner, instrument, status), amount in cents.items()
            ],
            filters,
        )
    rows.sort(key=lambda row: tuple(_sortable(row.get(key)) for key in order_by))
    targets, target_qs = _targets(filters)
    return ChartData(
        chart=chart,
        title=title,
        columns=(*columns, Column("amount_usd", "Amount", "USD")),
        rows=tuple(rows),
        note=" ".join(notes),
        extras={"targets": targets},
        **merged(provenance, _targets_provenance(target_qs)),
    )


def commitments_by_partner(filters: DashboardFilters) -> ChartData:
    return _commitment_chart(
        filters,
        chart="commitments_by_partner",
        title=TITLES["commitments_by_partner"],
        by_date=False,
        order_by=("partner", "instrument", "status"),
        columns=(
            Column("partner", "Partner"),
            Column("instrument", "Instrument"),
            Column("status", "Status"),
        ),
    )


def commitments_over_time(filters: DashboardFilters) -> ChartData:
    data = _commitment_chart(
        filters,
        chart="commitments_over_time",
        title=TITLES["commitments_over_time"],
        # Its lines are read against the targets, as the headline's tiles are: the same money.
        committed_only=True,
        # By month (its first day): rows stay bounded by partners x instruments x months,
        # however many commitments there are.
        by_date=True,
        order_by=("date", "partner", "instrument"),
        columns=(
            Column("date", "Date"),
            Column("partner", "Partner"),
            Column("instrument", "Instrument"),
        ),
    )
    return dataclasses.replace(data, extras={**data.extras, "notes": view_notes(filters)})


def commitment_provenance(filters: DashboardFilters) -> Provenance:
    """The provenance of the filtered commitments, from commitment_sums (no query of its own);
    kept like them, since two charts and the headline each need it."""
    return cached(
        "commitment-provenance",
        filters.canonical(),
        lambda: commitment_sums(filters).provenance(),
        local=True,
    )


def committed_money(filters: DashboardFilters) -> dict[str, float]:
    """Equity and equity-and-debt, committed (COMMITTED_STATUSES) and only announced, in USD,
    from commitment_sums (no query of its own): the headline's money."""
    cents = dict.fromkeys(
        ("equity_committed", "equity_announced", "total_committed", "total_announced"), 0
    )
    for _partner, instrument, status, _month, _source, amount, _newest, _n in commitment_sums(
        filters
    ).rows:
        if status in _COMMITTED_CODES:
            state = "committed"
        elif status == _ANNOUNCED_CODE:
            state = "announced"
        else:  # a status that is neither: in no figure rather than in the wrong one
            continue
        cents[f"total_{state}"] += amount
        if instrument == _EQUITY_CODE:
            cents[f"equity_{state}"] += amount
    return {key: value / 100 for key, value in cents.items()}  # the floats of the exact sums
