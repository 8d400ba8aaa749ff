"""Two scenarios side by side, or a scenario and the recorded portfolio: `/scenarios/compare/
?a=<slug, or empty: the recorded portfolio>&b=<slug>` with the dashboard's filters.

Each side is a dashboard view (the filters, with side A's or side B's scenario), read through
the dashboard's cached headline and chart rows: the figures are the dashboard's, with no
arithmetic of their own. The table of differences lines the two sides up by figure; the power
balance and the capital bridge are cumulative, so a side's figure at a year past its own last
is its last.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from aipdash.charts.data import Row
from aipdash.core.formatting import power, power_change, usd, usd_change
from aipdash.dashboard import blocks
from aipdash.dashboard.filters import (
    FIELD_LABELS,
    MAX_VALUE_LENGTH,
    SCENARIO,
    SLUG,
    DashboardFilters,
    FilterError,
)
from aipdash.dashboard.selectors.headline import HEADLINE_FIGURES
from aipdash.history import dates
from aipdash.scenarios import beside
from aipdash.scenarios.applied import AppliedScenario
from aipdash.scenarios.selectors import ScenarioNotFound, scenario_for

A, B = "a", "b"
SIDE_LABELS = {A: "Scenario A", B: "Scenario B"}
RECORDED_NAME = "Recorded portfolio"
# The charts each side shows, as the dashboard draws them for that side's view.
CHARTS = ("power_balance", "capital_bridge")
CAPACITY_KEYS = (
    "dc_operational",
    "dc_pipeline",
    "power_operational",
    "power_pipeline",
    "grid_operational",
    "grid_pipeline",
)
FIGURE_LABELS = {key: label for key, label, *_ in HEADLINE_FIGURES}
LEVERAGE_UNIT = ": 1"


@dataclass(frozen=True)
class Side:
    """One side of the comparison: "a" or "b", and the dashboard view it is."""

    key: str
    filters: DashboardFilters

    @property
    def label(self) -> str:
        return SIDE_LABELS[self.key]

    @property
    def applied(self) -> AppliedScenario | None:
        return self.filters.applied

    @property
    def name(self) -> str:
        return self.applied.name if self.applied is not None else RECORDED_NAME

    @property
    def owner(self) -> str:
        return self.applied.owner if self.applied is not None else ""

    @property
    def slug(self) -> str:
        return self.applied.slug if self.applied is not None else ""

    @property
    def case(self) -> str:
        """Which rows of the side's charts are its own (a scenario's charts draw the recorded
        portfolio beside it)."""
        return beside.SCENARIO if self.applied is not None else beside.RECORDED

    @property
    def dashboard_query(self) -> str:
        return self.filters.canonical()


def _slug(values: Sequence[str], key: str, errors: dict[str, str]) -> str | None:
    given = [v.strip() for v in values if v.strip()]
    if len(given) > 1:
        errors[key] = "Give one scenario at most."
    elif given and (len(given[0]) > MAX_VALUE_LENGTH or not SLUG.fullmatch(given[0])):
        errors[key] = (
            f"“{given[0][:MAX_VALUE_LENGTH]}” is not a scenario's address (letters, digits and "
            "hyphens)."
        )
    elif given:
        return given[0]
    return None


def sides(query: QueryDict, user: User | AnonymousUser) -> tuple[Side, Side]:
    """The two sides of `query` for `user`: FilterError naming each wrong field ("a", "b" or a
    filter's) otherwise, the same for an unknown scenario and another user's private one."""
    errors: dict[str, str] = {}
    rest = query.copy()
    slugs = {key: _slug(rest.pop(key, []), key, errors) for key in (A, B)}
    try:
        filters = DashboardFilters.from_query(rest, partner_slugs=blocks.partner_slugs())
    except FilterError as error:
        errors.update(error.errors)
        filters = DashboardFilters()
    if filters.scenario is not None:
        errors[SCENARIO] = "Give the two scenarios as A and B."
    for key in dates.PARAMETERS:
        if getattr(filters, key) is not None:
            errors[key] = "Scenarios are compared on today's portfolio only: remove this date."
    if slugs[B] is None and B not in errors:
        errors[B] = "Pick the scenario to compare."
    resolved: dict[str, AppliedScenario | None] = {}
    for key, slug in slugs.items():
        if slug is None:
            resolved[key] = None
            continue
        try:
            resolved[key] = AppliedScenario.of(scenario_for(user, slug))
        except ScenarioNotFound as missing:
            errors[key] = str(missing)
    if errors:
        raise FilterError(errors)
    return (
        Side(A, filters.with_scenario(resolved[A])),
        Side(B, filters.with_scenario(resolved[B])),
    )


def error_labels(errors: dict[str, str]) -> list[tuple[str, str]]:
    labels = {**FIELD_LABELS, **SIDE_LABELS}
    return [(labels.get(field, field), message) for field, message in errors.items()]


def kept_filters(query: QueryDict) -> DashboardFilters:
    """The query's dashboard filters if they are valid (none otherwise), without a scenario or
    a date: what the picker of a 400 page keeps while the scenarios are put right."""
    rest = query.copy()
    for key in (A, B):
        rest.pop(key, None)
    try:
        filters = DashboardFilters.from_query(rest, partner_slugs=blocks.partner_slugs())
    except FilterError:
        return DashboardFilters()
    return replace(filters.recorded(), as_of=None, compare=None)


# The figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """One side's figures, from its view's headline and chart rows: the cumulative ones at
    the end of the years both sides share (`balance_year`, `bridge_year`)."""

    capacity: dict[str, float]  # the headline's MW figures (CAPACITY_KEYS)
    first_gap_year: int | None  # None: not before the last year
    balance: dict[str, float]  # demand_mw, supply_mw, gap_mw at the end of balance_year
    leverage: float | None
    financed_usd: float | None  # equity committed and the debt it supports
    bridge: dict[str, float]  # cumulative_needed_usd, gap_to_*_usd at the end of bridge_year
    undated_usd: float | None  # needed by projects without a date


@dataclass(frozen=True)
class Comparison:
    a: Side
    b: Side
    figures: dict[str, Figures]  # by side key
    balance_year: int | None
    bridge_year: int | None
    this_year: int

    def differences(self) -> list["Difference"]:
        """The table: each figure on both sides, A, B and B − A."""
        fa, fb = self.figures[A], self.figures[B]
        rows = [
            Difference(FIGURE_LABELS[key], "MW", fa.capacity[key], fb.capacity[key])
            for key in CAPACITY_KEYS
        ]
        rows.append(
            Difference(
                "First year data-centre demand exceeds the generation and storage secured "
                f"(from {self.this_year} on)",
                "year",
                fa.first_gap_year,
                fb.first_gap_year,
                a_text=self._no_gap(fa),
                b_text=self._no_gap(fb),
            )
        )
        if self.balance_year is not None:
            rows += [
                Difference(
                    f"{label}, end of {self.balance_year}", "MW", fa.balance[key], fb.balance[key]
                )
                for key, label in BALANCE_FIGURES
            ]
        rows += [
            Difference("Leverage (debt per $ of equity)", LEVERAGE_UNIT, fa.leverage, fb.leverage),
            Difference(
                "Equity committed and the debt it supports",
                "USD",
                fa.financed_usd,
                fb.financed_usd,
            ),
        ]
        if self.bridge_year is not None:
            rows += [
                Difference(
                    f"{label}, end of {self.bridge_year}", "USD", fa.bridge[key], fb.bridge[key]
                )
                for key, label in BRIDGE_FIGURES
            ]
        if fa.undated_usd or fb.undated_usd:
            rows.append(
                Difference(
                    "Capital needed by projects without a date",
                    "USD",
                    fa.undated_usd or 0.0,
                    fb.undated_usd or 0.0,
                )
            )
        return rows

    def _no_gap(self, figures: Figures) -> str:
        if figures.first_gap_year is not None:
            return ""
        return f"not before {self.balance_year}" if self.balance_year else "no dated capacity"


BALANCE_FIGURES = (
    ("demand_mw", "Data-centre IT load online"),
    ("supply_mw", "Generation and storage online"),
    ("gap_mw", "Demand over supply"),
)
BRIDGE_FIGURES = (
    ("cumulative_needed_usd", "Capital needed by projects online"),
    ("gap_to_committed_usd", "Gap (+) or surplus (−) to the money committed"),
    ("gap_to_total_target_usd", "Gap (+) or surplus (−) to the total target"),
)


@dataclass(frozen=True)
class Difference:
    """One figure of the table: its label, its unit (MW, USD, ": 1", "year") and each side's
    value (None: none, such as no gap year, said in `a_text` or `b_text`)."""

    label: str
    unit: str
    a: float | int | None
    b: float | int | None
    a_text: str = ""
    b_text: str = ""

    @property
    def difference(self) -> float | int | None:
        if self.a is None or self.b is None:
            return None
        return self.b - self.a

    @property
    def a_shown(self) -> str:
        return self.a_text if self.a is None and self.a_text else _shown(self.a, self.unit)

    @property
    def b_shown(self) -> str:
        return self.b_text if self.b is None and self.b_text else _shown(self.b, self.unit)

    @property
    def difference_shown(self) -> str:
        return _change(self.difference, self.unit)


def _shown(value: float | int | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "MW":
        return power(value)
    if unit == "USD":
        return usd(value)
    if unit == LEVERAGE_UNIT:
        return f"{value:.2f} : 1"
    return str(value)


def _change(value: float | int | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "MW":
        return power_change(value)
    if unit == "USD":
        return usd_change(value)
    if value == 0:
        return "no change" if unit != "year" else "the same year"
    sign = "+" if value > 0 else "−"
    if unit == LEVERAGE_UNIT:
        return f"{sign}{abs(value):.2f}"
    years = abs(int(value))
    return f"{sign}{years} year{'s' if years != 1 else ''}"


def _own(side: Side, chart: str) -> tuple[tuple[Row, ...], Mapping[str, Any]]:
    """The side's own rows of the chart (a scenario's charts also hold the recorded rows
    beside it), and the chart's extras."""
    data = blocks.chart_data(chart, side.filters)
    return tuple(row for row in data.rows if row.get("case") == side.case), data.extras


