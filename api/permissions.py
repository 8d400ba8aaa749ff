"""What each kind of caller may read.

Records (partners, projects, ...): a user (session or personal token) with the view
permissions of the viewer role. Charts: such a user, or a share link (within its scope; the
views apply the scope). Nothing else: a share link reads no record, a user without the
viewer role reads nothing.
"""

from rest_framework.permissions import BasePermission

from aipdash.sharing.models import ShareLink

# The viewer role's permissions that the API and its docs need at the least.
VIEWER_PERMS = ("partners.view_partner", "projects.view_project")


def is_share_link(request) -> bool:
    return isinstance(request.auth, ShareLink)


def _user_may(request, perms) -> bool:
    user = request.user
    return bool(user and user.is_authenticated and user.is_active and user.has_perms(perms))


class ReadsRecords(BasePermission):
    """A user with the view permissions the view names (`required_perms`)."""

    message = "Reading records needs the viewer role; a shared link opens its charts only."

    def has_permission(self, request, view):
        if is_share_link(request):
            return False
        return _user_may(request, getattr(view, "required_perms", VIEWER_PERMS))


class ReadsCharts(BasePermission):
    """A user with the viewer role, or a share link (scoped by the view)."""

    message = "Reading charts needs the viewer role or a shared link's token."

    def has_permission(self, request, view):
        return is_share_link(request) or _user_may(request, VIEWER_PERMS)
