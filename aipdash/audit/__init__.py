"""The audit trail: history rows for bulk writes (history.py) and "since your last visit"
(changes.py).

TEMPORARY (issue 14): the names of the old module aipdash/audit.py are re-exported here until
the merge rewrites `aipdash.audit` to aipdash.audit.history (MOVES.md).
"""

from aipdash.audit.history import *  # noqa: F403
