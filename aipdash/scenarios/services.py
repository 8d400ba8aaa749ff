"""What a user does with scenarios outside the admin: save the form's values over their own
scenario, save them as a new one, duplicate one they may see, and read a scenario's history in
words.

Who may: every user who may browse the dashboard keeps scenarios of their own (they are a
user's assumptions, not portfolio data). A user changes only their own scenarios here; another
user's shared scenario and the demo's are saved as a new one ("Save as…") or duplicated.
Editors still keep the demo's in the admin (docs/scenarios.md).
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction

from aipdash.core.roles import has_role
from aipdash.scenarios import drafts
from aipdash.scenarios.assumptions import ASSUMPTION_FIELDS, Assumptions
from aipdash.scenarios.models import Scenario

NAME_MAX = Scenario._meta.get_field("name").max_length or 120
COPY_OF = "Copy of "


class NotYours(PermissionError):
    """The scenario is not the user's own: saved as a new one instead."""


def may_keep_scenarios(user: User | AnonymousUser) -> bool:
    """Whether `user` keeps scenarios of their own: anyone who may browse the dashboard."""
    return bool(user.is_authenticated) and has_role(user)


def may_change(user: User | AnonymousUser, scenario: Scenario) -> bool:
    """Whether `user` may save over `scenario` from the dashboard: only its owner."""
    return (
        may_keep_scenarios(user)
        and scenario.owner_id is not None
        and (scenario.owner_id == user.pk)
    )


def _json_number(text: str | None) -> int | float | None:
    if text is None:
        return None
    number = Decimal(text)
    return int(number) if number == number.to_integral_value() else float(number)


def _write(scenario: Scenario, assumptions: Assumptions) -> None:
    """The assumptions into the model's fields."""
    fields = assumptions.to_fields()
    for name in ASSUMPTION_FIELDS:
        value: Any = fields[name]
        if name == "attrition_by_kind":
            value = {
                kind: {stage: _json_number(pct) for stage, pct in stages.items()}
                for kind, stages in value.items()
            }
        elif name.startswith("slip_") or name == "demand_case":
            pass
        elif value is not None:
            value = Decimal(value)
        setattr(scenario, name, value)


def _sources_kept(
    sources: Mapping[str, Any], before: Assumptions, after: Assumptions
) -> dict[str, Any]:
    """The stated sources of the groups whose values did not change: a source said of other
    values would be a false citation (the changed group reads "no source given")."""
    changed = drafts.changed_groups(before, after)
    return {group: basis for group, basis in (sources or {}).items() if group not in changed}


def _checked_save(scenario: Scenario) -> None:
    scenario.full_clean()
    scenario.save()


@transaction.atomic
def save_changes(scenario: Scenario, assumptions: Assumptions, user: User) -> Scenario:
    """Save `assumptions` over the user's own scenario: a new version (its cached figures are
    replaced) and a history row. NotYours for any other scenario."""
    if not may_change(user, scenario):
        raise NotYours(f"“{scenario.name}” is not yours: save it as a new scenario.")
    locked = Scenario.objects.select_for_update().get(pk=scenario.pk)
    before = locked.assumptions
    _write(locked, assumptions)
    locked.assumption_sources = _sources_kept(locked.assumption_sources, before, assumptions)
    _checked_save(locked)
    return locked


@dataclass(frozen=True)
class NewScenario:
    name: str
    description: str = ""
    visibility: str = Scenario.Visibility.PRIVATE


@transaction.atomic
def save_as(
    new: NewScenario, assumptions: Assumptions, user: User, base: Scenario | None = None
) -> Scenario:
    """A new scenario owned by `user` with `assumptions`; the sources `base` states for the
    groups left as they were come along. ValidationError naming the field otherwise."""
    if not may_keep_scenarios(user):
        raise NotYours("You may not keep scenarios.")
    scenario = Scenario(
        name=new.name.strip(),
        description=new.description.strip(),
        visibility=new.visibility,
        owner=user,
    )
    _write(scenario, assumptions)
    if base is not None:
        scenario.assumption_sources = _sources_kept(
            base.assumption_sources, base.assumptions, assumptions
        )
    _checked_save(scenario)
    return scenario


