"""What every portfolio admin shares: the audit trail, provenance grouping and inheritance,
figures shown for people, and the view of stale records (a list filter and a column).
"""

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin
from django.contrib.admin.filters import ListFilter
from django.contrib.admin.options import BaseModelAdmin, IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ForeignKey, Model, QuerySet
from django.forms.models import BaseInlineFormSet, ModelChoiceField
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.safestring import SafeString
from simple_history.admin import SimpleHistoryAdmin

from aipdash.core import formatting
from aipdash.records import locking, staleness
from aipdash.records.provenance import PROVENANCE_FIELDS, Provenance

if TYPE_CHECKING:
    # django-stubs makes these generic over their models, Django's own classes can't be
    # subscripted when running: the subscripted bases are for mypy only. Any: each is shared by
    # the admins of every portfolio model.
    from django.contrib.admin.options import _FieldOpts, _FieldsetSpec

    _BaseModelAdmin = BaseModelAdmin[Any]
    _TabularInline = admin.TabularInline[Any, Any]
    _ModelForm = forms.ModelForm[Any]
    _BaseInlineFormSet = BaseInlineFormSet[Any, Any, Any]
else:
    _BaseModelAdmin = BaseModelAdmin
    _TabularInline = admin.TabularInline
    _ModelForm = forms.ModelForm
    _BaseInlineFormSet = BaseInlineFormSet

PROVENANCE_FIELDSET: "tuple[str, _FieldOpts]" = (
    "Provenance",
    {
        "fields": PROVENANCE_FIELDS,
        "description": "Where these figures come from. A record that is not illustrative "
        "needs a source URL; illustrative records are demo data and are flagged on every page.",
    },
)


class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget looks up the submitted value again to show it; a value
    that is not a key at all (`partner=:` in a forged POST) raises ValueError there, and a
    number beyond the key's column (`partner=99999999999999999999`) OverflowError on SQLite:
    a 500. Values that are not keys are dropped: the field's own validation already says so."""

    def optgroups(
        self, name: str, value: Sequence[str], attr: dict[str, Any] | None = None
    ) -> list[tuple[str | None, list[dict[str, Any]], int | None]]:
        target = self.field.remote_field.model._meta.get_field(self.field.remote_field.field_name)
        keys = []
        for item in value:
            try:
                target.run_validators(target.to_python(item))  # the column's range too
            except ValidationError:
                continue
            keys.append(item)
        return super().optgroups(name, keys, attr)


class SafeAutocompleteMixin(_BaseModelAdmin):
    """Admins and inlines: `autocomplete_fields` drawn by `SafeAutocompleteSelect`."""

    def formfield_for_foreignkey(
        self, db_field: "ForeignKey[Any, Any]", request: HttpRequest, **kwargs: Any
    ) -> "ModelChoiceField[Any] | None":
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PortfolioInline(SafeAutocompleteMixin, _TabularInline):
    """An inline of a portfolio admin."""


class PortfolioChangeList(ChangeList):
    """A changelist that answers a date-hierarchy link outside the calendar (`?announced_on__
    year=9999`: the next year does not exist) with the admin's "invalid filter" redirect, not
    a 500. The models keep every date from 1990 to 2100, so only a typed address gets here."""

    def get_filters(
        self, request: HttpRequest
    ) -> tuple[list[ListFilter], bool, dict[str, bool | str], bool, bool]:
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


