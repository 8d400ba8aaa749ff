from typing import TYPE_CHECKING, cast

from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from aipdash.sharing import services as sharing
from aipdash.sharing.models import ShareLink

if TYPE_CHECKING:
    # Generic over its model in django-stubs; Django's class can't be subscripted when running.
    _ModelAdmin = admin.ModelAdmin[ShareLink]
else:
    _ModelAdmin = admin.ModelAdmin


@admin.register(ShareLink)
class ShareLinkAdmin(_ModelAdmin):
    """Shared links are made from the dashboard; here they are listed and revoked. Which links
    a user sees is the site's rule (`sharing.visible_to`): their own, everyone's only with
    `manage_all_sharelinks`; the list, the actions and every page of one link by id."""

    list_display = [
        "label",
        "token_hint",
        "created_by",
        "created_at",
        "expires_at",
        "frozen_at",
        "revoked_at",
        "view_count",
        "last_viewed_at",
    ]
    list_filter = ["revoked_at", "expires_at"]
    search_fields = ["label", "token_hint", "created_by__username"]
    exclude = ["token_hash"]  # useless to a reader, and no business of the page
    readonly_fields = [
        f.name for f in ShareLink._meta.fields if f.name not in ("id", "label", "token_hash")
    ]
    actions = ["revoke"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ShareLink]:
        # The admin site lets only signed-in staff in.
        return sharing.visible_to(cast(User, request.user))

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> ShareLink:
        """Another's link (or none) is not found: 404, as on the site's own pages (share_revoke),
        for the change, history and delete pages alike."""
        link = super().get_object(request, object_id, from_field)
        if link is None:
            raise Http404("No such shared link.")
        return link

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a link is made from the dashboard, where its token can be shown once

    @admin.action(description="Revoke the selected links", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ShareLink]) -> None:
        for link in queryset:
            sharing.revoke(link)
        self.message_user(request, f"{queryset.count()} link(s) revoked.")
