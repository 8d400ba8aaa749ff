"""TEMPORARY (issue 14): split into aipdash/core/roles.py (groups, role check) and
aipdash/records/grants.py (ensure_groups); re-exported here until the merge (MOVES.md)."""

from aipdash.core.roles import *  # noqa: F403
from aipdash.records.grants import EDITOR_MAY_DELETE, SHARING, ensure_groups  # noqa: F401
from aipdash.records.registry import by_app

PORTFOLIO_MODELS = by_app()  # the old shape: {app label: [model name]}
