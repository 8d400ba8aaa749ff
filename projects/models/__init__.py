"""The projects app's models, one module per kind (as NetBox's dcim/models/ is):

- portfolio.py: deals, projects and their phases, participations and commitments (Investment,
  Project, ProjectPhase, Participation, Commitment) and the Stage choices;
- partnership.py: the partnership's targets, fundraising and market context (Target,
  FundraisingUpdate, MarketIndicator);
- notes.py: dated notes on the portfolio's timeline (Note);
- facts.py: the read models the database's triggers keep for the dashboard's sums
  (FactSource, CommitmentFact, CommitmentSpan, CommitmentSum, CommitmentTotal, CapacitySum,
  ProjectSum, PhaseGroupSum, CapitalSum, NO_MONTH);
- fields.py: the money and capacity fields and their database checks.

Everything is re-exported here: `from projects.models import Project` stays the way to import.
"""

from projects.models.facts import (
    NO_MONTH,
    CapacitySum,
    CapitalSum,
    CommitmentFact,
    CommitmentSpan,
    CommitmentSum,
    CommitmentTotal,
    FactSource,
    PhaseGroupSum,
    ProjectSum,
)
from projects.models.fields import (
    MAX_USD,
    MAX_USD_MESSAGE,
    ZERO,
    at_most_max_usd,
    money_field,
    mw_field,
    not_negative,
)
from projects.models.notes import Note
from projects.models.partnership import FundraisingUpdate, MarketIndicator, Target
from projects.models.portfolio import (
    COST_PER_MW,
    PRICED,
    Commitment,
    Investment,
    Participation,
    Project,
    ProjectPhase,
    Stage,
)

__all__ = [
    "COST_PER_MW",
    "MAX_USD",
    "MAX_USD_MESSAGE",
    "NO_MONTH",
    "PRICED",
    "ZERO",
    "CapacitySum",
    "CapitalSum",
    "Commitment",
    "CommitmentFact",
    "CommitmentSpan",
    "CommitmentSum",
    "CommitmentTotal",
    "FactSource",
    "FundraisingUpdate",
    "Investment",
    "MarketIndicator",
    "Note",
    "Participation",
    "PhaseGroupSum",
    "Project",
    "ProjectPhase",
    "ProjectSum",
    "Stage",
    "Target",
    "at_most_max_usd",
    "money_field",
    "mw_field",
    "not_negative",
]
