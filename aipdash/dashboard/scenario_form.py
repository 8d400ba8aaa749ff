"""The scenario form beside the dashboard: every assumption with its value in the view, its
unit, its bounds and where it comes from, grouped as docs/scenarios.md lists them.

Its inputs belong to the dashboard's filter form (`form="dashboard-filters"`): moving a value
asks for the charts region of the address with the form's values in it (static/js/scenario.js,
debounced), so every unsaved value lives in the URL and nothing is saved until Save or Save as….
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from aipdash.core.cache.payloads import cached
from aipdash.dashboard.filters import DashboardFilters
from aipdash.scenarios import drafts, services
from aipdash.scenarios.applied import GROUP_LABELS, basis_in_words
from aipdash.scenarios.assumptions import (
    ATTRITION_FIELDS,
    COST_FIELDS,
    COST_PER_MW_MAX,
    COST_PER_MW_MIN,
    DEFAULT_BASIS,
    DEMAND_CASES,
    LEVERAGE_MAX,
    SLIP_FIELDS,
    SLIP_MAX,
    Assumptions,
)
from aipdash.scenarios.models import Scenario
from aipdash.scenarios.selectors import cost_per_mw_medians
from projects.models import MarketIndicator


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    unit: str
    value: str  # in this view (the draft's, else the scenario's)
    saved: str  # the scenario's own (what Back to an address without it shows)
    low: str = ""
    high: str = ""
    step: str = "any"
    placeholder: str = ""
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()

    @property
    def bounds(self) -> str:
        """The bounds for people: "0 to 120", "$10,000 to $100,000,000"."""

        def words(text: str) -> str:
            number = Decimal(text)
            return f"${number:,.0f}" if number >= 10_000 else text

        return f"{words(self.low)} to {words(self.high)}" if self.low else ""


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    basis: str
    fields: tuple[Field, ...]
    more: tuple[Field, ...] = ()  # the optional ones, folded (per-kind attrition)


def medians() -> dict[str, tuple[Decimal, int]]:
    """The portfolio's median cost per MW per kind, with how many projects it rests on."""
    return cached("cost-per-mw-medians", "", cost_per_mw_medians, local=True)


def _kind(kind: str) -> str:
    return kind.replace("_", " ")


def groups(filters: DashboardFilters, scenario: Scenario | None) -> list[Group]:
    """The form's groups for a view (resolved: `filters.applied`) over `scenario`."""
    base = scenario.assumptions if scenario is not None else Assumptions()
    current = filters.applied.assumptions if filters.applied is not None else base
    values, saved = drafts.fields_of(current), drafts.fields_of(base)
    basis = {
        label: text for label, _words, text in (filters.applied.lines if filters.applied else ())
    }

    def field(name: str, **extra: Any) -> Field:
        label, unit = drafts.DRAFT_FIELDS[name]
        return Field(
            name=name, label=label, unit=unit, value=values[name], saved=saved[name], **extra
        )

    def basis_of(group: str) -> str:
        return basis.get(GROUP_LABELS[group]) or basis_in_words(DEFAULT_BASIS[group])

    costs = medians()
    cost_fields = []
    for kind, name in COST_FIELDS.items():
        median = costs.get(kind)
        hint = (
            f"Median ${median[0]:,.0f} per MW of {median[1]} project{'s' if median[1] != 1 else ''}"
            if median
            else "No recorded cost of this kind: no median"
        )
        cost_fields.append(
            field(
                name,
                low=str(COST_PER_MW_MIN),
                high=str(COST_PER_MW_MAX),
                step="1000",
                placeholder=f"{median[0]:.0f}" if median else "",
                hint=hint + "; empty: the median.",
            )
        )
    case_labels = tuple((c, str(MarketIndicator.Scenario(c).label)) for c in DEMAND_CASES)
    return [
        Group(
            "slip",
            GROUP_LABELS["slip"],
            basis_of("slip"),
            tuple(
                field(name, low="0", high=str(SLIP_MAX), step="1") for name in SLIP_FIELDS.values()
            ),
        ),
        Group(
            "attrition",
            GROUP_LABELS["attrition"],
            basis_of("attrition"),
            tuple(field(name, low="0", high="100") for name in ATTRITION_FIELDS.values()),
            more=tuple(
                field(name, low="0", high="100", placeholder="stage's rate")
                for name in drafts.KIND_ATTRITION_FIELDS.values()
            ),
        ),
        Group(
            "leverage",
            GROUP_LABELS["leverage"],
            basis_of("leverage"),
            (
                field(
                    "leverage",
                    low="0",
                    high=str(LEVERAGE_MAX),
                    step="0.01",
                    placeholder="2.33",
                    hint="Debt per $ of equity; empty: the partnership's own, about 2.33.",
                ),
            ),
        ),
        Group(
            "cost_per_mw", GROUP_LABELS["cost_per_mw"], basis_of("cost_per_mw"), tuple(cost_fields)
        ),
        Group(
            "demand_case",
            GROUP_LABELS["demand_case"],
            basis_of("demand_case"),
            (field("demand_case", choices=case_labels),),
        ),
    ]


def context(filters: DashboardFilters, user: User | AnonymousUser) -> dict[str, Any]:
    """What templates/dashboard/scenario_form.html needs, for a resolved view."""
    scenario = None
    if filters.scenario is not None:
        scenario = Scenario.objects.select_related("owner").filter(slug=filters.scenario).first()
    return {
        "groups": groups(filters, scenario),
        "scenario": scenario,
        "may_save": scenario is not None and services.may_change(user, scenario),
        "edited": bool(filters.draft),
        "saved_query": filters.saved().canonical(),
        "view_query": filters.canonical(),
        "open": filters.scenario is not None or bool(filters.draft),
    }
