"""The illustrative portfolio: what the dashboard needs that no source publishes.

Over 500 lines on purpose: it is data written as code (campuses, phases, partners'
commitments), read top to bottom as one story; split, the totals it adds up to would be
checked across files.

Aligned's 50 campuses (about 600 MW operating, 700 MW under construction, more than 5 GW in
all), their phases, the power projects that supply them, who takes part in what, and the
partners' commitments (equity to the partnership adding up to the $12.5bn raised by
15 Jan 2026, plus debt and a few project-level commitments). Every figure here is invented,
and every record is flagged illustrative.

Pure and deterministic: no database, no clock. Each section draws from its own
`random.Random` seeded with a fixed string, so the same records come out on every run and on
every machine, and changing one section does not reshuffle the others. Records refer to each
other by natural key (slugs); the loader resolves them.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypedDict

from projects.models import Commitment, Participation, Project, Stage

DEMO_SOURCE_TITLE = "Illustrative demo data (not public fact)"
AS_OF = dt.date(2026, 1, 15)
SEED = "aip-demo-2026"

ALIGNED = "aligned-data-centers"
AIP_LAUNCH = dt.date(2024, 9, 17)
RAISED_BY = dt.date(2026, 1, 15)
EQUITY_RAISED_USD = 12_500_000_000

# The published Aligned figures the campuses reproduce (MW of IT load by campus stage).
CAMPUS_MW_BY_STAGE = {
    Stage.OPERATIONAL: 600,
    Stage.CONSTRUCTION: 700,
    Stage.DEVELOPMENT: 2_160,
    Stage.ANNOUNCED: 1_580,
}
CAMPUS_MW_RANGE = {
    Stage.OPERATIONAL: (20, 110),
    Stage.CONSTRUCTION: (30, 130),
    Stage.DEVELOPMENT: (60, 200),
    Stage.ANNOUNCED: (60, 220),
}

MANAGED = Stage.OPERATIONAL, Stage.CONSTRUCTION, Stage.DEVELOPMENT, Stage.ANNOUNCED
GAS, SOLAR, WIND = "natural_gas", "solar", "wind"
NUCLEAR, GEOTHERMAL, BATTERY = "nuclear", "geothermal", "battery"
GEN, STORAGE = Project.Kind.GENERATION, Project.Kind.STORAGE

EQUITY, DEBT = Commitment.Instrument.EQUITY, Commitment.Instrument.DEBT
ANNOUNCED, COMMITTED, CALLED = (
    Commitment.Status.ANNOUNCED,
    Commitment.Status.COMMITTED,
    Commitment.Status.CALLED,
)
R = Participation.Role


@dataclass(frozen=True)
class Market:
    """One of Aligned's named markets, with how many campuses it has in each stage."""

    name: str
    slug: str
    country: str
    latitude: str
    longitude: str
    campuses: dict[str, int] = field(default_factory=dict)  # stage -> number of campuses
    us: bool = True


# Markets from the Aligned announcement (plus Colombia, named by the Macquarie source).
# The numbers of campuses add up to 50: 10 operational, 9 under construction, 18 in
# development and 13 announced.
MARKETS = (
    Market("Northern Virginia", "northern-virginia", "US", "39.04380", "-77.48740",
           {Stage.OPERATIONAL: 2, Stage.CONSTRUCTION: 2, Stage.DEVELOPMENT: 3, Stage.ANNOUNCED: 2}),
    Market("Dallas", "dallas", "US", "32.77670", "-96.79700",
           {Stage.OPERATIONAL: 2, Stage.CONSTRUCTION: 2, Stage.DEVELOPMENT: 3, Stage.ANNOUNCED: 2}),
    Market("Phoenix", "phoenix", "US", "33.44840", "-112.07400",
           {Stage.OPERATIONAL: 2, Stage.CONSTRUCTION: 1, Stage.DEVELOPMENT: 2, Stage.ANNOUNCED: 2}),
    Market("Chicago", "chicago", "US", "41.87810", "-87.62980",
           {Stage.OPERATIONAL: 1, Stage.CONSTRUCTION: 1, Stage.DEVELOPMENT: 2, Stage.ANNOUNCED: 1}),
    Market("Ohio", "ohio", "US", "40.08120", "-82.80880",
           {Stage.CONSTRUCTION: 1, Stage.DEVELOPMENT: 2, Stage.ANNOUNCED: 2}),
    Market("Salt Lake City", "salt-lake-city", "US", "40.76080", "-111.89100",
           {Stage.OPERATIONAL: 1, Stage.DEVELOPMENT: 2, Stage.ANNOUNCED: 1}),
    Market("São Paulo", "sao-paulo", "BR", "-23.55050", "-46.63330",
           {Stage.OPERATIONAL: 1, Stage.CONSTRUCTION: 1, Stage.DEVELOPMENT: 1, Stage.ANNOUNCED: 1},
           us=False),
    Market("Querétaro", "queretaro", "MX", "20.58880", "-100.38990",
           {Stage.OPERATIONAL: 1, Stage.DEVELOPMENT: 1, Stage.ANNOUNCED: 1}, us=False),
    Market("Santiago", "santiago", "CL", "-33.44890", "-70.66930",
           {Stage.CONSTRUCTION: 1, Stage.DEVELOPMENT: 1}, us=False),
    Market("Bogotá", "bogota", "CO", "4.71100", "-74.07210",
           {Stage.DEVELOPMENT: 1, Stage.ANNOUNCED: 1}, us=False),
)  # fmt: skip


