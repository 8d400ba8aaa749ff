"""The commitment charts: commitments by partner and over time, from the grouped sums of
the trigger-kept `CommitmentFact` rows (one query), with their notes and targets.
"""

import dataclasses
from decimal import Decimal

from django.db.models import (
    Count,
    Max,
    Q,
    Sum,
)

from aipdash.charts.catalogue import TITLES
from aipdash.charts.data import ChartData, Column
from aipdash.core.cache.payloads import cached
from aipdash.dashboard.filters import DashboardFilters
from aipdash.dashboard.selectors.common import (
    _committed_by,
    _floats,
    _partner_rows,
    _sortable,
    _targets,
    _targets_provenance,
    kept_conditions,
    merged,
    on_kept_dimensions,
    projects,
    provenance_of_rows,
    source_names,
)
from projects.models import (
    Commitment,
    CommitmentFact,
    CommitmentSum,
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
CENT = Decimal("0.01")
SUM_KEYS = ("partner_id", "instrument", "status", "month", "source_id")


def commitment_sums(filters: DashboardFilters) -> list[dict]:
    """The filtered commitments summed per partner, instrument, status, month and source, with
    their provenance, for both commitment charts, the headline and their provenance (each a
    roll-up of these rows); cached per (filters, data version). Its size is bounded by partners
    x 2 x 3 x months x sources, whatever the number of commitments.

    The same rows as commitments(filters), read from what the database keeps for this: the
    sums per project kind, stage and energy source (projects.CommitmentSum) when the filters
    are on those columns or the partner's own commitments, one query over tens of thousands
    of rows whatever the number of commitments; otherwise the commitments to projects from
    their facts (projects.CommitmentFact), narrowed by the project filters, and those to the
    partnership as a whole, which every view counts, from the sums. Then one small query for
    the sources named."""

    def compute():
        if _sums_answer(filters):
            kept = CommitmentSum.objects.all()
            if filters.narrows_projects:
                kept = kept.filter(Q(to_project=False) | kept_conditions(filters))
            parts = _summed(_committed_by(kept, filters), "commitments")
        else:
            to_projects = _committed_by(
                CommitmentFact.objects.filter(project_id__isnull=False), filters
            )
            if filters.narrows_projects:
                to_projects = to_projects.filter(project_id__in=projects(filters).values("pk"))
            to_partnership = _committed_by(CommitmentSum.objects.filter(to_project=False), filters)
            parts = _merged(_summed(to_projects, None) + _summed(to_partnership, "commitments"))
        sources = source_names({part[4] for part in parts})
        return [
            {
                "partner_id": partner_id,
                "instrument": _INSTRUMENTS[instrument],
                "status": _STATUSES[status],
                "source_title": sources[source_id][0],
                "source_url": sources[source_id][1],
                "date": month,
                "amount_usd": Decimal(cents) * CENT,  # exact: whole cents
                "newest": newest,
                "n_illustrative": n_illustrative,
            }
            for partner_id, instrument, status, month, source_id, cents, newest, n_illustrative in (
                parts
            )
        ]

    return cached("commitment-sums", filters.canonical(), compute)


def _sums_answer(filters: DashboardFilters) -> bool:
    """Whether the kept sums answer these filters: those on kind, stage and energy source,
    and the partner's own commitments, are columns of theirs; the partner filter with a
    project filter also narrows the projects to the partner's, which they cannot."""
    return on_kept_dimensions(dataclasses.replace(filters, partner=())) and not (
        filters.partner and filters.narrows_projects
    )


def _summed(qs, counted) -> list[tuple]:
    """(partner, instrument, status, month, source, cents, newest, illustrative count) per
    SUM_KEYS, from facts (`counted` None: a row is a commitment) or sums (`counted`: the
    column counting the commitments of a row)."""
    illustrative = (
        Count("pk", filter=Q(illustrative=True))
        if counted is None
        else Sum(counted, filter=Q(illustrative=True), default=0)
    )
    return list(
        qs.order_by()
        .values_list(*SUM_KEYS)
        .annotate(cents=Sum("amount_cents"), newest=Max("as_of"), n_illustrative=illustrative)
    )


def _merged(parts: list[tuple]) -> list[tuple]:
    """Rows of _summed with the same key summed into one."""
    out = {}
    for partner, instrument, status, month, source, cents, newest, n_illustrative in parts:
        key = (partner, instrument, status, month, source)
        known = out.get(key)
        if known is None:
            out[key] = [cents, newest, n_illustrative]
        else:
            known[0] += cents
            known[1] = max(filter(None, (known[1], newest)), default=None)
            known[2] += n_illustrative
    return [(*key, *values) for key, values in out.items()]


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


def commitment_provenance(filters: DashboardFilters) -> dict:
    """The provenance of the filtered commitments, from commitment_sums (no query of its own);
    kept like them, since two charts and the headline each need it."""
    return cached(
        "commitment-provenance",
        filters.canonical(),
        lambda: provenance_of_rows(commitment_sums(filters)),
        local=True,
    )
