"""Shared links: read-only views of the dashboard for people without a login. services.py
creates, resolves, scopes, rotates, revokes and prunes them; forms.py is the share form.

TEMPORARY (issue 14): the names of the old module aipdash/sharing.py are re-exported here
until the merge rewrites `from aipdash import sharing` to aipdash.sharing.services (MOVES.md).
"""

from aipdash.sharing.services import *  # noqa: F403