class Timing(TypedDict):
    """When campuses of one stage were announced, how long until the first phase comes online
    (days, and not before a floor date), the days between phases, how many phases, and the
    latest a phase comes online (the operational ones: before the as-of date)."""

    announced: tuple[dt.date, dt.date]
    first: tuple[int, int, dt.date | None]
    gap: tuple[int, int]
    phases: tuple[int, int]
    latest: dt.date | None


# When campuses of each stage were announced, how long until the first phase comes online
# (days, and not before a floor date), the days between phases and how many phases.
CAMPUS_TIMING: dict[str, Timing] = {
    Stage.OPERATIONAL: {
        "announced": (dt.date(2018, 3, 1), dt.date(2023, 3, 31)),
        "first": (365, 640, None),
        "gap": (150, 330),
        "phases": (1, 3),
        "latest": dt.date(2025, 9, 30),
    },
    Stage.CONSTRUCTION: {
        "announced": (dt.date(2023, 1, 15), dt.date(2025, 6, 30)),
        "first": (420, 720, dt.date(2026, 2, 1)),
        "gap": (120, 300),
        "phases": (1, 3),
        "latest": None,
    },
    Stage.DEVELOPMENT: {
        "announced": (dt.date(2024, 2, 1), dt.date(2025, 9, 30)),
        "first": (720, 1080, dt.date(2027, 1, 15)),
        "gap": (180, 365),
        "phases": (2, 4),
        "latest": None,
    },
    Stage.ANNOUNCED: {
        "announced": (dt.date(2025, 1, 15), dt.date(2025, 10, 15)),
        "first": (900, 1400, None),
        "gap": (180, 365),
        "phases": (2, 4),
        "latest": None,
    },
}

# Rotating co-investor in each campus next to GIP and MGX.
CAMPUS_CO_INVESTORS = ("kia", "temasek", "blackrock", "microsoft")
NEXTERA_MARKETS = {"northern-virginia", "dallas", "phoenix", "chicago", "ohio"}
ONSITE_GAS_MARKETS = {"dallas", "ohio"}


@dataclass(frozen=True)
class PowerProject:
    slug: str
    name: str
    kind: str
    energy_source: str
    stage: str
    country: str
    region: str
    latitude: str
    longitude: str
    announced_on: dt.date
    # ((MW, online date), ...): capacity is their sum, online date the last one
    phases: tuple[tuple[int, dt.date], ...]
    cost_per_mw_k: int  # thousand USD per MW
    supplies: str  # the markets it serves, for the description
    participations: tuple[tuple[str, str, int | None], ...]  # (partner slug, role, stake %)


