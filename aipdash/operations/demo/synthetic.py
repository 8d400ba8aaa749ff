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

Valid by construction: `full_clean()` per row is far too slow at a million rows, so every
value is drawn inside what the model rules allow (see `_project` and `_commitment`), and
tests/dashboard/test_generate.py runs `full_clean()` on every record of a small portfolio to
prove it. The rules kept:
- dates from 1990 to 2100 (all fall from 2009 to 2035); as-of fixed;
- capacity and phase MW in whole tenths (one decimal place), never negative; the phases of a
  project add up exactly to its capacity and none comes online before the announcement
  (phase dates are clamped to it); the last phase comes online on the project's date;
- an operational project always has its online date (only announced projects without phases
  may lack one);
- an energy source for generation and storage projects only, and always for them;
- latitude and longitude both given (inside the country's box) or both empty;
- one to four participations per project, each with a different partner (so the unique
  project, partner, role holds), stakes for sponsors and equity investors only, whole
  percents adding up to at most 100;
- commitment references unique (they carry the seed and a number), amounts positive.

Streamed in bounded memory: projects are built and inserted 5,000 at a time (with their phases
and participations), commitments 20,000 at a time, each batch in its own transaction with
`bulk_create`. Commitments find their project through an array of the new projects' ids
(8 bytes a project, filled from the ids `bulk_create` returns), never by loading projects.

`bulk_create` and the raw deletes of `delete()` send no signals, so the audit trail is written
in bulk: after each batch, in its transaction, one `INSERT … SELECT` per table adds a historical
row for every new row (audit/history.py), with the change reason naming the command and seed;
`delete()` adds the "deleted" rows the same way before deleting. The data version is bumped
once at the end instead of per row.

Over 500 lines on purpose for now: one generator whose batches share their counters and
seed; splitting it by model is planned with the scale work (issue 16).
"""

import datetime as dt
import random
from array import array
from bisect import bisect
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate
from typing import Any

from django.conf import settings
from django.db import connection, reset_queries, transaction
from django.db.models import Model, QuerySet

from aipdash.audit.history import HistoryOptions, record_history, record_history_of_keys
from aipdash.core.cache.versions import bump_data_version
from aipdash.operations.demo.illustrative import Provenance
from partners.models import Partner
from projects.models import Commitment, Participation, Project, ProjectPhase, Stage

SOURCE_TITLE = "Synthetic scale data (not public fact)"
AS_OF = dt.date(2026, 1, 15)
PROJECT_BATCH = 5_000
COMMITMENT_BATCH = 20_000
INSERT_BATCH = 1_024  # rows per INSERT statement; a power of two (see `_insert`)
MIN_PARTNERS = 5

PROVENANCE: Provenance = {
    "source_title": SOURCE_TITLE,
    "source_url": "",
    "as_of": AS_OF,
    "illustrative": True,
}

Kind, Source, Role = Project.Kind, Project.EnergySource, Participation.Role
EQUITY, DEBT = Commitment.Instrument.EQUITY, Commitment.Instrument.DEBT
ANNOUNCED, COMMITTED, CALLED = (
    Commitment.Status.ANNOUNCED,
    Commitment.Status.COMMITTED,
    Commitment.Status.CALLED,
)


def change_reason(seed: int) -> str:
    return f"Synthetic scale data (generate_portfolio --seed {seed})"


def deletion_reason(seed: int) -> str:
    return f"Synthetic scale data replaced (generate_portfolio --seed {seed} --replace)"


def prefix(seed: int) -> str:
    return f"synthetic-{seed}-"


def project_slug(seed: int, number: int) -> str:
    return f"{prefix(seed)}p{number:06d}"


def commitment_reference(seed: int, number: int) -> str:
    return f"{prefix(seed)}c{number:07d}"


# What is drawn, and how often -------------------------------------------------------------


class Weighted[Value]:
    """Values with weights, drawn with one `rng.random()` and a bisect (fast, and the same
    draw on every Python)."""

    def __init__(self, pairs: Sequence[tuple[Value, float]]) -> None:
        self.values = tuple(value for value, _ in pairs)
        cumulative = list(accumulate(weight for _, weight in pairs))
        self.cumulative = tuple(c / cumulative[-1] for c in cumulative)

    def draw(self, rng: random.Random) -> Value:
        return self.values[min(bisect(self.cumulative, rng.random()), len(self.values) - 1)]


def _ordinal(year: int, month: int, day: int) -> int:
    return dt.date(year, month, day).toordinal()


KINDS = Weighted(
    [(Kind.DATA_CENTRE, 62), (Kind.GENERATION, 22), (Kind.STORAGE, 10), (Kind.GRID, 6)]
)
KIND_LABELS = {
    Kind.DATA_CENTRE: "data-centre campus",
    Kind.GENERATION: "power plant",
    Kind.STORAGE: "storage site",
    Kind.GRID: "grid link",
}
# Capacity in tenths of a MW: (low, high, mode) of a triangular draw.
CAPACITY_TENTHS = {
    Kind.DATA_CENTRE: (100, 5_000, 800),  # 10-500 MW of IT load
    Kind.GENERATION: (500, 20_000, 3_000),  # 50-2,000 MW nameplate
    Kind.STORAGE: (200, 10_000, 1_500),  # 20-1,000 MW
    Kind.GRID: (500, 15_000, 2_000),  # 50-1,500 MW of transfer capacity
}
ENERGY_SOURCES = {
    Kind.GENERATION: Weighted(
        [
            (Source.NATURAL_GAS, 30),
            (Source.SOLAR, 28),
            (Source.WIND, 22),
            (Source.NUCLEAR, 7),
            (Source.HYDRO, 8),
            (Source.GEOTHERMAL, 5),
        ]
    ),
    Kind.STORAGE: Weighted([(Source.BATTERY, 92), (Source.HYDRO, 8)]),
}
# Capital cost in thousand USD per MW: by energy source for power, else by kind.
COST_PER_MW_K: dict[str, tuple[int, int]] = {
    Kind.DATA_CENTRE: (8_000, 13_000),
    Kind.GRID: (500, 1_500),
    Source.NATURAL_GAS: (900, 1_400),
    Source.SOLAR: (900, 1_300),
    Source.WIND: (1_200, 1_700),
    Source.NUCLEAR: (8_000, 12_000),
    Source.HYDRO: (2_500, 4_000),
    Source.GEOTHERMAL: (4_000, 6_500),
    Source.BATTERY: (1_000, 1_500),
}

STAGES = Weighted(
    [
        (Stage.OPERATIONAL, 28),
        (Stage.CONSTRUCTION, 20),
        (Stage.DEVELOPMENT, 24),
        (Stage.ANNOUNCED, 16),
        (Stage.PAUSED, 6),
        (Stage.CANCELLED, 6),
    ]
)
# Expected online date by stage (ordinals): together they span 2015 to 2035.
ONLINE_WINDOW = {
    Stage.OPERATIONAL: (_ordinal(2015, 1, 1), _ordinal(2025, 12, 31)),
    Stage.CONSTRUCTION: (_ordinal(2026, 1, 1), _ordinal(2030, 12, 31)),
    Stage.DEVELOPMENT: (_ordinal(2027, 1, 1), _ordinal(2033, 12, 31)),
    Stage.ANNOUNCED: (_ordinal(2028, 1, 1), _ordinal(2035, 12, 31)),
    Stage.PAUSED: (_ordinal(2026, 6, 1), _ordinal(2032, 12, 31)),
    Stage.CANCELLED: (_ordinal(2020, 1, 1), _ordinal(2035, 12, 31)),
}
LEAD_DAYS = (540, 2_190)  # from announcement to online: 1.5 to 6 years
UNDATED_ANNOUNCED = (_ordinal(2023, 1, 1), AS_OF.toordinal())
AS_OF_ORDINAL = AS_OF.toordinal()
PHASE_COUNTS = Weighted([(0, 15), (1, 30), (2, 25), (3, 18), (4, 12)])
PHASE_GAP_DAYS = (90, 365)

PARTICIPATION_COUNTS = Weighted([(1, 25), (2, 35), (3, 25), (4, 15)])
LEAD_ROLES = Weighted([(Role.SPONSOR, 50), (Role.EQUITY_INVESTOR, 50)])
OTHER_ROLES = Weighted(
    [
        (Role.EQUITY_INVESTOR, 30),
        (Role.LENDER, 15),
        (Role.DEVELOPER, 10),
        (Role.OPERATOR, 10),
        (Role.OFFTAKER, 15),
        (Role.EQUIPMENT_SUPPLIER, 10),
        (Role.ENERGY_SUPPLIER, 10),
    ]
)
STAKE_ROLES = (Role.SPONSOR, Role.EQUITY_INVESTOR)
PERCENT = tuple(Decimal(p).quantize(Decimal("0.01")) for p in range(101))

COMMITMENT_DATES = (_ordinal(2024, 1, 1), _ordinal(2030, 12, 31))
TO_PARTNERSHIP = 0.30


@dataclass(frozen=True)
class Area:
    country: str
    region: str
    lat: tuple[int, int]  # hundred-thousandths of a degree, as stored (5 decimal places)
    lon: tuple[int, int]
    weight: int


def _area(
    country: str,
    region: str,
    lat: tuple[float, float],
    lon: tuple[float, float],
    weight: int,
) -> Area:
    def units(pair: tuple[float, float]) -> tuple[int, int]:
        low, high = pair
        return round(low * 100_000), round(high * 100_000)

    return Area(country, region, units(lat), units(lon), weight)


# ~20 countries, each with a plausible box of latitude and longitude (a market or state).
AREAS = (
    _area("US", "Virginia", (37.0, 39.3), (-79.5, -76.5), 12),
    _area("US", "Texas", (29.0, 34.0), (-101.0, -95.0), 10),
    _area("US", "Arizona", (31.5, 35.0), (-114.0, -109.5), 6),
    _area("US", "Ohio", (39.0, 41.5), (-84.5, -81.0), 5),
    _area("US", "Oregon", (44.0, 46.0), (-123.5, -120.0), 3),
    _area("CA", "Quebec", (45.2, 47.0), (-75.0, -71.0), 3),
    _area("MX", "Querétaro", (20.0, 21.5), (-101.0, -99.5), 3),
    _area("BR", "São Paulo", (-24.0, -21.0), (-50.0, -46.0), 4),
    _area("CL", "Santiago", (-34.0, -33.0), (-71.2, -70.3), 2),
    _area("CO", "Bogotá", (4.4, 5.0), (-74.3, -73.9), 1),
    _area("GB", "England", (51.0, 53.5), (-2.5, 0.3), 4),
    _area("IE", "Dublin", (53.2, 53.5), (-6.5, -6.1), 3),
    _area("FR", "Île-de-France", (48.5, 49.1), (1.8, 3.0), 3),
    _area("DE", "Hesse", (49.8, 50.6), (8.3, 9.2), 4),
    _area("NL", "North Holland", (52.2, 52.8), (4.5, 5.2), 2),
    _area("NO", "Western Norway", (58.5, 63.5), (5.5, 11.0), 2),
    _area("SE", "Norrland", (62.0, 66.0), (14.0, 22.0), 2),
    _area("ES", "Madrid", (40.2, 40.7), (-4.0, -3.4), 2),
    _area("IN", "Maharashtra", (18.5, 20.0), (72.8, 74.5), 4),
    _area("SG", "Singapore", (1.25, 1.45), (103.65, 104.0), 2),
    _area("JP", "Kantō", (35.4, 35.9), (139.5, 140.3), 3),
    _area("KR", "Seoul", (37.3, 37.7), (126.8, 127.2), 2),
    _area("AU", "New South Wales", (-34.2, -33.5), (150.6, 151.3), 3),
    _area("AE", "Abu Dhabi", (24.2, 24.6), (54.3, 54.8), 3),
    _area("SA", "Riyadh", (24.5, 25.0), (46.4, 47.0), 2),
    _area("ZA", "Gauteng", (-26.4, -25.6), (27.8, 28.4), 1),
)
AREA_DRAW = Weighted([(area, area.weight) for area in AREAS])
NO_COORDINATES = 0.02

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


# Drawing one record ------------------------------------------------------------------------


def _date(ordinal: int) -> dt.date:
    return dt.date.fromordinal(ordinal)


def _tenths(value: int) -> Decimal:
    return Decimal(value).scaleb(-1)


def _coordinate(units: int) -> Decimal:
    return Decimal(units).scaleb(-5)


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`parts` positive whole numbers adding up to exactly `total` (>= parts)."""
    if parts == 1:
        return [total]
    cuts = sorted(rng.sample(range(1, total), parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def _project(
    rng: random.Random, seed: int, number: int, partner_ids: Sequence[int]
) -> tuple[Project, list[ProjectPhase], list[Participation]]:
    """A project with its phases and participations (unsaved instances; the children refer
    to the project instance and pick up its id once it is inserted)."""
    kind = KINDS.draw(rng)
    stage = STAGES.draw(rng)
    area = AREA_DRAW.draw(rng)
    energy_source = ENERGY_SOURCES[kind].draw(rng) if kind in ENERGY_SOURCES else ""
    low, high, mode = CAPACITY_TENTHS[kind]
    tenths = min(high, max(low, round(rng.triangular(low, high, mode))))

    phase_count = PHASE_COUNTS.draw(rng)
    online: int | None = rng.randint(*ONLINE_WINDOW[stage])
    if stage == Stage.ANNOUNCED and phase_count == 0 and rng.random() < 0.15:
        online = None  # not yet dated; only announced projects without phases
    if online is None:
        announced = rng.randint(*UNDATED_ANNOUNCED)
    else:
        # Announced before it comes online, and never after the as-of date.
        announced = min(online - rng.randint(*LEAD_DAYS), AS_OF_ORDINAL)

    if rng.random() < NO_COORDINATES:
        latitude = longitude = None
    else:
        latitude = _coordinate(rng.randint(*area.lat))
        longitude = _coordinate(rng.randint(*area.lon))
    cost_low, cost_high = COST_PER_MW_K[energy_source or kind]
    cost = None if rng.random() < 0.08 else Decimal(tenths * rng.randint(cost_low, cost_high) * 100)

    project = Project(
        name=f"Synthetic {KIND_LABELS[kind]} {number:06d} ({area.region})",
        slug=project_slug(seed, number),
        kind=kind,
        stage=stage,
        country=area.country,
        region=area.region,
        latitude=latitude,
        longitude=longitude,
        energy_source=energy_source,
        capacity_mw=_tenths(tenths),
        announced_on=_date(announced),
        expected_online=None if online is None else _date(online),
        capital_cost_usd=cost,
        **PROVENANCE,
    )

    phases = []
    if online is not None and phase_count:
        # The last phase comes online on the project's date, earlier ones before it, none
        # before the announcement.
        dates = [online]
        for _ in range(phase_count - 1):
            dates.append(max(announced, dates[-1] - rng.randint(*PHASE_GAP_DAYS)))
        dates.reverse()
        for sequence, (date, part) in enumerate(
            zip(dates, _split(rng, tenths, phase_count), strict=True), start=1
        ):
            if stage == Stage.OPERATIONAL or (
                stage == Stage.CONSTRUCTION and date <= AS_OF_ORDINAL
            ):
                phase_stage = Stage.OPERATIONAL
            else:
                phase_stage = stage
            phases.append(
                ProjectPhase(
                    project=project,
                    sequence=sequence,
                    name=f"Phase {sequence}",
                    stage=phase_stage,
                    capacity_mw=_tenths(part),
                    expected_online=_date(date),
                    **PROVENANCE,
                )
            )

    # Different partners, so (project, partner, role) is unique; stakes only for sponsors and
    # equity investors, whole percents adding up to 100 at most.
    count = min(PARTICIPATION_COUNTS.draw(rng), len(partner_ids))
    partners = rng.sample(range(len(partner_ids)), count)
    roles = [LEAD_ROLES.draw(rng)] + [OTHER_ROLES.draw(rng) for _ in range(count - 1)]
    holders = sum(role in STAKE_ROLES for role in roles)
    stakes = iter(_split(rng, rng.randint(max(holders, 40), 100), holders))
    participations = [
        Participation(
            project=project,
            partner_id=partner_ids[index],
            role=role,
            stake_percent=PERCENT[next(stakes)] if role in STAKE_ROLES else None,
            **PROVENANCE,
        )
        for index, role in zip(partners, roles, strict=True)
    ]
    return project, phases, participations


def _partner_draw(seed: int, partner_ids: Sequence[int]) -> Weighted[int]:
    """How often each partner commits: weights drawn once per seed, over partners in slug
    order."""
    rng = random.Random(f"synthetic:{seed}:partners")  # noqa: S311 (bench data, not security)
    return Weighted([(pk, rng.uniform(0.5, 3.0)) for pk in partner_ids])


def _commitment(
    rng: random.Random,
    seed: int,
    number: int,
    partners: Weighted[int],
    project_ids: Sequence[int],
) -> Commitment:
    committed = rng.randint(*COMMITMENT_DATES)
    if committed <= AS_OF_ORDINAL:
        status = CALLED if (draw := rng.random()) < 0.6 else COMMITTED if draw < 0.95 else ANNOUNCED
    else:
        status = ANNOUNCED if rng.random() < 0.5 else COMMITTED
    to_project = bool(project_ids) and rng.random() >= TO_PARTNERSHIP
    project_id = project_ids[rng.randrange(len(project_ids))] if to_project else None
    # USD millions, log-normal: a median of ~$150m to the partnership, ~$40m to a project;
    # stored in steps of $100,000 from $0.1m to $5bn.
    millions = rng.lognormvariate(3.7 if to_project else 5.0, 1.0)
    steps = min(50_000, max(1, round(millions * 10)))
    return Commitment(
        partner_id=partners.draw(rng),
        project_id=project_id,
        instrument=EQUITY if rng.random() < 0.6 else DEBT,
        status=status,
        amount_usd=Decimal(steps * 100_000),
        committed_on=_date(committed),
        reference=commitment_reference(seed, number),
        **PROVENANCE,
    )


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
    projects: QuerySet[Project] = Project.objects.filter(
        slug__startswith=f"{prefix(seed)}p", illustrative=True, source_title=SOURCE_TITLE
    )
    return projects


def _commitment_filter(seed: int) -> dict[str, object]:
    return {
        "reference__startswith": f"{prefix(seed)}c",
        "illustrative": True,
        "source_title": SOURCE_TITLE,
    }


def _commitments_of(seed: int) -> QuerySet[Commitment]:
    commitments: QuerySet[Commitment] = Commitment.objects.filter(**_commitment_filter(seed))
    return commitments


def existing(seed: int) -> dict[str, int]:
    return {
        "projects": _projects_of(seed).count(),
        "commitments": _commitments_of(seed).count(),
    }


def _raw_delete(queryset: QuerySet[Any]) -> int:
    """DELETE … WHERE …, in the database: no rows fetched, no signals, no history.
    (`QuerySet.delete()` would load a million rows to send their signals; `_raw_delete` is the
    fast path Django's own deletion collector takes when there is nothing to send.)"""
    return queryset._raw_delete(queryset.db)


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
                reason = SOURCE_TITLE + " (generate_portfolio)"
                partner._change_reason = reason  # type: ignore[attr-defined]  # simple-history's
                partner.save()
    return list(Partner.objects.order_by("slug").values_list("pk", flat=True))


Progress = Callable[[str, int, int], None]


def _insert[M: Model](model: type[M], rows: Sequence[M]) -> None:
    """bulk_create in statements of INSERT_BATCH rows, the rest in powers of two: a dozen
    statement shapes per model. SQLite keeps up to 128 prepared statements per connection, and
    one per odd row count (every batch has its own number of phases) would hold ~100 MB of
    large statements; PostgreSQL binds arrays, one shape whatever the count."""
    start = 0
    while start < len(rows):
        left = len(rows) - start
        size = INSERT_BATCH if left >= INSERT_BATCH else 1 << (left.bit_length() - 1)
        model._default_manager.bulk_create(rows[start : start + size], batch_size=size)
        start += size


def _forget_queries() -> None:
    """With DEBUG on, Django keeps the SQL of recent queries; a bulk INSERT is large."""
    if settings.DEBUG:
        reset_queries()


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

    rng = random.Random(f"synthetic:{seed}:projects")  # noqa: S311 (bench data, not security)
    project_ids = array("q")  # the new projects' ids, by number - 1
    progress("projects", 0, projects)
    for start in range(1, projects + 1, project_batch):
        batch: list[Project] = []
        phases: list[ProjectPhase] = []
        participations: list[Participation] = []
        for number in range(start, min(start + project_batch, projects + 1)):
            project, its_phases, its_participations = _project(rng, seed, number, partner_ids)
            batch.append(project)
            phases += its_phases
            participations += its_participations
        with transaction.atomic():
            _insert(Project, batch)
            _insert(ProjectPhase, phases)
            _insert(Participation, participations)
            if any(project.pk is None for project in batch):  # every backend we run returns ids
                raise RuntimeError("the database did not return the new projects' ids")
            new = [project.pk for project in batch]
            created: HistoryOptions = {"history_type": "+", "reason": change_reason(seed)}
            record_history_of_keys(Project, new, **created)
            record_history_of_keys(ProjectPhase, new, field="project_id", **created)
            record_history_of_keys(Participation, new, field="project_id", **created)
        project_ids.extend(project.pk for project in batch)
        counts.update(projects=len(batch), phases=len(phases), participations=len(participations))
        _forget_queries()
        progress("projects", counts["projects"], projects)

    rng = random.Random(f"synthetic:{seed}:commitments")  # noqa: S311
    partners = _partner_draw(seed, partner_ids)
    progress("commitments", 0, commitments)
    for start in range(1, commitments + 1, commitment_batch):
        drawn = [
            _commitment(rng, seed, number, partners, project_ids)
            for number in range(start, min(start + commitment_batch, commitments + 1))
        ]
        with transaction.atomic():
            _insert(Commitment, drawn)
            record_history_of_keys(
                Commitment,
                [commitment.pk for commitment in drawn],
                history_type="+",
                reason=change_reason(seed),
            )
        counts.update(commitments=len(drawn))
        _forget_queries()
        progress("commitments", counts["commitments"], commitments)

    # bulk_create sent no post_save: invalidate every cached chart once.
    bump_data_version()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Fresh statistics, so that the first dashboard queries plan on the real sizes.
            for model in (Project, ProjectPhase, Participation, Commitment):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return counts
