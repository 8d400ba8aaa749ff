"""Properties of the scenario arithmetic (hypothesis), on random grouped rows:

- assumptions that move nothing give the recorded rows, balance and capital exactly;
- more slip never brings more MW online by any date;
- more attrition never raises the MW or the capital needed;
- assumptions survive their JSON form (what a shared link stores) unchanged.
"""

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from aipdash.scenarios.arithmetic import (
    apply_attrition,
    apply_to_phases,
    capital_needed,
    power_balance,
    resolve_cost_per_mw,
    years_of,
)
from aipdash.scenarios.assumptions import (
    ATTRITION_FIELDS,
    COST_FIELDS,
    KINDS,
    OPEN_STAGES,
    SLIP_FIELDS,
    Assumptions,
)
from projects.models import Stage

PROPERTIES = settings(max_examples=150, deadline=None)
STAGES = tuple(Stage.values)
months = st.builds(dt.date, st.integers(2018, 2040), st.integers(1, 12), st.just(1)) | st.none()
mw = st.decimals(min_value=0, max_value=5000, places=1)
usd = st.decimals(min_value=0, max_value=10**11, places=2)
pct = st.decimals(min_value=0, max_value=100, places=2)

phase_rows = st.lists(
    st.fixed_dictionaries(
        {
            "stage": st.sampled_from(STAGES),
            "kind": st.sampled_from(KINDS),
            "month": months,
            "mw": mw | st.none(),
        }
    ),
    max_size=25,
)
capital_rows = st.lists(
    st.fixed_dictionaries(
        {
            "stage": st.sampled_from(STAGES),
            "kind": st.sampled_from(KINDS),
            "month": months,
            "with_cost": st.integers(0, 5),
            "cost_usd": usd,
            "without_cost": st.integers(0, 5),
            "mw_without_cost": mw,
        }
    ),
    max_size=20,
)
medians = st.dictionaries(
    st.sampled_from(KINDS),
    st.tuples(st.decimals(min_value=10_000, max_value=10**8, places=0), st.integers(1, 50)),
)
by_kind = st.dictionaries(
    st.sampled_from(KINDS), st.dictionaries(st.sampled_from(OPEN_STAGES), pct, min_size=1)
)


@st.composite
def assumptions(draw):
    fields = {
        **{name: draw(st.integers(0, 120)) for name in SLIP_FIELDS.values()},
        **{name: draw(pct) for name in ATTRITION_FIELDS.values()},
        "attrition_by_kind": draw(by_kind),
        "leverage": draw(st.none() | st.decimals(min_value=0, max_value=10, places=2)),
        **{
            name: draw(st.none() | st.decimals(min_value=10_000, max_value=10**8, places=2))
            for name in COST_FIELDS.values()
        },
        "demand_case": draw(st.sampled_from(["base", "high", "projection"])),
    }
    return Assumptions.from_fields(fields)


def zero_assumptions():
    return Assumptions.from_fields(
        {
            **dict.fromkeys(SLIP_FIELDS.values(), 0),
            **dict.fromkeys(ATTRITION_FIELDS.values(), "0.00"),
            "attrition_by_kind": {kind: {"announced": 0} for kind in KINDS},
        }
    )


def online_by(rows, date, kinds=KINDS):
    """MW online by `date`: what a cumulative chart shows at that date."""
    return sum(
        (
            Decimal(r["mw"])
            for r in rows
            if r["month"] is not None
            and r["month"] <= date
            and r["mw"] is not None
            and r["kind"] in kinds
        ),
        Decimal(0),
    )


def more(low: Assumptions, extra_slip, extra_attrition) -> Assumptions:
    """`low` with each stage's slip raised by `extra_slip` ({stage: months}) and every
    attrition by `extra_attrition` (within bounds), the rest as it is."""
    fields = low.to_fields()
    for stage, name in SLIP_FIELDS.items():
        fields[name] = min(120, low.slip(stage) + extra_slip.get(stage, 0))
    for stage, name in ATTRITION_FIELDS.items():
        fields[name] = min(Decimal(100), low.attrition_pct[stage] + extra_attrition)
    fields["attrition_by_kind"] = {
        kind: {s: min(Decimal(100), p + extra_attrition) for s, p in stages.items()}
        for kind, stages in low.attrition_by_kind.items()
    }
    return Assumptions.from_fields(fields)


@PROPERTIES
@given(phases=phase_rows, capital=capital_rows, cost=medians)
def test_assumptions_that_move_nothing_give_the_recorded_portfolio_exactly(phases, capital, cost):
    for zero in (Assumptions(), zero_assumptions()):
        assert zero.moves_nothing
        assert apply_to_phases(phases, zero) == phases
        assert apply_attrition(phases, zero) == phases
        assert power_balance(apply_to_phases(phases, zero)) == power_balance(phases)
        assert capital_needed(capital, zero, resolve_cost_per_mw(zero, cost)) == capital_needed(
            capital, Assumptions(), resolve_cost_per_mw(Assumptions(), cost)
        )


@PROPERTIES
@given(
    phases=phase_rows,
    low=assumptions(),
    extra=st.fixed_dictionaries({stage: st.integers(0, 120) for stage in OPEN_STAGES}),
)
def test_more_slip_never_brings_more_mw_online_by_any_date(phases, low, extra):
    high = more(low, extra, Decimal(0))
    earlier, later = apply_to_phases(phases, low), apply_to_phases(phases, high)
    dates = {r["month"] for r in earlier + later if r["month"] is not None}
    for date in dates:
        for kinds in (KINDS, ("data_centre",), ("generation", "storage")):
            assert online_by(later, date, kinds) <= online_by(earlier, date, kinds)
    years = years_of(earlier, later)
    for a, b in zip(
        power_balance(earlier, years).years, power_balance(later, years).years, strict=True
    ):
        assert b.demand_mw <= a.demand_mw
        assert b.supply_mw <= a.supply_mw


@PROPERTIES
@given(
    phases=phase_rows,
    capital=capital_rows,
    cost=medians,
    low=assumptions(),
    extra=st.decimals(min_value=0, max_value=100, places=2),
)
def test_more_attrition_never_raises_mw_or_capital_needed(phases, capital, cost, low, extra):
    high = more(low, {}, extra)
    kept, lost = apply_to_phases(phases, low), apply_to_phases(phases, high)
    for a, b in zip(kept, lost, strict=True):
        assert a["month"] == b["month"]  # attrition moves nothing
        assert (b["mw"] or 0) <= (a["mw"] or 0)
    for date in {r["month"] for r in kept if r["month"] is not None}:
        assert online_by(lost, date) <= online_by(kept, date)
    rates = resolve_cost_per_mw(low, cost)
    before = {c.year: c.needed_usd for c in capital_needed(capital, low, rates)}
    after = {c.year: c.needed_usd for c in capital_needed(capital, high, rates)}
    assert after.keys() == before.keys()
    for year, needed in after.items():
        assert needed <= before[year]


@PROPERTIES
@given(a=assumptions())
def test_assumptions_survive_their_json_form(a):
    again = Assumptions.from_fields(a.to_fields())
    assert again == a
    assert again.canonical() == a.canonical()