# Power projects that supply the campuses. Stakes (sponsor and equity investor) add up to at
# most 100 per project.
POWER_PROJECTS = (
    PowerProject(
        "northern-virginia-gas-plant", "Northern Virginia Gas Plant", GEN, GAS,
        Stage.DEVELOPMENT, "US", "Virginia", "38.95120", "-77.85340", dt.date(2025, 4, 15),
        ((500, dt.date(2028, 12, 31)), (500, dt.date(2029, 6, 30))), 1_300, "Northern Virginia",
        (("nextera-energy", R.DEVELOPER, None), ("nextera-energy", R.SPONSOR, 40),
         ("gip", R.EQUITY_INVESTOR, 35), ("mgx", R.EQUITY_INVESTOR, 25),
         ("ge-vernova", R.EQUIPMENT_SUPPLIER, None), ("microsoft", R.OFFTAKER, None)),
    ),
    PowerProject(
        "north-texas-combined-cycle", "North Texas Combined-Cycle Plant", GEN, GAS,
        Stage.CONSTRUCTION, "US", "Texas", "33.20150", "-96.60420", dt.date(2025, 3, 25),
        ((600, dt.date(2027, 6, 30)), (600, dt.date(2027, 12, 31))), 1_250, "Dallas",
        (("nextera-energy", R.DEVELOPER, None), ("nextera-energy", R.SPONSOR, 30),
         ("gip", R.EQUITY_INVESTOR, 40), ("kia", R.EQUITY_INVESTOR, 20),
         ("ge-vernova", R.EQUIPMENT_SUPPLIER, None), ("xai", R.OFFTAKER, None),
         ("blackrock", R.LENDER, None)),
    ),
    PowerProject(
        "west-texas-solar", "West Texas Solar Farm", GEN, SOLAR,
        Stage.OPERATIONAL, "US", "Texas", "31.84560", "-102.36770", dt.date(2022, 5, 10),
        ((300, dt.date(2024, 5, 31)), (300, dt.date(2024, 11, 30))), 1_050, "Dallas",
        (("nextera-energy", R.DEVELOPER, None), ("nextera-energy", R.SPONSOR, 50),
         ("temasek", R.EQUITY_INVESTOR, 25), ("blackrock", R.EQUITY_INVESTOR, 25),
         ("microsoft", R.OFFTAKER, None)),
    ),
    PowerProject(
        "west-texas-battery", "West Texas Battery Storage", STORAGE, BATTERY,
        Stage.OPERATIONAL, "US", "Texas", "31.90210", "-102.29880", dt.date(2023, 2, 1),
        ((300, dt.date(2025, 6, 30)),), 1_300, "Dallas",
        (("nextera-energy", R.DEVELOPER, None), ("nextera-energy", R.SPONSOR, 60),
         ("temasek", R.EQUITY_INVESTOR, 40), ("xai", R.OFFTAKER, None)),
    ),
    PowerProject(
        "central-arizona-solar", "Central Arizona Solar Farm", GEN, SOLAR,
        Stage.CONSTRUCTION, "US", "Arizona", "33.05310", "-112.60240", dt.date(2024, 6, 1),
        ((250, dt.date(2026, 3, 31)), (250, dt.date(2026, 9, 30))), 1_100, "Phoenix",
        (("nextera-energy", R.DEVELOPER, None), ("nextera-energy", R.SPONSOR, 45),
         ("mgx", R.EQUITY_INVESTOR, 30), ("kia", R.EQUITY_INVESTOR, 25),
         ("microsoft", R.OFFTAKER, None)),
    ),
    PowerProject(
        "central-arizona-battery", "Central Arizona Battery Storage", STORAGE, BATTERY,
        Stage.CONSTRUCTION, "US", "Arizona", "33.10460", "-112.54890", dt.date(2024, 6, 1),
        ((200, dt.date(2026, 6, 30)), (200, dt.date(2026, 12, 31))), 1_300, "Phoenix",
        (("nextera-energy", R.DEVELOPER, None), ("nextera-energy", R.SPONSOR, 50),
         ("gip", R.EQUITY_INVESTOR, 50), ("microsoft", R.OFFTAKER, None)),
    ),
    PowerProject(
        "phoenix-gas-peaking-plant", "Phoenix Gas Peaking Plant", GEN, GAS,
        Stage.CANCELLED, "US", "Arizona", "33.35220", "-112.40110", dt.date(2024, 10, 1),
        ((450, dt.date(2028, 6, 30)),), 950, "Phoenix",
        (("gip", R.SPONSOR, 60), ("ge-vernova", R.EQUIPMENT_SUPPLIER, None)),
    ),
    PowerProject(
        "northern-illinois-wind", "Northern Illinois Wind Farm", GEN, WIND,
        Stage.OPERATIONAL, "US", "Illinois", "41.45230", "-88.90470", dt.date(2021, 8, 2),
        ((225, dt.date(2023, 6, 30)), (225, dt.date(2023, 12, 29))), 1_500, "Chicago",
        (("nextera-energy", R.DEVELOPER, None), ("nextera-energy", R.OPERATOR, None),
         ("nextera-energy", R.SPONSOR, 70), ("blackrock", R.EQUITY_INVESTOR, 30),
         ("microsoft", R.OFFTAKER, None)),
    ),
    PowerProject(
        "central-ohio-combined-cycle", "Central Ohio Combined-Cycle Plant", GEN, GAS,
        Stage.DEVELOPMENT, "US", "Ohio", "40.25060", "-82.60150", dt.date(2025, 5, 20),
        ((450, dt.date(2029, 6, 29)), (450, dt.date(2029, 12, 31))), 1_300, "Ohio",
        (("nextera-energy", R.DEVELOPER, None), ("nextera-energy", R.SPONSOR, 35),
         ("gip", R.EQUITY_INVESTOR, 35), ("mgx", R.EQUITY_INVESTOR, 20),
         ("ge-vernova", R.EQUIPMENT_SUPPLIER, None), ("microsoft", R.OFFTAKER, None),
         ("blackrock", R.LENDER, None)),
    ),
    PowerProject(
        "ohio-small-modular-reactor", "Ohio Small Modular Reactor", GEN, NUCLEAR,
        Stage.ANNOUNCED, "US", "Ohio", "39.95340", "-83.30210", dt.date(2025, 9, 10),
        ((300, dt.date(2033, 12, 30)),), 10_000, "Ohio and Chicago",
        (("gip", R.SPONSOR, 50), ("kia", R.EQUITY_INVESTOR, 25),
         ("ge-vernova", R.EQUIPMENT_SUPPLIER, None), ("microsoft", R.OFFTAKER, None)),
    ),
    PowerProject(
        "southern-utah-geothermal", "Southern Utah Geothermal Plant", GEN, GEOTHERMAL,
        Stage.DEVELOPMENT, "US", "Utah", "38.45170", "-112.90320", dt.date(2025, 2, 14),
        ((50, dt.date(2027, 12, 31)), (100, dt.date(2028, 6, 30))), 6_000, "Salt Lake City",
        (("temasek", R.EQUITY_INVESTOR, 40), ("mgx", R.EQUITY_INVESTOR, 30),
         ("microsoft", R.OFFTAKER, None)),
    ),
    PowerProject(
        "salt-lake-valley-battery", "Salt Lake Valley Battery Storage", STORAGE, BATTERY,
        Stage.PAUSED, "US", "Utah", "40.65230", "-112.05140", dt.date(2025, 1, 20),
        ((200, dt.date(2027, 6, 30)),), 1_300, "Salt Lake City",
        (("nextera-energy", R.DEVELOPER, None), ("gip", R.EQUITY_INVESTOR, 50)),
    ),
    PowerProject(
        "southside-virginia-solar", "Southside Virginia Solar Farm", GEN, SOLAR,
        Stage.CONSTRUCTION, "US", "Virginia", "36.75380", "-78.45210", dt.date(2024, 9, 30),
        ((150, dt.date(2025, 12, 15)), (200, dt.date(2026, 10, 30))), 1_100, "Northern Virginia",
        (("nextera-energy", R.DEVELOPER, None), ("nextera-energy", R.SPONSOR, 50),
         ("blackrock", R.EQUITY_INVESTOR, 25), ("temasek", R.EQUITY_INVESTOR, 25),
         ("microsoft", R.OFFTAKER, None)),
    ),
    PowerProject(
        "rio-grande-do-norte-wind", "Rio Grande do Norte Wind Farm", GEN, WIND,
        Stage.OPERATIONAL, "BR", "Rio Grande do Norte", "-5.55120", "-36.00470",
        dt.date(2021, 3, 1),
        ((175, dt.date(2022, 12, 30)), (175, dt.date(2023, 6, 30))), 1_400, "São Paulo",
        (("mgx", R.EQUITY_INVESTOR, 50), ("temasek", R.EQUITY_INVESTOR, 30),
         ("microsoft", R.OFFTAKER, None)),
    ),
    PowerProject(
        "atacama-solar", "Atacama Solar Farm", GEN, SOLAR,
        Stage.CONSTRUCTION, "CL", "Antofagasta", "-23.65090", "-70.10230", dt.date(2024, 11, 15),
        ((200, dt.date(2026, 6, 30)), (200, dt.date(2026, 12, 31))), 900, "Santiago",
        (("gip", R.EQUITY_INVESTOR, 50), ("kia", R.EQUITY_INVESTOR, 30),
         ("microsoft", R.OFFTAKER, None)),
    ),
    PowerProject(
        "bajio-solar", "Bajío Solar Farm", GEN, SOLAR,
        Stage.DEVELOPMENT, "MX", "Guanajuato", "21.05240", "-101.20360", dt.date(2025, 6, 2),
        ((250, dt.date(2027, 12, 31)),), 900, "Querétaro",
        (("mgx", R.EQUITY_INVESTOR, 40), ("gip", R.EQUITY_INVESTOR, 30)),
    ),
    PowerProject(
        "texas-panhandle-wind", "Texas Panhandle Wind Farm", GEN, WIND,
        Stage.DEVELOPMENT, "US", "Texas", "35.30260", "-101.50480", dt.date(2025, 7, 1),
        ((250, dt.date(2027, 12, 31)), (250, dt.date(2028, 6, 30))), 1_500, "Dallas",
        (("nextera-energy", R.DEVELOPER, None), ("nextera-energy", R.SPONSOR, 55),
         ("kia", R.EQUITY_INVESTOR, 25), ("ge-vernova", R.EQUIPMENT_SUPPLIER, None),
         ("xai", R.OFFTAKER, None)),
    ),
)  # fmt: skip

