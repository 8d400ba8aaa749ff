"""Forms of the dashboard's own pages (the admin has its own)."""

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.http import QueryDict

from aipdash.filters import DashboardFilters, FilterError
from aipdash.sharing import OPENABLE, OPENABLE_LABELS


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
    view = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, partner_slugs, **kwargs):
        super().__init__(*args, **kwargs)
        self.partner_slugs = partner_slugs
        self.fields["days"].widget.attrs["max"] = settings.SHARE_LINK_MAX_DAYS

    def clean_days(self):
        days = self.cleaned_data["days"]
        if days > settings.SHARE_LINK_MAX_DAYS:
            raise forms.ValidationError(f"At most {settings.SHARE_LINK_MAX_DAYS} days.")
        return days

    def clean_view(self):
        """The view to share, as the dashboard's canonical query string, parsed again here."""
        try:
            return DashboardFilters.from_query(
                QueryDict(self.cleaned_data["view"]), partner_slugs=self.partner_slugs
            )
        except FilterError as error:
            raise forms.ValidationError(f"The view cannot be shared: {error}") from error


class UsernameLengthAfterNormalizing:
    """Sign-in forms: refuse a username that Unicode normalization (NFKC) has grown past the
    field's length. Django checks the length before normalizing, and one "ﷺ" becomes 18
    characters: no such user can exist, and the sign-in throttle (django-axes) could not store
    the attempt (255 characters), a 500 instead of the form's error."""

    def clean_username(self):
        username = self.cleaned_data["username"]
        limit = self.fields["username"].max_length
        if limit is not None and len(username) > limit:
            raise forms.ValidationError(
                f"Ensure this value has at most {limit} characters (it has {len(username)}).",
                code="max_length",
            )
        return username


class LoginForm(UsernameLengthAfterNormalizing, AuthenticationForm):
    """The site's sign-in form."""


class AdminLoginForm(UsernameLengthAfterNormalizing, AdminAuthenticationForm):
    """The admin's sign-in form."""
