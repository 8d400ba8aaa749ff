"""Synthetic scale data: a deterministic portfolio of any size, for benchmarks.

`load(projects=N, commitments=M, seed=S)` adds N projects (with their phases and
participations) and M commitments, every record flagged illustrative with the source title
"Synthetic scale data (not public fact)", no URL and a fixed as-of date. Slugs and references
carry the seed (`synthetic-<seed>-p000001`, `synthetic-<seed>-c0000001`), so a synthetic
portfolio sits beside the demo data and beside the portfolio of another seed.

Deterministic: two `random.Random` streams seeded with strings ("synthetic:<seed>:projects"
and "…:commitments"; string seeds hash the same on every machine and under any
PYTHONHASHSEED), drawn in a fixed order, no clock, no iteration over sets or dicts whose order
could change. The same (N, M, S) over the same set of partners (taken in slug order) gives the
same records; only the database ids differ between loads.

What is drawn and how (the distributions, valid by construction): synthetic_draws.py. The
rules kept (tests/dashboard/test_generate.py runs `full_clean()` on every record of a small
portfolio to prove them): dates from 1990 to 2100 (all fall from 2009 to 2035), as-of fixed;
capacity and phase MW in whole tenths, never negative, the phases of a project adding up
exactly to its capacity, none online before the announcement, the last on the project's
date; an operational project always dated; an energy source for generation and storage only,
and always for them; latitude and longitude both given or both empty; one to four
participations per project, each with a different partner, stakes for sponsors and equity
investors only, whole percents adding up to at most 100; commitment references unique,
amounts positive.

Streamed in bounded memory: projects are drawn and inserted 5,000 at a time (with their phases
and participations), commitments 20,000 at a time, each batch in its own transaction, as dicts
of field values written by bulk.py (COPY on PostgreSQL, bulk_create on SQLite). Commitments
find their project through an array of the new projects' ids (8 bytes a project), never by
loading projects. Measured: docs/performance.md, "Scale data".

Bulk writes and the raw deletes of `delete()` send no signals, so the audit trail is written in
bulk: after each batch, in its transaction, the historical rows of the new rows are written the
way the rows are (bulk.py), dated by the records' own dates (synthetic_past.py: a project
enters when announced, moves stage when its phases came online, a commitment on its date), so
that the portfolio of a past day is a smaller one; the change reason names the command and
seed. `delete()` adds the "deleted" rows with one `INSERT … SELECT` per table before deleting
(audit/history.py). The data version (and the past version) is bumped once at the end.
"""

import random
from array import array
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.db.models import Model, QuerySet

from aipdash.audit.history import HistoryOptions, history_model, record_history
from aipdash.core.cache.versions import bump_data_version, bump_past_version
from aipdash.history.asof import start_of_day
from aipdash.history.writing import Version, write_versions
from aipdash.operations.demo import bulk
from aipdash.operations.demo import synthetic_draws as draws
from aipdash.operations.demo.past import PARTNERSHIP_ANNOUNCED, steps
from aipdash.operations.demo.synthetic_draws import (
    AS_OF,
    PROVENANCE,
    SOURCE_TITLE,
    commitment_reference,
    prefix,
    project_slug,
)
from aipdash.operations.demo.synthetic_past import Dating, entry_of
from partners.models import Partner
from projects.models import (
    CapacitySum,
    Commitment,
    CommitmentSpan,
    CommitmentSum,
    Participation,
    Project,
    ProjectPhase,
    ProjectSum,
)

__all__ = [
    "AS_OF",
    "SOURCE_TITLE",
    "SYNTHETIC_PARTNERS",
    "SyntheticDataExists",
    "SyntheticProjectsInUse",
    "change_reason",
    "commitment_reference",
    "delete",
    "deletion_reason",
    "ensure_partners",
    "existing",
    "load",
    "prefix",
    "project_slug",
]

PROJECT_BATCH = 5_000
COMMITMENT_BATCH = 20_000
MIN_PARTNERS = 5


def change_reason(seed: int) -> str:
    return f"Synthetic scale data (generate_portfolio --seed {seed})"


def deletion_reason(seed: int) -> str:
    return f"Synthetic scale data replaced (generate_portfolio --seed {seed} --replace)"


# Partners created when the database has fewer than MIN_PARTNERS (shared by every seed, never
# deleted by `delete()`): slug, name, kind, role, colour.
SYNTHETIC_PARTNERS = (
    ("synthetic-partner-a", "Synthetic Asset Manager A", "asset_manager", "member",
     "#4c78a8"),
    ("synthetic-partner-b", "Synthetic Sovereign Fund B", "sovereign_investor", "member",
     "#f58518"),
    ("synthetic-partner-c", "Synthetic Tech Company C", "technology_company", "technology_partner",
     "#54a24b"),
    ("synthetic-partner-d", "Synthetic Utility D", "energy_utility", "energy_partner", "#e45756"),
    ("synthetic-partner-e", "Synthetic Infrastructure E", "infrastructure_investor",
     "founding_member", "#72b7b2"),
    ("synthetic-partner-f", "Synthetic AI Lab F", "ai_developer", "anchor_investor", "#b279a2"),
)  # fmt: skip