class LockingForm(_ModelForm):
    """A form that carries the version its record was loaded with (a hidden field) and
    refuses to save over a change made since: the refusal names who changed the record, when,
    and each field's before → after, and keeps what the editor typed.

    Fields the editor left as loaded but someone else changed take the new value in the
    re-shown form; fields both changed keep the editor's value. The hidden version moves on
    to the current one, so saving the re-shown form again is a deliberate overwrite of what
    the message shows. A form without the version is refused until the page is reloaded: what
    it would overwrite can't be known. The model refuses a stale save too
    (aipdash/records/locking.py),
    should the record change between this check and the save.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    reverting = False  # set by PortfolioAdmin on the history's revert form

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk is not None and not instance._state.adding:
            self.fields["loaded_version"].initial = (
                # A revert form shows an old version: its base is the record as it is now.
                locking.current_version(type(instance), instance.pk)
                if self.reverting
                else getattr(instance, locking.VERSION_FIELD)
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # what ModelForm.clean() returns
        instance = self.instance
        if instance.pk is None or (instance._state.adding and not self.reverting):
            return cleaned
        loaded = cleaned.get("loaded_version")
        current = locking.current_version(type(instance), instance.pk, lock=True)
        if self.reverting and current is None:
            instance.restoring = True  # a deleted record brought back from its history
            return cleaned
        if loaded is None:
            # No version (a client that dropped the hidden field): a change made since would
            # be overwritten unseen, so it is refused like a stale form, until a reload.
            self.add_error(None, ValidationError(locking.unversioned(type(instance)), code="stale"))
            return cleaned
        if current == loaded:
            setattr(instance, locking.VERSION_FIELD, loaded)
            return cleaned
        self.refuse(locking.conflict(type(instance), instance.pk, loaded), cleaned)
        return cleaned

    def refuse(self, conflict: locking.Conflict, cleaned: dict[str, Any]) -> None:
        # A bound form's data: the request's QueryDict (a dict when a test builds the form).
        data = cast("QueryDict | dict[str, Any]", self.data).copy()
        data[self.add_prefix("loaded_version")] = (
            "" if conflict.current_version is None else (str(conflict.current_version))
        )
        taken = []
        for change in conflict.changes:
            if change.field not in self.fields or change.field not in cleaned:
                continue
            typed = _plain(cleaned[change.field])
            if typed == _plain(change.before) or (typed in (None, "") and change.before is None):
                data[self.add_prefix(change.field)] = _as_data(self.fields[change.field], change)
                taken.append(change.label)
        self.data = data
        messages = [conflict.headline(), *conflict.lines()]
        if not conflict.deleted:
            adopted = (
                f"; fields you had left as they were now show the new values ({', '.join(taken)})"
                if taken
                else ""
            )
            messages.append(
                f"Your values are kept below{adopted}. Check them and save again to keep them, "
                "or reload the page to start from the saved record."
            )
        for message in messages:
            self.add_error(None, ValidationError(message, code="stale"))


def _plain(value: object) -> object:
    """Compare a typed value with a stored one: related records by key, countries by code."""
    value = getattr(value, "pk", value)
    return getattr(value, "code", value)


def _as_data(form_field: forms.Field, change: locking.Change) -> str:
    """The POST value that puts `change.after` into `form_field` (a stored, raw value)."""
    value = change.after
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(form_field, forms.BooleanField):
        return "on" if value else ""
    if isinstance(form_field, forms.ChoiceField) and not isinstance(
        form_field, forms.ModelChoiceField
    ):
        # Django keeps a choice field's choices as (key, label) pairs, whatever was assigned.
        choices = cast("Iterable[tuple[Any, Any]]", form_field.choices)
        labels = {str(label): str(key) for key, label in choices}
        return labels.get(str(value), "" if value is None else str(value))
    return "" if value is None else str(value)


class PortfolioAdmin(SafeAutocompleteMixin, SimpleHistoryAdmin):
    """Admin of a portfolio model: history with before/after and revert, provenance filters,
    optimistic locking of the record and its inline rows (LockingForm)."""

    form = LockingForm
    list_per_page = 50
    save_on_top = True

    # History lists each version with simple-history's "Changes" column (before → after);
    # templates/simple_history/object_history_list.html only drops an inline style.

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return PortfolioChangeList

    def get_fieldsets(self, request: HttpRequest, obj: Model | None = None) -> "_FieldsetSpec":
        """The hidden version travels with the first fieldset."""
        fieldsets = super().get_fieldsets(request, obj)
        if fieldsets and "loaded_version" not in forms_fields(fieldsets):
            name, options = fieldsets[0]
            fieldsets = [
                (name, {**options, "fields": [*options["fields"], "loaded_version"]}),
                *fieldsets[1:],
            ]
        return fieldsets

    def get_inline_instances(
        self, request: HttpRequest, obj: Model | None = None
    ) -> "list[admin.options.InlineModelAdmin[Any, Any]]":
        """Every inline row carries its version too (its form is a LockingForm)."""
        inlines: list[admin.options.InlineModelAdmin[Any, Any]]
        inlines = super().get_inline_instances(request, obj)
        for inline in inlines:
            fields = inline.fields
            if fields is not None and "loaded_version" not in fields:
                # This admin's inline instance only (the stubs declare `fields` per class).
                inline.fields = [*fields, "loaded_version"]  # type: ignore[misc]
        return inlines

    def get_form(
        self, request: HttpRequest, obj: Model | None = None, change: bool = False, **kwargs: Any
    ) -> type[LockingForm]:
        form: type[LockingForm] = super().get_form(request, obj, change, **kwargs)
        if getattr(request, "aipdash_reverting", False):
            form = type(form.__name__, (form,), {"reverting": True})
        return form

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        _key_or_404(self.model, object_id)
        response: HttpResponse = super().history_view(request, object_id, extra_context)
        return response

    @method_decorator(transaction.atomic)
    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """simple-history's revert form, in one transaction like the change form."""
        _key_or_404(self.model, object_id)
        _key_or_404(self.model.history.model, version_id)
        # Our mark on Django's request (read by get_form), not in its stubs.
        request.aipdash_reverting = True  # type: ignore[attr-defined]
        return self._refusing_stale(
            super().history_form_view, request, object_id, version_id, extra_context
        )

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return self._refusing_stale(
            super().changeform_view, request, object_id, form_url, extra_context
        )

    @staticmethod
    def _refusing_stale(
        view: Callable[..., HttpResponse], request: HttpRequest, *args: object
    ) -> HttpResponse:
        """A record changed between the form's check and its save (two saves racing): the
        model refused it and the view's transaction rolled back; the view then runs again and
        its form shows the conflict."""
        try:
            return view(request, *args)
        except locking.StaleEditError:
            return view(request, *args)