# Equity to the partnership as a whole by 15 Jan 2026, in USD millions: adds up to the
# $12.5bn BlackRock reported. Who gave how much is not published (Microsoft's, KIA's and
# Temasek's contributions are explicitly undisclosed), so this split is invented.
EQUITY_BY_PARTNER_M = (
    # partner, USD m, first possible date (when the partner joined), number of tranches
    ("blackrock", 1_500, AIP_LAUNCH, 3),
    ("gip", 2_500, AIP_LAUNCH, 4),
    ("microsoft", 2_000, AIP_LAUNCH, 3),
    ("mgx", 3_000, AIP_LAUNCH, 4),
    ("xai", 750, dt.date(2025, 3, 19), 2),
    ("kia", 1_750, dt.date(2025, 6, 4), 3),
    ("temasek", 1_000, dt.date(2025, 6, 12), 2),
)
TRANCHE_STEP_M = 50

# Debt (to the partnership or to one project) and project-level equity after 15 Jan 2026.
# project None means the partnership as a whole; "@campus" is the first Northern Virginia
# campus under construction.
OTHER_COMMITMENTS = (
    ("blackrock", None, DEBT, 2_000, dt.date(2025, 11, 20), COMMITTED,
     "Illustrative credit facility to the partnership"),
    ("blackrock", "north-texas-combined-cycle", DEBT, 800, dt.date(2025, 8, 14), COMMITTED,
     "Illustrative construction loan"),
    ("blackrock", "central-ohio-combined-cycle", DEBT, 600, dt.date(2025, 12, 9), ANNOUNCED,
     "Illustrative development loan"),
    ("gip", "central-arizona-battery", DEBT, 250, dt.date(2025, 4, 10), CALLED,
     "Illustrative construction loan"),
    ("kia", "atacama-solar", DEBT, 200, dt.date(2025, 10, 1), COMMITTED,
     "Illustrative construction loan"),
    ("mgx", "@campus", DEBT, 400, dt.date(2025, 11, 3), COMMITTED,
     "Illustrative campus construction facility"),
    ("temasek", "west-texas-battery", DEBT, 120, dt.date(2025, 7, 22), CALLED,
     "Illustrative refinancing"),
    ("gip", "north-texas-combined-cycle", EQUITY, 300, dt.date(2026, 2, 5), COMMITTED,
     "Illustrative project-level equity, after the January 2026 update"),
    ("temasek", "southern-utah-geothermal", EQUITY, 150, dt.date(2026, 3, 2), ANNOUNCED,
     "Illustrative project-level equity, after the January 2026 update"),
)  # fmt: skip


