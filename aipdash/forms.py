"""TEMPORARY (issue 14): split into aipdash/core/forms.py (login forms) and
aipdash/sharing/forms.py (ShareLinkForm); re-exported here until the merge (MOVES.md)."""

from aipdash.core.forms import AdminLoginForm, LoginForm, UsernameLengthAfterNormalizing  # noqa: F401
from aipdash.sharing.forms import ShareLinkForm  # noqa: F401
