"""The groups of the product and the role check every page but the open ones makes.

A user has a role on this site when they may view the portfolio (`REQUIRED_PERMISSION`): the
viewer and editor groups and superusers. What each group may do is granted over the portfolio
models by aipdash/records/grants.py.
"""

from django.contrib.auth.models import AnonymousUser, User

VIEWER = "viewer"
EDITOR = "editor"
GROUPS = (VIEWER, EDITOR)
# Held by viewer, editor and superuser: a signed-in user without it has no role on this site.
REQUIRED_PERMISSION = "projects.view_project"


def has_role(user: User | AnonymousUser) -> bool:
    """Whether a signed-in `user` may see the site's data pages at all."""
    return user.has_perm(REQUIRED_PERMISSION)
