"""Assumptions not saved yet: the scenario form's values, carried by the dashboard's address.

A draft is a set of fields of the address, each one assumption (`DRAFT_FIELDS`): the model's
field names, and the optional per-kind attrition flattened to one field per kind and stage
(`attrition_generation_announced_pct`), so that a form has one input per value and an address
one key per value. A draft changes the scenario it is drawn over (`?scenario=<slug>`, or the
defaults: a new scenario); a field absent from it keeps that scenario's value.

Parsed for its form only (`parse`: each value checked by the assumptions' own rules and
messages); merged with the scenario the reader may see (`apply`), and pruned of the values
that equal that scenario's (`prune`), so that one set of assumptions has one address.
"""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from aipdash.scenarios.assumptions import (
    ATTRITION_FIELDS,
    COST_FIELDS,
    DEFAULT_BASIS,
    DEFAULT_DEMAND_CASE,
    GROUPS,
    HUNDRED,
    KINDS,
    OPEN_STAGES,
    SLIP_FIELDS,
    ZERO,
    Assumptions,
    AssumptionsError,
    Basis,
)

# One field per kind and stage for the optional per-kind attrition: empty, the stage's rate.
KIND_ATTRITION_FIELDS = {
    (kind, stage): f"attrition_{kind}_{stage}_pct" for kind in KINDS for stage in OPEN_STAGES
}
KIND_ATTRITION_MESSAGE = (
    "An attrition from 0 to 100 percent of the MW; leave it empty for the stage's rate."
)

# Every field of a draft, with its label for people (a 400's list, the form) and its unit.
DRAFT_FIELDS: dict[str, tuple[str, str]] = {
    **{name: (f"Slip, {stage}", "months") for stage, name in SLIP_FIELDS.items()},
    **{name: (f"Attrition, {stage}", "%") for stage, name in ATTRITION_FIELDS.items()},
    **{
        name: (f"Attrition, {stage}, {kind.replace('_', ' ')}", "%")
        for (kind, stage), name in KIND_ATTRITION_FIELDS.items()
    },
    "leverage": ("Leverage", ": 1"),
    **{
        name: (f"Cost per MW, {kind.replace('_', ' ')}", "USD per MW")
        for kind, name in COST_FIELDS.items()
    },
    "demand_case": ("Demand case", ""),
}
# The group of assumptions each draft field belongs to (for its basis).
GROUP_OF = {
    **{name: group for group, names in GROUPS.items() for name in names},
    **dict.fromkeys(KIND_ATTRITION_FIELDS.values(), "attrition"),
}
# Fields whose empty value is a number: no slip, no attrition.
ZERO_WHEN_EMPTY = frozenset((*SLIP_FIELDS.values(), *ATTRITION_FIELDS.values()))


def _norm(name: str, value: object) -> str:
    """One text per value of a field: numbers normalised (12.50 and 12.5 are one), an empty
    slip or stage attrition is 0. Assumes a value `parse` accepted (or one of a saved scenario)."""
    text = "" if value is None else str(value).strip()
    if not text and name in ZERO_WHEN_EMPTY:
        return "0"
    if name == "demand_case":
        return text or DEFAULT_DEMAND_CASE
    if not text:
        return text
    try:
        return format(Decimal(text).normalize(), "f")
    except InvalidOperation:
        return text


def parse(lists: Mapping[str, list[str]]) -> tuple[dict[str, str], dict[str, str]]:
    """(the draft's fields, normalised; errors by field) from a query string's lists of values.
    Each field is checked by the assumptions' own bounds and messages."""
    given: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name in DRAFT_FIELDS:
        values = lists.get(name)
        if values is None:
            continue
        if len(values) > 1:
            errors[name] = "Give one value at most."
            continue
        given[name] = values[0].strip()
    per_kind = {
        (kind, stage): given.pop(name)
        for (kind, stage), name in KIND_ATTRITION_FIELDS.items()
        if name in given
    }
    try:
        Assumptions.from_fields(given)
    except AssumptionsError as error:
        errors.update(error.errors)
    for (kind, stage), text in per_kind.items():
        name = KIND_ATTRITION_FIELDS[kind, stage]
        if text and not _percent(text):
            errors[name] = KIND_ATTRITION_MESSAGE
    fields = {**given, **{KIND_ATTRITION_FIELDS[key]: text for key, text in per_kind.items()}}
    return {name: _norm(name, value) for name, value in fields.items()}, errors


def _percent(text: str) -> bool:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return False
    return number.is_finite() and ZERO <= number <= HUNDRED


def fields_of(assumptions: Assumptions) -> dict[str, str]:
    """Every draft field's value (normalised) under `assumptions`: what the form shows."""
    stored = assumptions.to_fields()
    values = {name: _norm(name, stored[name]) for name in DRAFT_FIELDS if name in stored}
    for (kind, stage), name in KIND_ATTRITION_FIELDS.items():
        values[name] = _norm(name, assumptions.attrition_by_kind.get(kind, {}).get(stage))
    return values


def prune(base: Assumptions, draft: Mapping[str, str]) -> dict[str, str]:
    """The draft's fields that change `base` (the others say nothing)."""
    current = fields_of(base)
    return {name: value for name, value in draft.items() if current.get(name) != value}


def apply(base: Assumptions, draft: Mapping[str, str]) -> Assumptions:
    """`base` with the draft's values (checked by `parse`: AssumptionsError otherwise)."""
    values: dict[str, Any] = {**base.to_fields()}
    by_kind = {kind: dict(stages) for kind, stages in values["attrition_by_kind"].items()}
    for name, value in draft.items():
        if name in GROUP_OF and name not in KIND_ATTRITION_FIELDS.values():
            values[name] = value
    for (kind, stage), name in KIND_ATTRITION_FIELDS.items():
        if name not in draft:
            continue
        if draft[name]:
            by_kind.setdefault(kind, {})[stage] = draft[name]
        else:
            by_kind.get(kind, {}).pop(stage, None)
    values["attrition_by_kind"] = {kind: stages for kind, stages in by_kind.items() if stages}
    return Assumptions.from_fields(values)


def changed_groups(base: Assumptions, assumptions: Assumptions) -> set[str]:
    """The groups of assumptions whose values differ between the two."""
    before, after = fields_of(base), fields_of(assumptions)
    return {GROUP_OF[name] for name in DRAFT_FIELDS if before[name] != after[name]}


def at_default(assumptions: Assumptions, group: str) -> bool:
    default = fields_of(Assumptions())
    values = fields_of(assumptions)
    return all(values[name] == default[name] for name in DRAFT_FIELDS if GROUP_OF[name] == group)


CHANGED_HERE = Basis(Basis.OURS, "Changed in the scenario form; no source given.")


def basis_of(
    group: str, assumptions: Assumptions, base_basis: Basis | None, changed: bool
) -> Basis:
    """Where a draft's group of assumptions comes from: the base scenario's basis when the draft
    leaves it; else the default's source at the default; else an assumption of ours, said so."""
    if not changed and base_basis is not None:
        return base_basis
    if at_default(assumptions, group):
        return DEFAULT_BASIS[group]
    return CHANGED_HERE
