"""The scenarios shipped with the demo data: three that a new user can pick at once, each
assumption sourced or marked as ours (`assumption_sources`). Loaded by `load_demo`
(aipdash/operations/demo/loader.py) in its transaction, like the demo records: missing ones
are created by slug, edited ones kept unless `refresh`. Visible to everyone and owned by no
one (the demo is loaded before any user exists: `make run` makes the login afterwards).
"""

from decimal import Decimal
from typing import Any

from aipdash.scenarios.assumptions import ASSUMPTION_FIELDS, QUEUED_UP_RATES, Basis
from aipdash.scenarios.models import Scenario

CHANGE_REASON = "Demo data (load_demo)"
REFRESH_REASON = "Demo values put back (load_demo --refresh)"


def _ours(note: str) -> dict[str, str | None]:
    return Basis(Basis.OURS, note).to_json()


def _queued_up(note: str) -> dict[str, str | None]:
    return Basis(Basis.OURS, f"{QUEUED_UP_RATES.note} {note}").to_json()


DEMO_SCENARIOS: tuple[dict[str, Any], ...] = (
    {
        "slug": "everything-a-year-late",
        "name": "Everything a year late",
        "description": "Every phase that is not online yet comes online twelve months after "
        "its recorded date, whatever its stage. Nothing is lost; everything is later.",
        "slip_announced_months": 12,
        "slip_development_months": 12,
        "slip_construction_months": 12,
        "assumption_sources": {
            "slip": _ours(
                "A stress case of ours: a year for every stage, not a published rate of delay."
            ),
        },
    },
    {
        "slug": "queued-up-attrition",
        "name": "Queued Up attrition",
        "description": "Announced generation and storage are built at the rates attributed to "
        "Berkeley Lab for the capacity that asked for a grid connection: 14 % of generation "
        "capacity and 11 % of batteries (an assumption of ours; see its source).",
        "attrition_by_kind": {
            "generation": {"announced": 86},
            "storage": {"announced": 89},
        },
        "assumption_sources": {
            "attrition": _queued_up(
                "Applied: 86 % of announced generation and 89 % of announced storage never "
                "come online; announced projects only (the rates count from the request for "
                "a connection); no data centre is lost."
            ),
        },
    },
    {
        "slug": "less-debt-1-5-to-1",
        "name": "Less debt: 1.5 : 1",
        "description": "Lenders give $1.50 per dollar of equity instead of the partnership's "
        "$2.33: $30bn of equity then mobilises $75bn, not $100bn.",
        "leverage": Decimal("1.50"),
        "assumption_sources": {
            "leverage": _ours(
                "A stress case of ours: 1.5 : 1 against the partnership's own 70 : 30."
            ),
        },
    },
)


def load(*, refresh: bool = False) -> int:
    """Create the missing demo scenarios (with `refresh`, put back the demo values of changed
    ones); return how many the demo has. Every save follows full_clean()."""
    existing = Scenario.objects.in_bulk([s["slug"] for s in DEMO_SCENARIOS], field_name="slug")
    # Every assumption the demo leaves at its default is put back to it too by a refresh.
    defaults = {
        **{name: Scenario.default_of(name) for name in ASSUMPTION_FIELDS},
        "assumption_sources": {},
        "visibility": Scenario.Visibility.EVERYONE,
        "owner": None,
    }
    for values in DEMO_SCENARIOS:
        values = {**defaults, **values}
        scenario = existing.get(values["slug"])
        if scenario is None:
            scenario, reason = Scenario(**values), CHANGE_REASON
        elif refresh and any(getattr(scenario, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(scenario, name, value)
            reason = REFRESH_REASON
        else:
            continue
        scenario.full_clean()
        # Recorded by django-simple-history with the row (its attribute, not in the stubs).
        scenario._change_reason = reason  # type: ignore[attr-defined]
        scenario.save()
    return len(DEMO_SCENARIOS)