def _at(rows: Sequence[Row], year: int, key: str) -> float:
    """A cumulative figure at the end of `year`: its row's, else the last one before it."""
    before = [row for row in rows if row["year"] <= year]
    return float(before[-1][key]) if before else 0.0


def _last_year(*row_sets: Sequence[Row]) -> int | None:
    years = [row["year"] for rows in row_sets for row in rows]
    return max(years) if years else None


def _capacity(side: Side) -> dict[str, float]:
    h = blocks.headline(side.filters)
    if side.applied is None:
        return {key: h["mw"][key] for key in CAPACITY_KEYS}
    return {key: h["scenario"]["mw"][key]["scenario"] for key in CAPACITY_KEYS}


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def compare(a: Side, b: Side) -> Comparison:
    """Both sides' figures, read from the dashboard's cached rows of each side's view."""
    balances = {side.key: _own(side, "power_balance") for side in (a, b)}
    bridges = {side.key: _own(side, "capital_bridge") for side in (a, b)}
    balance_year = _last_year(*(rows for rows, _ in balances.values()))
    bridge_year = _last_year(*(rows for rows, _ in bridges.values()))
    figures = {}
    for side in (a, b):
        balance_rows, balance_extras = balances[side.key]
        bridge_rows, bridge_extras = bridges[side.key]
        figures[side.key] = Figures(
            capacity=_capacity(side),
            first_gap_year=(balance_extras.get("first_gap_year") or {}).get(side.case),
            balance={
                key: _at(balance_rows, balance_year, key) if balance_year else 0.0
                for key, _ in BALANCE_FIGURES
            },
            leverage=_float((bridge_extras.get("leverage") or {}).get(side.case)),
            financed_usd=_float((bridge_extras.get("financed_usd") or {}).get(side.case)),
            bridge={
                key: _at(bridge_rows, bridge_year, key) if bridge_year else 0.0
                for key, _ in BRIDGE_FIGURES
            },
            undated_usd=_float((bridge_extras.get("undated") or {}).get(side.case)),
        )
    return Comparison(
        a=a,
        b=b,
        figures=figures,
        balance_year=balance_year,
        bridge_year=bridge_year,
        this_year=dt.date.today().year,
    )


def chart_blocks(side: Side) -> list[SafeString]:
    """The side's power balance and capital bridge: the dashboard's own cards for its view
    (cached), their element ids prefixed by the side, so that the two sides' cards differ."""
    base = reverse("dashboard")
    return [
        mark_safe(  # noqa: S308 (our template, its values escaped)
            render_to_string(
                "dashboard/index.html#chart",
                {
                    "chart": blocks.chart(name, side.filters),
                    "base_path": base,
                    "query": side.dashboard_query,
                    "id_prefix": f"{side.key}-",
                },
            )
        )
        for name in CHARTS
    ]
