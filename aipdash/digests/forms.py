"""The subscription form: the view is checked by the dashboard's own filter parsing (a wrong
filter named on the field), the time zone is one the system knows, the numbers within bounds."""

import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.contrib.auth.models import User

from aipdash.dashboard.filters import FIELD_LABELS, SCENARIO, FilterError
from aipdash.digests.access import ViewClosed, open_view
from aipdash.digests.models import SLIP_MONTHS_MAX, THRESHOLD_MAX_USD, Subscription


@cache
def time_zones() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class SubscriptionForm(forms.ModelForm):  # type: ignore[type-arg]
    view = forms.CharField(
        label="View",
        max_length=2100,
        required=False,
        help_text="The dashboard's address with your filters (copy it from the address bar), or "
        "its part after “?”. Empty: the whole portfolio.",
    )
    time_zone = forms.ChoiceField(label="Time zone", choices=time_zones)
    slip_months = forms.IntegerField(
        label="Slips by more than (months)", min_value=1, max_value=SLIP_MONTHS_MAX, initial=3
    )
    threshold_usd = forms.DecimalField(
        label="A partner's committed total crosses (USD)",
        required=False,
        min_value=1,
        max_value=THRESHOLD_MAX_USD,
        decimal_places=0,
        help_text="In US dollars, such as 5000000000 for $5bn. Empty: no such alert.",
    )

    class Meta:
        model = Subscription
        fields = [
            "name",
            "view",
            "frequency",
            "weekday",
            "hour",
            "time_zone",
            "alert_stage",
            "alert_slip",
            "slip_months",
            "alert_commitment",
            "alert_stale",
            "threshold_usd",
        ]
        labels = {"hour": "At (hour)", "weekday": "On (weekly digests)", "frequency": "Digest"}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.view_query = ""
        if self.instance.pk and not self.is_bound:
            self.initial["view"] = self.instance.query

    def clean_view(self) -> str:
        text: str = self.cleaned_data.get("view") or ""
        try:
            view = open_view(self.user, text)
        except ViewClosed as closed:
            raise forms.ValidationError(str(closed)) from None
        except FilterError as error:
            raise forms.ValidationError(
                [
                    f"{FIELD_LABELS.get(key, 'Scenario' if key == SCENARIO else key)}: {message}"
                    for key, message in error.errors.items()
                ]
            ) from None
        self.view_query = view.query
        return view.query

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        alerts = ("alert_stage", "alert_slip", "alert_commitment", "alert_stale")
        if (
            cleaned.get("frequency") == Subscription.Frequency.NEVER
            and not any(cleaned.get(name) for name in alerts)
            and cleaned.get("threshold_usd") is None
            and not self.errors
        ):
            self.add_error("frequency", "Pick a digest, or at least one alert below.")
        if not getattr(self.user, "email", ""):
            raise forms.ValidationError(
                "Your account has no email address: ask an administrator to add one."
            )
        return cleaned

    def save(self, commit: bool = True) -> Subscription:
        subscription: Subscription = super().save(commit=False)
        subscription.query = self.view_query
        subscription.user = self.user
        if commit:
            subscription.save()
        return subscription
