"""TEMPORARY (issue 14): split into aipdash/sharing/models.py (ShareLink), aipdash/audit/models.py
(LastSeen) and aipdash/core/models.py (AuthVersion); re-exported until the merge (MOVES.md)."""

from aipdash.audit.models import LastSeen  # noqa: F401
from aipdash.core.models import AuthVersion  # noqa: F401
from aipdash.sharing.models import ShareLink  # noqa: F401
