"""A scenario as a view applies it: its address (slug), its name, the assumptions and the key
its figures are cached under. Made from a saved scenario the reader may see
(`AppliedScenario.of`), and later from a shared link's stored copy or a form's unsaved values:
the dashboard reads only this value, never the model.
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from aipdash.scenarios.assumptions import (
    COST_FIELDS,
    GROUPS,
    OPEN_STAGES,
    Assumptions,
    Basis,
)
from aipdash.scenarios.models import Scenario

GROUP_LABELS = {
    "slip": "Schedule slip",
    "attrition": "Attrition",
    "leverage": "Leverage",
    "cost_per_mw": "Capital cost per MW",
    "demand_case": "Demand case",
}


def _number(value: Decimal | None) -> str:
    return format(value.normalize(), "f") if value is not None else ""


def values_in_words(a: Assumptions) -> dict[str, str]:
    """Each group of assumptions in words, for people (an export's sheet, a shared page)."""
    by_kind = "; ".join(
        f"{kind.replace('_', ' ')}: "
        + ", ".join(f"{stage} {_number(pct)} %" for stage, pct in sorted(stages.items()))
        for kind, stages in sorted(a.attrition_by_kind.items())
    )
    costs = ", ".join(
        f"{kind.replace('_', ' ')} ${a.cost_per_mw[kind]:,.0f}"
        for kind in COST_FIELDS
        if a.cost_per_mw.get(kind) is not None
    )
    return {
        "slip": ", ".join(f"{stage} {a.slip(stage)} months" for stage in OPEN_STAGES),
        "attrition": ", ".join(
            f"{stage} {_number(a.attrition_pct[stage])} %" for stage in OPEN_STAGES
        )
        + (f"; by kind: {by_kind}" if by_kind else ""),
        "leverage": f"{_number(a.leverage)} : 1 (debt per $ of equity)"
        if a.leverage is not None
        else "The partnership's own ($70bn of debt on $30bn of equity, about 2.33 : 1)",
        "cost_per_mw": costs or "The portfolio's median per kind",
        "demand_case": str(a.demand_case),
    }


def basis_in_words(basis: Basis) -> str:
    if basis.kind == Basis.SOURCE:
        as_of = f", as of {basis.as_of:%-d %b %Y}" if basis.as_of else ""
        return f"{basis.note} Source: {basis.title} ({basis.url}){as_of}."
    if basis.kind == Basis.OURS:
        return f"Assumption of ours: {basis.note}"
    return basis.note


@dataclass(frozen=True)
class AppliedScenario:
    slug: str
    name: str
    # The cache keys of the figures computed under it: a saved scenario's version (every save
    # replaces it); for assumptions not saved, a digest of their canonical text.
    version: str
    assumptions: Assumptions
    owner: str = ""  # who keeps it, for people ("" for the demo's)
    # (assumption, its values in words, where they come from): an export's "Scenario" sheet.
    lines: tuple[tuple[str, str, str], ...] = ()

    @classmethod
    def of(cls, scenario: Scenario) -> "AppliedScenario":
        owner = scenario.owner.get_username() if scenario.owner is not None else ""
        assumptions = scenario.assumptions
        words = values_in_words(assumptions)
        return cls(
            slug=scenario.slug,
            name=scenario.name,
            version=scenario.version,
            assumptions=assumptions,
            owner=owner,
            lines=tuple(
                (GROUP_LABELS[group], words[group], basis_in_words(scenario.basis(group)))
                for group in GROUPS
            ),
        )

    @classmethod
    def unsaved(cls, slug: str, name: str, assumptions: Assumptions) -> "AppliedScenario":
        digest = hashlib.sha256(assumptions.canonical().encode()).hexdigest()[:32]
        return cls(slug=slug, name=name, version=f"unsaved-{digest}", assumptions=assumptions)
