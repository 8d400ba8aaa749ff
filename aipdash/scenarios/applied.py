"""A scenario as a view applies it: its address (slug), its name, the assumptions and the key
its figures are cached under. Made from a saved scenario the reader may see
(`AppliedScenario.of`), and later from a shared link's stored copy or a form's unsaved values:
the dashboard reads only this value, never the model.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from aipdash.scenarios import drafts
from aipdash.scenarios.assumptions import (
    COST_FIELDS,
    GROUPS,
    OPEN_STAGES,
    Assumptions,
    Basis,
)
from aipdash.scenarios.models import Scenario

NEW_NAME = "New scenario"
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
    # Changed in the scenario form and not saved: the figures are the form's, not the saved
    # scenario's (the banner says so).
    edited: bool = False

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
    def unsaved(
        cls,
        slug: str,
        name: str,
        assumptions: Assumptions,
        *,
        owner: str = "",
        lines: tuple[tuple[str, str, str], ...] = (),
        edited: bool = False,
    ) -> "AppliedScenario":
        # Keyed by everything a figure or its block shows (the name, the sources), not the
        # assumptions alone: two drafts that differ only in name never share a cached block.
        text = json.dumps([slug, name, owner, assumptions.canonical(), lines, edited])
        digest = hashlib.sha256(text.encode()).hexdigest()[:32]
        return cls(
            slug=slug,
            name=name,
            version=f"unsaved-{digest}",
            assumptions=assumptions,
            owner=owner,
            lines=lines,
            edited=edited,
        )

    @classmethod
    def draft(cls, base: Scenario | None, assumptions: Assumptions) -> "AppliedScenario":
        """The scenario form's unsaved values over `base` (None: a new scenario from the
        defaults): each group's basis is the base's where the draft leaves it."""
        start = base.assumptions if base is not None else Assumptions()
        changed = drafts.changed_groups(start, assumptions)
        words = values_in_words(assumptions)
        lines = tuple(
            (
                GROUP_LABELS[group],
                words[group],
                basis_in_words(
                    drafts.basis_of(
                        group,
                        assumptions,
                        base.basis(group) if base is not None else None,
                        group in changed,
                    )
                ),
            )
            for group in GROUPS
        )
        return cls.unsaved(
            base.slug if base is not None else "",
            base.name if base is not None else NEW_NAME,
            assumptions,
            owner=base.owner.get_username() if base is not None and base.owner else "",
            lines=lines,
            edited=True,
        )

    # -- a shared link's copy ----------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """What a shared link stores: the scenario as it is now, whatever later saves do."""
        return {
            "slug": self.slug,
            "name": self.name,
            "owner": self.owner,
            "assumptions": self.assumptions.to_fields(),
            "lines": [list(line) for line in self.lines],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "AppliedScenario":
        """A copy stored by `to_json`, checked again by the assumptions' rules."""
        return cls.unsaved(
            str(data["slug"]),
            str(data["name"]),
            Assumptions.from_fields(data["assumptions"]),
            owner=str(data.get("owner", "")),
            lines=tuple(
                (str(label), str(words), str(basis)) for label, words, basis in data["lines"]
            ),
        )
