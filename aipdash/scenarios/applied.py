"""A scenario as a view applies it: its address (slug), its name, the assumptions and the key
its figures are cached under. Made from a saved scenario the reader may see
(`AppliedScenario.of`), and later from a shared link's stored copy or a form's unsaved values:
the dashboard reads only this value, never the model.
"""

import hashlib
from dataclasses import dataclass

from aipdash.scenarios.assumptions import Assumptions
from aipdash.scenarios.models import Scenario


@dataclass(frozen=True)
class AppliedScenario:
    slug: str
    name: str
    # The cache keys of the figures computed under it: a saved scenario's version (every save
    # replaces it); for assumptions not saved, a digest of their canonical text.
    version: str
    assumptions: Assumptions
    owner: str = ""  # who keeps it, for people ("" for the demo's)

    @classmethod
    def of(cls, scenario: Scenario) -> "AppliedScenario":
        owner = scenario.owner.get_username() if scenario.owner is not None else ""
        return cls(
            slug=scenario.slug,
            name=scenario.name,
            version=scenario.version,
            assumptions=scenario.assumptions,
            owner=owner,
        )

    @classmethod
    def unsaved(cls, slug: str, name: str, assumptions: Assumptions) -> "AppliedScenario":
        digest = hashlib.sha256(assumptions.canonical().encode()).hexdigest()[:32]
        return cls(slug=slug, name=name, version=f"unsaved-{digest}", assumptions=assumptions)