def duplicate(scenario: Scenario, user: User) -> Scenario:
    """A copy of a scenario `user` may see, owned by them and private: "Copy of …"."""
    name = (COPY_OF + scenario.name)[:NAME_MAX]
    return save_as(
        NewScenario(name=name, description=scenario.description),
        scenario.assumptions,
        user,
        base=scenario,
    )


# History in words ---------------------------------------------------------------------------

VISIBILITY_WORDS = dict(Scenario.Visibility.choices)


def _number(value: object) -> str:
    if value is None or value == "":
        return ""
    number = Decimal(str(value)).normalize()
    return format(number, ",f") if abs(number) >= 10_000 else format(number, "f")


def _value_words(name: str, value: object) -> str:
    if name.startswith("slip_"):
        return f"{_number(value)}"
    if name.startswith("attrition_") and name.endswith("_pct"):
        return f"{_number(value)}"
    if name == "leverage":
        return "the partnership's own (about 2.33)" if value is None else f"{_number(value)} : 1"
    if name.startswith("cost_per_mw_"):
        return "the portfolio's median" if value is None else f"${_number(value)}"
    if name == "attrition_by_kind":
        if not value or not isinstance(value, Mapping):
            return "none"
        return "; ".join(
            f"{kind.replace('_', ' ')} "
            + ", ".join(f"{stage} {_number(pct)} %" for stage, pct in sorted(stages.items()))
            for kind, stages in sorted(value.items())
        )
    if name == "visibility":
        return str(VISIBILITY_WORDS.get(str(value), value))
    if name == "assumption_sources":
        return ", ".join(sorted(value)) if isinstance(value, Mapping) and value else "none"
    if name == "owner":
        return "nobody" if value is None else str(value)
    return f"“{value}”"


UNITS = {"slip": " months", "attrition": " %"}


def change_in_words(name: str, old: object, new: object) -> str:
    """One changed field in words: "slip, development: 0 → 12 months"."""
    if name in drafts.DRAFT_FIELDS or name == "attrition_by_kind":
        label = "attrition by kind" if name == "attrition_by_kind" else drafts.DRAFT_FIELDS[name][0]
    else:
        field = Scenario._meta.get_field(name)
        verbose = getattr(field, "verbose_name", name)  # a relation's reverse side has none
        label = {"assumption_sources": "sources stated for"}.get(name, str(verbose))
    label = label[0].lower() + label[1:]
    unit = next(
        (
            u
            for prefix, u in UNITS.items()
            if name.startswith(prefix) and name != "attrition_by_kind"
        ),
        "",
    )
    return f"{label}: {_value_words(name, old)} → {_value_words(name, new)}{unit}"


@dataclass(frozen=True)
class HistoryEntry:
    when: dt.datetime
    who: str
    what: str  # "created", "changed", "deleted"
    changes: tuple[str, ...]


# Fields of the history that are not the user's to read: the bookkeeping of every save.
UNTOLD = frozenset({"version", "updated", "created", "id"})


def history_in_words(scenario: Scenario) -> list[HistoryEntry]:
    """Who changed which assumption when, newest first, each change in words."""
    records = list(scenario.history.select_related("history_user").order_by("history_date"))
    entries = []
    previous = None
    for record in records:
        who = record.history_user.get_username() if record.history_user else "not recorded"
        if previous is None or record.history_type == "+":
            entries.append(HistoryEntry(record.history_date, who, "created", ()))
        else:
            delta = record.diff_against(previous)
            changes = tuple(
                change_in_words(c.field, c.old, c.new)
                for c in delta.changes
                if c.field not in UNTOLD
            )
            entries.append(HistoryEntry(record.history_date, who, "changed", changes))
        previous = record
    return entries[::-1]


def last_change(scenario: Scenario) -> tuple[dt.datetime, str]:
    """When the scenario last changed and who changed it ("not recorded" when no one was
    signed in: the demo's loader)."""
    record = scenario.history.select_related("history_user").order_by("-history_date").first()
    if record is None:
        return scenario.updated, "not recorded"
    who = record.history_user.get_username() if record.history_user else "not recorded"
    return record.history_date, who