# The database ------------------------------------------------------------------------------


class SyntheticDataExists(Exception):
    def __init__(self, seed: int, counts: dict[str, int]) -> None:
        self.seed, self.counts = seed, counts
        super().__init__(
            f"Synthetic data of seed {seed} is already loaded ({counts['projects']:,} projects, "
            f"{counts['commitments']:,} commitments). Run again with --replace to delete it "
            "and load anew, or choose another --seed."
        )


class SyntheticProjectsInUse(Exception):
    def __init__(self, seed: int, count: int) -> None:
        super().__init__(
            f"{count:,} commitment(s) that are not synthetic data of seed {seed} refer to its "
            "projects; delete or move them before replacing the synthetic data."
        )


def _projects_of(seed: int) -> QuerySet[Project]:
    return Project.objects.filter(
        slug__startswith=f"{prefix(seed)}p", illustrative=True, source_title=SOURCE_TITLE
    )


def _commitment_filter(seed: int) -> dict[str, object]:
    return {
        "reference__startswith": f"{prefix(seed)}c",
        "illustrative": True,
        "source_title": SOURCE_TITLE,
    }


def _commitments_of(seed: int) -> QuerySet[Commitment]:
    return Commitment.objects.filter(**_commitment_filter(seed))


def existing(seed: int) -> dict[str, int]:
    return {
        "projects": _projects_of(seed).count(),
        "commitments": _commitments_of(seed).count(),
    }


def _raw_delete(queryset: QuerySet[Any]) -> int:
    """DELETE … WHERE …, in the database: no rows fetched, no signals, no history.
    (`QuerySet.delete()` would load a million rows to send their signals; `_raw_delete` is the
    fast path Django's own deletion collector takes when there is nothing to send.)"""
    deleted: int = queryset._raw_delete(queryset.db)
    return deleted


def delete(seed: int) -> dict[str, int]:
    """Delete the synthetic records of `seed` (the shared synthetic partners stay: other
    seeds' records may use them), in one transaction. Refuses while a commitment that is not
    part of this synthetic data refers to one of its projects."""
    projects = _projects_of(seed)
    with transaction.atomic():
        # A row test, not `pk NOT IN (subquery)`: PostgreSQL cannot hash a million ids there.
        foreign = (
            Commitment.objects.filter(project__in=projects.values("pk"))
            .exclude(**_commitment_filter(seed))
            .count()
        )
        if foreign:
            raise SyntheticProjectsInUse(seed, foreign)
        # The audit trail keeps each deleted row's last values (raw deletes send no signal).
        gone: HistoryOptions = {"history_type": "-", "reason": deletion_reason(seed)}
        record_history(_commitments_of(seed), **gone)
        for model in (Participation, ProjectPhase):
            record_history(model.objects.filter(project__in=projects.values("pk")), **gone)
        record_history(projects, **gone)
        counts = {
            "commitments": _raw_delete(_commitments_of(seed)),
            "participations": _raw_delete(
                Participation.objects.filter(project__in=projects.values("pk"))
            ),
            "phases": _raw_delete(ProjectPhase.objects.filter(project__in=projects.values("pk"))),
        }
        counts["projects"] = _raw_delete(projects)
        bump_data_version()
    return counts


def ensure_partners() -> list[int]:
    """The ids of every partner, in slug order; creates the synthetic partners first when
    there are fewer than MIN_PARTNERS (each through full_clean and save: a handful of rows)."""
    if Partner.objects.count() < MIN_PARTNERS:
        with transaction.atomic():
            slugs = [row[0] for row in SYNTHETIC_PARTNERS]
            present = set(Partner.objects.filter(slug__in=slugs).values_list("slug", flat=True))
            for slug, name, kind, role, colour in SYNTHETIC_PARTNERS:
                if slug in present:
                    continue
                partner = Partner(
                    slug=slug,
                    name=name,
                    short_name=name.removeprefix("Synthetic ")[:40],
                    kind=kind,
                    role=role,
                    colour=colour,
                    description="Synthetic partner of the scale data (not public fact).",
                    **PROVENANCE,
                )
                partner.full_clean()
                # Its creation version is dated when the partnership was announced, so that
                # the synthetic records of any later day have their partners (synthetic_past).
                partner.skip_history_when_saving = True  # type: ignore[attr-defined]  # simple-history's
                partner.save()
                del partner.skip_history_when_saving  # type: ignore[attr-defined]
                dated = steps(
                    entered=PARTNERSHIP_ANNOUNCED, as_of=partner.as_of, stage=None, online=None
                )
                write_versions(
                    Version(
                        partner,
                        at=start_of_day(day),
                        history_type="+" if number == 0 else "~",
                        changes=changes,
                        reason=SOURCE_TITLE + " (generate_portfolio)",
                    )
                    for number, (day, changes) in enumerate(dated)
                )
    return list(Partner.objects.order_by("slug").values_list("pk", flat=True))


Progress = Callable[[str, int, int], None]


