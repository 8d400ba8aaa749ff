"""The share form: a label, how many days the link lives, which filters the viewer may still
narrow within the captured view, and whether the link is frozen (the portfolio as it stands
now, whatever changes later)."""

from collections.abc import Collection
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.http import QueryDict

from aipdash.dashboard.filters import OPENABLE, OPENABLE_LABELS, DashboardFilters, FilterError
from aipdash.dashboard.pages import with_scenario
from aipdash.sharing.services import FROZEN_SCENARIO


class ShareLinkForm(forms.Form):
    label = forms.CharField(
        max_length=120,
        help_text="Who or what the link is for, e.g. “Investment committee, March”.",
    )
    days = forms.IntegerField(
        label="Valid for (days)",
        min_value=1,
        initial=settings.SHARE_LINK_DEFAULT_DAYS,
        help_text=f"At most {settings.SHARE_LINK_MAX_DAYS} days.",
    )
    open_filters = forms.MultipleChoiceField(
        label="The viewer may narrow",
        choices=[(key, OPENABLE_LABELS[key]) for key in OPENABLE],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Within the shared view only; none by default.",
    )
    frozen = forms.BooleanField(
        label="Freeze the figures",
        required=False,
        help_text="The link shows the portfolio as it stands now, for as long as it lives: "
        "later changes are not shown (a board pre-read that does not move).",
        widget=forms.CheckboxInput(attrs={"aria-describedby": "id_frozen_help"}),
    )
    view = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        partner_slugs: Collection[str],
        user: User | AnonymousUser,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.partner_slugs = partner_slugs
        self.user = user
        self.fields["days"].widget.attrs["max"] = settings.SHARE_LINK_MAX_DAYS

    def clean_days(self) -> int:
        days: int = self.cleaned_data["days"]
        if days > settings.SHARE_LINK_MAX_DAYS:
            raise forms.ValidationError(f"At most {settings.SHARE_LINK_MAX_DAYS} days.")
        return days

    def clean_view(self) -> DashboardFilters:
        """The view to share, as the dashboard's canonical query string, parsed again here, its
        scenario (and the form's unsaved values over it) resolved for the user: the link stores
        a copy of what they see."""
        try:
            view = DashboardFilters.from_query(
                QueryDict(self.cleaned_data["view"]), partner_slugs=self.partner_slugs
            )
            return with_scenario(view, self.user)
        except FilterError as error:
            raise forms.ValidationError(f"The view cannot be shared: {error}") from error

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        view = cleaned.get("view")
        if cleaned.get("frozen") and view is not None and view.applied is not None:
            self.add_error("frozen", FROZEN_SCENARIO)
        return cleaned
