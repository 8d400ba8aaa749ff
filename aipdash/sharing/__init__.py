"""Shared links: read-only views of the dashboard for people without a login. A Django app
(label "sharing"): models.py, services.py (create, resolve, scope, rotate, revoke, prune),
forms.py, admin.py and the prune_share_links command.

TEMPORARY (issue 14): the names of the old module aipdash/sharing.py are served from services.py
here, lazily (the app's models cannot load before the app registry), until the merge rewrites
`from aipdash import sharing` to `from aipdash.sharing import services` (MOVES.md).
"""

import importlib


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    services = importlib.import_module("aipdash.sharing.services")
    try:
        return getattr(services, name)
    except AttributeError:
        raise AttributeError(f"module 'aipdash.sharing' has no attribute {name!r}") from None