class Provenance(TypedDict):
    """Where a record's figures come from (aipdash/records/provenance.py)."""

    source_title: str
    source_url: str
    as_of: dt.date
    illustrative: bool


class ProjectRecord(Provenance):
    slug: str
    name: str
    kind: str
    stage: str
    investment: str | None  # its slug
    country: str
    region: str
    latitude: Decimal
    longitude: Decimal
    energy_source: str
    capacity_mw: Decimal
    announced_on: dt.date
    expected_online: dt.date
    capital_cost_usd: Decimal
    description: str


class PhaseRecord(Provenance):
    project: str  # its slug
    sequence: int
    name: str
    stage: str
    capacity_mw: Decimal
    expected_online: dt.date


class ParticipationRecord(Provenance):
    project: str  # its slug
    partner: str  # its slug
    role: str
    stake_percent: Decimal | None


class CommitmentRecord(Provenance):
    partner: str  # its slug
    project: str | None  # its slug; None: to the partnership as a whole
    instrument: str
    status: str
    amount_usd: Decimal
    committed_on: dt.date
    reference: str
    note: str


@dataclass(frozen=True)
class Portfolio:
    """Records as dicts of field values; foreign keys as slugs (investment, project, partner)."""

    projects: tuple[ProjectRecord, ...]
    phases: tuple[PhaseRecord, ...]
    participations: tuple[ParticipationRecord, ...]
    commitments: tuple[CommitmentRecord, ...]