def load(
    *,
    projects: int,
    commitments: int,
    seed: int,
    replace: bool = False,
    progress: Progress | None = None,
    project_batch: int = PROJECT_BATCH,
    commitment_batch: int = COMMITMENT_BATCH,
) -> Counter[str]:
    """Load the synthetic portfolio of `seed`; return how many rows of each kind were made
    (and, with `replace`, deleted). Raises SyntheticDataExists when that seed is already
    loaded and `replace` is off."""
    if projects < 0 or commitments < 0 or seed < 0:
        raise ValueError("projects, commitments and seed must not be negative")
    counts: Counter[str] = Counter()
    found = existing(seed)
    if any(found.values()):
        if not replace:
            raise SyntheticDataExists(seed, found)
        counts.update({f"deleted {name}": n for name, n in delete(seed).items()})

    progress = progress or (lambda stage, done, total: None)
    partner_ids = ensure_partners()

    # The history is dated by the records' own dates (synthetic_past.py), written in bulk.
    dating = Dating(change_reason(seed), partner_ids)
    rng = random.Random(f"synthetic:{seed}:projects")  # noqa: S311 (bench data, not security)
    project_ids = array("q")  # the new projects' ids, by number - 1 (ascending)
    project_entries = array("i")  # their entry days, as ordinals
    progress("projects", 0, projects)
    for start in range(1, projects + 1, project_batch):
        batch: list[draws.Row] = []
        phases: list[list[draws.Row]] = []
        participations: list[list[draws.Row]] = []
        for number in range(start, min(start + project_batch, projects + 1)):
            project, its_phases, its_participations = draws.project(rng, seed, number, partner_ids)
            batch.append(project)
            phases.append(its_phases)
            participations.append(its_participations)
        with transaction.atomic():
            new = bulk.insert(Project, batch)
            # The children get their project's id, now known.
            children: dict[type[Model], list[draws.Row]] = {ProjectPhase: [], Participation: []}
            for pk, project, its_phases, its_participations in zip(
                new, batch, phases, participations, strict=True
            ):
                project["id"] = pk
                for row in its_phases:
                    row["project_id"] = pk
                for row in its_participations:
                    row["project_id"] = pk
                children[ProjectPhase] += its_phases
                children[Participation] += its_participations
            for model, rows in children.items():
                for pk, row in zip(bulk.insert(model, rows), rows, strict=True):
                    row["id"] = pk
            history: dict[type[Model], list[draws.Row]] = {
                Project: [],
                ProjectPhase: [],
                Participation: [],
            }
            for project, its_phases, its_participations in zip(
                batch, phases, participations, strict=True
            ):
                entered, project_rows, phase_rows, participation_rows = dating.project(
                    project, its_phases, its_participations
                )
                project_entries.append(entered.toordinal())
                history[Project] += project_rows
                history[ProjectPhase] += phase_rows
                history[Participation] += participation_rows
            for model, rows in history.items():
                bulk.insert(history_model(model), rows)
        project_ids.extend(new)
        counts.update(
            projects=len(batch),
            phases=len(children[ProjectPhase]),
            participations=len(children[Participation]),
        )
        progress("projects", counts["projects"], projects)

    rng = random.Random(f"synthetic:{seed}:commitments")  # noqa: S311
    partners = draws.partner_draw(seed, partner_ids)
    progress("commitments", 0, commitments)
    for start in range(1, commitments + 1, commitment_batch):
        drawn = [
            draws.commitment(rng, seed, number, partners, project_ids)
            for number in range(start, min(start + commitment_batch, commitments + 1))
        ]
        with transaction.atomic():
            dated: list[draws.Row] = []
            for pk, row in zip(bulk.insert(Commitment, drawn), drawn, strict=True):
                row["id"] = pk
                project_id = row["project_id"]
                project_entry = (
                    None
                    if not isinstance(project_id, int)
                    else entry_of(project_id, project_ids, project_entries)
                )
                dated += dating.commitment(row, project_entry)
            bulk.insert(history_model(Commitment), dated)
        counts.update(commitments=len(drawn))
        progress("commitments", counts["commitments"], commitments)

    # bulk writes sent no post_save: invalidate every cached chart once, and the views of past
    # days (history was written into the past).
    bump_data_version()
    bump_past_version()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Fresh statistics, so that the first dashboard queries plan on the real sizes.
            for model in (Project, ProjectPhase, Participation, Commitment):
                for table in (model._meta.db_table, history_model(model)._meta.db_table):
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
            # The commitments' spans too (the as-of reading; kept by the history's triggers).
            cursor.execute(f"ANALYZE {connection.ops.quote_name(CommitmentSpan._meta.db_table)}")
            if not connection.in_atomic_block:  # VACUUM runs outside a transaction only
                # Every batch rewrote most rows of the kept sums: compacted, they are read
                # several times faster (at 10M commitments 116 MB -> 26 MB; seconds).
                for model in (CommitmentSum, CapacitySum, ProjectSum):
                    table = connection.ops.quote_name(model._meta.db_table)
                    cursor.execute(f"VACUUM FULL ANALYZE {table}")
    return counts
