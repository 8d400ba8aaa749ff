"""What every portfolio admin shares: the audit trail, provenance grouping and inheritance,
and figures shown for people.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from simple_history.admin import SimpleHistoryAdmin

from aipdash import formatting

PROVENANCE_FIELDS = ("source_title", "source_url", "as_of", "illustrative")
PROVENANCE_FIELDSET = (
    "Provenance",
    {
        "fields": PROVENANCE_FIELDS,
        "description": "Where these figures come from. A record that is not illustrative "
        "needs a source URL; illustrative records are demo data and are flagged on every page.",
    },
)


class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget looks up the submitted value again to show it; a value
    that is not a key at all (`partner=:` in a forged POST) raises ValueError there, a 500.
    Values that are not keys are dropped: the field's own validation already says so."""

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model._meta.get_field(self.field.remote_field.field_name)
        keys = []
        for item in value:
            try:
                target.to_python(item)
            except ValidationError:
                continue
            keys.append(item)
        return super().optgroups(name, keys, attr)


class SafeAutocompleteMixin:
    """Admins and inlines: `autocomplete_fields` drawn by `SafeAutocompleteSelect`."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PortfolioInline(SafeAutocompleteMixin, admin.TabularInline):
    """An inline of a portfolio admin."""


class PortfolioChangeList(ChangeList):
    """A changelist that answers a date-hierarchy link outside the calendar (`?announced_on__
    year=9999`: the next year does not exist) with the admin's "invalid filter" redirect, not
    a 500. The models keep every date from 1990 to 2100, so only a typed address gets here."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


class PortfolioAdmin(SafeAutocompleteMixin, SimpleHistoryAdmin):
    """Admin of a portfolio model: history with before/after and revert, provenance filters."""

    list_per_page = 50
    save_on_top = True

    # History lists each version with simple-history's "Changes" column (before → after);
    # templates/simple_history/object_history_list.html only drops an inline style.

    def get_changelist(self, request, **kwargs):
        return PortfolioChangeList


def usd_column(field, description):
    @admin.display(description=description, ordering=field)
    def column(model_admin, obj):
        return formatting.usd(getattr(obj, field))

    return column


def power_column(field, description):
    @admin.display(description=description, ordering=field)
    def column(model_admin, obj):
        return formatting.power(getattr(obj, field))

    return column


class InheritProvenanceForm(forms.ModelForm):
    """An inline row whose provenance may be left empty: it then takes its parent's.

    Editors enter a project with its phases from one source; they type the source once.
    """

    def __init__(self, *args, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent = parent
        if "as_of" in self.fields:
            self.fields["as_of"].required = False
            self.fields["as_of"].help_text = "Empty: the same source as the record above."

    def clean(self):
        cleaned = super().clean()
        given = any(cleaned.get(field) for field in ("source_title", "source_url", "as_of"))
        if not given and self.parent is not None:
            for field in PROVENANCE_FIELDS:
                cleaned[field] = getattr(self.parent, field)
        if not cleaned.get("as_of") and not self.has_error("as_of"):
            self.add_error("as_of", "Give the as-of date of this row's source.")
        return cleaned


class InheritProvenanceFormSet(BaseInlineFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "parent": self.instance}

    def validate_unique(self):
        """Two rows that break one of the model's `constraint_error_fields` constraints: the
        constraint's message on the later row's field, as for a row that repeats a saved one.
        Django's own check then passes over that row (it is invalid) and checks the rest."""
        error_fields = getattr(self.model, "constraint_error_fields", {})
        for constraint in self.model._meta.constraints:
            field = error_fields.get(constraint.name)
            if field is None or constraint.condition is not None:
                continue
            seen = []
            for form in self.forms:
                if not form.is_valid() or self._should_delete_form(form):
                    continue
                if any(name not in form.cleaned_data for name in constraint.fields):
                    continue
                row = [form.cleaned_data[name] for name in constraint.fields]
                if None in row:
                    continue
                if row in seen:  # by equality: an unsaved parent has no primary key to hash
                    form.add_error(
                        field,
                        ValidationError(
                            constraint.get_violation_error_message(),
                            code=constraint.violation_error_code,
                        ),
                    )
                else:
                    seen.append(row)
        super().validate_unique()