def provenance(as_of: dt.date = AS_OF) -> Provenance:
    return {
        "source_title": DEMO_SOURCE_TITLE,
        "source_url": "",
        "as_of": as_of,
        "illustrative": True,
    }


def split_exactly(rng: random.Random, total: int, parts: int, low: int, high: int) -> list[int]:
    """`parts` whole numbers, each from `low` to `high`, that add up to exactly `total`."""
    if not parts * low <= total <= parts * high:
        raise ValueError(f"cannot split {total} into {parts} parts of {low}..{high}")
    weights = [rng.uniform(low, high) for _ in range(parts)]
    scale = total / sum(weights)
    values = [min(high, max(low, round(weight * scale))) for weight in weights]
    index = 0
    while (gap := total - sum(values)) != 0:
        step = 1 if gap > 0 else -1
        if low <= values[index % parts] + step <= high:
            values[index % parts] += step
        index += 1
    return values


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def offset(rng: random.Random, centre: str, spread: int) -> Decimal:
    """A coordinate near `centre` (a decimal string), at most `spread` hundred-thousandths of
    a degree away."""
    units = rng.randint(-spread, spread)
    return (Decimal(centre) + Decimal(units) / 100_000).quantize(Decimal("0.00001"))


def _campus_slots() -> list[tuple[Market, Stage, int]]:
    """(market, stage, number within the market) for every campus, in a fixed order."""
    slots = []
    for market in MARKETS:
        number = 0
        for stage in MANAGED:
            for _ in range(market.campuses.get(stage, 0)):
                number += 1
                slots.append((market, stage, number))
    return slots


def _campus_phase_dates(
    rng: random.Random, stage: Stage, announced_on: dt.date, count: int
) -> list[dt.date]:
    timing = CAMPUS_TIMING[stage]
    low, high, floor = timing["first"]
    first = announced_on + dt.timedelta(days=rng.randint(low, high))
    if floor is not None and first < floor:
        first = floor + dt.timedelta(days=rng.randint(0, 120))
    dates = [first]
    for _ in range(count - 1):
        dates.append(dates[-1] + dt.timedelta(days=rng.randint(*timing["gap"])))
    if timing["latest"] is not None:
        dates = [min(date, timing["latest"]) for date in dates]
    return dates


