"""What the synthetic portfolio is made of, and how each record is drawn: the distributions
(kinds, stages, capacities, countries, phases, participations, commitments) and one record at a
time as a dict of field values (`project`, `commitment`). No database here: synthetic.py loads
what these draw, bulk.py writes it.

Deterministic: every draw comes from the `random.Random` handed in, in a fixed order (see
synthetic.py); valid by construction: every value is drawn inside what the model rules allow.
"""

import datetime as dt
import random
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate

from aipdash.operations.demo.illustrative import Provenance
from projects.models import Commitment, Participation, Project, Stage

SOURCE_TITLE = "Synthetic scale data (not public fact)"
AS_OF = dt.date(2026, 1, 15)
PROVENANCE: Provenance = {
    "source_title": SOURCE_TITLE,
    "source_url": "",
    "as_of": AS_OF,
    "illustrative": True,
}
# One record as the field values bulk.py writes (attnames: `partner_id`, `project_id`).
Row = dict[str, object]

Kind, Source, Role = Project.Kind, Project.EnergySource, Participation.Role
EQUITY, DEBT = Commitment.Instrument.EQUITY, Commitment.Instrument.DEBT
ANNOUNCED, COMMITTED, CALLED = (
    Commitment.Status.ANNOUNCED,
    Commitment.Status.COMMITTED,
    Commitment.Status.CALLED,
)


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


def project(
    rng: random.Random, seed: int, number: int, partner_ids: Sequence[int]
) -> tuple[Row, list[Row], list[Row]]:
    """A project with its phases and participations, as dicts of field values (the children
    without their project's id: known once the project is inserted)."""
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

    project: Row = dict(
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

    phases: list[Row] = []
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
                dict(
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
    participations: list[Row] = [
        dict(
            partner_id=partner_ids[index],
            role=role,
            stake_percent=PERCENT[next(stakes)] if role in STAKE_ROLES else None,
            **PROVENANCE,
        )
        for index, role in zip(partners, roles, strict=True)
    ]
    return project, phases, participations


def partner_draw(seed: int, partner_ids: Sequence[int]) -> Weighted[int]:
    """How often each partner commits: weights drawn once per seed, over partners in slug
    order."""
    rng = random.Random(f"synthetic:{seed}:partners")  # noqa: S311 (bench data, not security)
    return Weighted([(pk, rng.uniform(0.5, 3.0)) for pk in partner_ids])


def commitment(
    rng: random.Random,
    seed: int,
    number: int,
    partners: Weighted[int],
    project_ids: Sequence[int],
) -> Row:
    """A commitment as a dict of field values."""
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
    return dict(
        partner_id=partners.draw(rng),
        project_id=project_id,
        instrument=EQUITY if rng.random() < 0.6 else DEBT,
        status=status,
        amount_usd=Decimal(steps * 100_000),
        committed_on=_date(committed),
        reference=commitment_reference(seed, number),
        **PROVENANCE,
    )