def _key_or_404(model: type[Model], value: str) -> None:
    """A history address whose record or version is not a key of its table (`abc`, `1.5`, past
    the column's range) is a 404, like a key that is not there. simple-history's views query
    with the text as it is, and the database layer's ValueError was a 500. (Django's change view
    finds no record for such a key either: ModelAdmin.get_object.)"""
    field = model._meta.pk
    try:
        field.run_validators(field.to_python(unquote(value)))
    except ValidationError:
        raise Http404(f"No {model._meta.verbose_name} has the key {value!r}.") from None


def forms_fields(fieldsets: "_FieldsetSpec") -> list[str]:
    names: list[str] = []
    for _name, options in fieldsets:
        for entry in options.get("fields", ()):
            names.extend(entry if isinstance(entry, (list, tuple)) else [entry])
    return names


# A changelist column: a function of the admin and the row.
type Column = Callable[["admin.ModelAdmin[Any]", Model], str]


def usd_column(field: str, description: str) -> Column:
    @admin.display(description=description, ordering=field)
    def column(model_admin: "admin.ModelAdmin[Any]", obj: Model) -> str:
        return formatting.usd(getattr(obj, field))

    return column


def power_column(field: str, description: str) -> Column:
    @admin.display(description=description, ordering=field)
    def column(model_admin: "admin.ModelAdmin[Any]", obj: Model) -> str:
        return formatting.power(getattr(obj, field))

    return column


class InheritProvenanceForm(LockingForm):
    """An inline row whose provenance may be left empty: it then takes its parent's.

    Editors enter a project with its phases from one source; they type the source once.
    """

    def __init__(self, *args: Any, parent: Model | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parent = parent
        if "as_of" in self.fields:
            self.fields["as_of"].required = False
            self.fields["as_of"].help_text = "Empty: the same source as the record above."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        given = any(cleaned.get(field) for field in ("source_title", "source_url", "as_of"))
        if not given and self.parent is not None:
            for field in PROVENANCE_FIELDS:
                cleaned[field] = getattr(self.parent, field)
        if not cleaned.get("as_of") and not self.has_error("as_of"):
            self.add_error("as_of", "Give the as-of date of this row's source.")
        return cleaned


class InheritProvenanceFormSet(_BaseInlineFormSet):
    # Django's (whether a row is marked for deletion), not declared by django-stubs.
    _should_delete_form: Callable[[forms.BaseForm], bool]

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "parent": self.instance}

    def clean(self) -> None:
        """A row marked for deletion that someone changed since the page was loaded is not
        deleted unseen: the page is refused with what changed; so is one whose form does not
        say which version it was loaded from (LockingForm checks the rows that are kept)."""
        super().clean()
        errors = []
        for form in self.forms:
            if not (self.can_delete and self._should_delete_form(form)) or form.instance.pk is None:
                continue
            loaded = getattr(form, "cleaned_data", {}).get("loaded_version")
            model = type(form.instance)
            current = locking.current_version(model, form.instance.pk, lock=True)
            if current is None or current == loaded:
                continue
            if loaded is None:
                errors.append(f"Not deleted: “{form.instance}”. {locking.unversioned(model)}")
                continue
            conflict = locking.conflict(model, form.instance.pk, loaded)
            errors += [
                f"Not deleted: “{form.instance}”. {conflict.headline()}",
                *conflict.lines(),
            ]
        if errors:
            raise ValidationError(errors, code="stale")

    def validate_unique(self) -> None:
        """Two rows that break one of the model's `constraint_error_fields` constraints: the
        constraint's message on the later row's field, as for a row that repeats a saved one.
        Django's own check then passes over that row (it is invalid) and checks the rest."""
        error_fields = getattr(self.model, "constraint_error_fields", {})
        # (An inline formset always has its model.)
        constraints = self.model._meta.constraints if self.model is not None else []
        for constraint in constraints:
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


# The admin's view of stale records (staleness.py).
class StaleListFilter(admin.SimpleListFilter):
    """ "Confirmed": stale (as-of date older than STALE_AFTER_DAYS) or current."""

    title = "confirmed"
    parameter_name = "stale"

    def lookups(
        self, request: HttpRequest, model_admin: "admin.ModelAdmin[Any]"
    ) -> list[tuple[str, str]]:
        days = staleness.stale_after_days()
        return [
            ("yes", f"Stale (not confirmed for {days} days)"),
            ("no", f"Confirmed in the last {days} days"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(staleness.stale_q())
        if self.value() == "no":
            return queryset.exclude(staleness.stale_q())
        return queryset


@admin.display(description="stale", ordering="as_of")
def stale_column(model_admin: "admin.ModelAdmin[Any]", obj: Provenance) -> SafeString | str:
    """ "Stale since 27 Nov 2025" (text, not colour), or nothing."""
    since = staleness.stale_since(obj)
    if since is None:
        return ""
    return format_html(
        '<span title="Not confirmed since {}">Stale since {}</span>',
        f"{obj.as_of:%d %b %Y}",
        f"{since:%d %b %Y}",
    )