def _campuses() -> tuple[list[ProjectRecord], list[PhaseRecord], list[ParticipationRecord]]:
    rng = random.Random(f"{SEED}:campuses")  # noqa: S311 (demo data, not security)
    slots = _campus_slots()
    capacity: dict[int, int] = {}  # slot index -> MW
    for stage in MANAGED:
        in_stage = [index for index, slot in enumerate(slots) if slot[1] == stage]
        low, high = CAMPUS_MW_RANGE[stage]
        for index, mw in zip(
            in_stage,
            split_exactly(rng, CAMPUS_MW_BY_STAGE[stage], len(in_stage), low, high),
            strict=True,
        ):
            capacity[index] = mw

    projects: list[ProjectRecord] = []
    phases: list[PhaseRecord] = []
    participations: list[ParticipationRecord] = []
    for index, (market, stage, number) in enumerate(slots):
        mw = capacity[index]
        slug = f"aligned-{market.slug}-{number:02d}"
        timing = CAMPUS_TIMING[stage]
        announced_on = random_date(rng, *timing["announced"])
        count = min(rng.randint(*timing["phases"]), max(1, mw // 15))
        dates = _campus_phase_dates(rng, stage, announced_on, count)
        phase_mw = split_exactly(rng, mw, count, max(1, mw // (2 * count)), mw)
        cost_per_mw_k = rng.randint(11_000, 13_000) if market.us else rng.randint(8_500, 10_500)
        projects.append(
            {
                "slug": slug,
                "name": f"Aligned {market.name} campus {number:02d}",
                "kind": Project.Kind.DATA_CENTRE,
                "stage": stage,
                "investment": ALIGNED,
                "country": market.country,
                "region": market.name,
                "latitude": offset(rng, market.latitude, 20_000),
                "longitude": offset(rng, market.longitude, 25_000),
                "energy_source": "",
                "capacity_mw": Decimal(mw),
                "announced_on": announced_on,
                "expected_online": dates[-1],
                "capital_cost_usd": Decimal(mw * cost_per_mw_k // 10_000 * 10_000_000),
                "description": f"A campus in Aligned's {market.name} market. Its capacity, "
                "stage, dates and cost are illustrative, generated to match Aligned's "
                "published totals.",
                **provenance(),
            }
        )
        for sequence, (date, part) in enumerate(zip(dates, phase_mw, strict=True), start=1):
            phases.append(
                {
                    "project": slug,
                    "sequence": sequence,
                    "name": f"Phase {sequence}",
                    "stage": stage,
                    "capacity_mw": Decimal(part),
                    "expected_online": date,
                    **provenance(),
                }
            )
        participations.extend(_campus_participations(rng, index, market, stage, slug))
    return projects, phases, participations


def _campus_participations(
    rng: random.Random, index: int, market: Market, stage: Stage, slug: str
) -> list[ParticipationRecord]:
    co_investor = CAMPUS_CO_INVESTORS[index % len(CAMPUS_CO_INVESTORS)]
    rows: list[tuple[str, str, int | None]] = [
        ("gip", R.EQUITY_INVESTOR, rng.randint(35, 45)),
        ("mgx", R.EQUITY_INVESTOR, rng.randint(25, 35)),
        (co_investor, R.EQUITY_INVESTOR, rng.randint(10, 20)),
    ]
    draw = rng.random()
    if draw < 0.45:
        rows.append(("microsoft", R.OFFTAKER, None))
    elif draw < 0.65 and market.us:
        rows.append(("xai", R.OFFTAKER, None))
    if stage in (Stage.CONSTRUCTION, Stage.DEVELOPMENT) and rng.random() < 0.35:
        rows.append(("nvidia", R.EQUIPMENT_SUPPLIER, None))
    if rng.random() < 0.2:
        rows.append(("cisco", R.EQUIPMENT_SUPPLIER, None))
    if market.slug in NEXTERA_MARKETS and rng.random() < 0.4:
        rows.append(("nextera-energy", R.ENERGY_SUPPLIER, None))
    if (
        market.slug in ONSITE_GAS_MARKETS
        and stage in (Stage.DEVELOPMENT, Stage.ANNOUNCED)
        and rng.random() < 0.5
    ):
        rows.append(("ge-vernova", R.EQUIPMENT_SUPPLIER, None))
    return [_participation(slug, *row) for row in rows]


def _participation(project: str, partner: str, role: str, stake: int | None) -> ParticipationRecord:
    return {
        "project": project,
        "partner": partner,
        "role": role,
        "stake_percent": None if stake is None else Decimal(stake).quantize(Decimal("0.01")),
        **provenance(),
    }


def _power_projects() -> tuple[list[ProjectRecord], list[PhaseRecord], list[ParticipationRecord]]:
    projects: list[ProjectRecord] = []
    phases: list[PhaseRecord] = []
    participations: list[ParticipationRecord] = []
    for power in POWER_PROJECTS:
        capacity = sum(mw for mw, _ in power.phases)
        label = dict(Project.EnergySource.choices)[power.energy_source].lower()
        projects.append(
            {
                "slug": power.slug,
                "name": power.name,
                "kind": power.kind,
                "stage": power.stage,
                "investment": None,
                "country": power.country,
                "region": power.region,
                "latitude": Decimal(power.latitude),
                "longitude": Decimal(power.longitude),
                "energy_source": power.energy_source,
                "capacity_mw": Decimal(capacity),
                "announced_on": power.announced_on,
                "expected_online": power.phases[-1][1],
                "capital_cost_usd": Decimal(capacity * power.cost_per_mw_k * 1_000),
                "description": f"Illustrative {label} project supplying the Aligned campuses "
                f"in {power.supplies}; not a published project.",
                **provenance(),
            }
        )
        for sequence, (mw, online) in enumerate(power.phases, start=1):
            done = power.stage == Stage.CONSTRUCTION and online <= AS_OF
            phases.append(
                {
                    "project": power.slug,
                    "sequence": sequence,
                    "name": f"Phase {sequence}",
                    "stage": Stage.OPERATIONAL if done else power.stage,
                    "capacity_mw": Decimal(mw),
                    "expected_online": online,
                    **provenance(),
                }
            )
        participations.extend(_participation(power.slug, *row) for row in power.participations)
    return projects, phases, participations


def _status(rng: random.Random, committed_on: dt.date) -> str:
    """Older tranches have been called; recent ones are committed or only announced."""
    if committed_on < dt.date(2025, 7, 1):
        return CALLED if rng.random() < 0.8 else COMMITTED
    if committed_on < dt.date(2025, 12, 1):
        return COMMITTED if rng.random() < 0.75 else CALLED
    return ANNOUNCED if rng.random() < 0.6 else COMMITTED


def _commitments(campus: str) -> list[CommitmentRecord]:
    rng = random.Random(f"{SEED}:commitments")  # noqa: S311 (demo data, not security)
    rows: list[CommitmentRecord] = []
    for partner, total_m, start, tranches in EQUITY_BY_PARTNER_M:
        span = (RAISED_BY - start).days
        days = sorted(rng.sample(range(span + 1), tranches))
        units = split_exactly(
            rng,
            total_m // TRANCHE_STEP_M,
            tranches,
            max(1, total_m // TRANCHE_STEP_M // (2 * tranches)),
            total_m // TRANCHE_STEP_M,
        )
        for number, (day, unit) in enumerate(zip(days, units, strict=True), start=1):
            committed_on = start + dt.timedelta(days=day)
            rows.append(
                {
                    "partner": partner,
                    "project": None,
                    "instrument": EQUITY,
                    "status": _status(rng, committed_on),
                    "amount_usd": Decimal(unit * TRANCHE_STEP_M * 1_000_000),
                    "committed_on": committed_on,
                    "reference": f"demo-{partner}-equity-{number}",
                    "note": f"Illustrative equity tranche {number} of {tranches} to the "
                    "partnership",
                    **provenance(),
                }
            )
    for number, (partner, project, instrument, amount_m, committed_on, status, note) in enumerate(
        OTHER_COMMITMENTS, start=1
    ):
        rows.append(
            {
                "partner": partner,
                "project": campus if project == "@campus" else project,
                "instrument": instrument,
                "status": status,
                "amount_usd": Decimal(amount_m * 1_000_000),
                "committed_on": committed_on,
                "reference": f"demo-{partner}-{instrument}-{number}",
                "note": note,
                **provenance(max(AS_OF, committed_on)),
            }
        )
    return rows


# Campuses whose record was last confirmed when they came online, long ago: the pages mark
# them stale (aipdash/records/staleness.py). Only their as-of date changes; no figure does.
STALE_CAMPUSES = 3


def _mark_stale(campuses: list[ProjectRecord]) -> None:
    """The STALE_CAMPUSES operational campuses that came online first keep that date as their
    as-of date (years before AS_OF)."""
    operational = [p for p in campuses if p["stage"] == Stage.OPERATIONAL]
    for project in sorted(operational, key=lambda p: (p["expected_online"], p["slug"]))[
        :STALE_CAMPUSES
    ]:
        project["as_of"] = project["expected_online"]


def generate() -> Portfolio:
    """The whole illustrative portfolio; the same records on every call."""
    campuses, campus_phases, campus_participations = _campuses()
    _mark_stale(campuses)
    power, power_phases, power_participations = _power_projects()
    # The project of the "@campus" commitment: the first Northern Virginia campus being built.
    campus = next(
        p["slug"]
        for p in campuses
        if p["stage"] == Stage.CONSTRUCTION and p["region"] == "Northern Virginia"
    )
    return Portfolio(
        projects=tuple(campuses + power),
        phases=tuple(campus_phases + power_phases),
        participations=tuple(campus_participations + power_participations),
        commitments=tuple(_commitments(campus)),
    )
