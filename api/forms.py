from django import forms

from api.tokens import MAX_DAYS


class ApiTokenForm(forms.Form):
    label = forms.CharField(
        max_length=120, help_text="What the token is for, e.g. “Quarterly report script”."
    )
    days = forms.IntegerField(
        label="Valid for (days)",
        min_value=1,
        max_value=MAX_DAYS,
        required=False,
        help_text=f"Up to {MAX_DAYS} days; leave empty for a token that lasts until revoked.",
    )
