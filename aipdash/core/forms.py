"""The login forms of the site and of the admin: a name that grows past its length under NFKC
normalization is the form's error, not a 500."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm


class UsernameLengthAfterNormalizing(AuthenticationForm):
    """Sign-in forms: refuse a username that Unicode normalization (NFKC) has grown past the
    field's length. Django checks the length before normalizing, and one "ﷺ" becomes 18
    characters: no such user can exist, and the sign-in throttle (django-axes) could not store
    the attempt (255 characters), a 500 instead of the form's error."""

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        field = self.fields["username"]
        limit = field.max_length if isinstance(field, forms.CharField) else None
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
