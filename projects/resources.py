"""Bulk import and export of the portfolio (django-import-export resources).

Over 500 lines on purpose: five declarative resources side by side, whose columns and natural
keys must stay in step with each other and with docs/data-in-and-out.md; they are read together.

One resource per kind of record: projects, phases, participations, commitments and notes. A row
names the records it refers to by slug (a project's investment, a participation's partner), so
that a file written by hand or exported from another installation means the same thing here.
A row matches a saved record by its natural key, never by its database id:

    Project        slug
    ProjectPhase   project (slug) + sequence
    Participation  project (slug) + partner (slug) + role
    Commitment     reference
    Note           date + text

Every row carries its provenance (source_title, source_url, as_of, illustrative): a file without
those columns is refused as a whole, a row that leaves them empty is refused on its own. Each row
is checked by the model's `full_clean()`, so every rule of the admin form applies and its message
is shown on the row. The import is all or nothing (`rollback_on_validation_errors`): one refused
row and nothing is written. Saved rows go through `save()`, so each gets its history row (reason
"import <file name>") and the dashboard's data version moves on commit. The preview notes the
saved record (and its version) each row matched; the confirmation refuses a row whose match
changed since (`ChangedSincePreview`), so that an import never writes over an unseen change.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.encoding import force_str
from import_export import fields, resources, widgets
from tablib import Dataset

from aipdash.records.locking import VERSION_FIELD
from aipdash.records.provenance import PROVENANCE_FIELDS
from partners.models import Partner
from projects import columns
from projects.models import Commitment, Investment, Note, Participation, Project, ProjectPhase

EXAMPLE_PREFIX = "example-"  # the example row of a template file; never imported
CHANGE_REASON_MAX = 100  # simple-history's history_change_reason column
SAVED_BY_THIS_FILE = "file"  # a row's match: a record an earlier row of the same file saved


class ChangedSincePreview(Exception):
    """A confirmed row matches another saved record than its preview did, or the same one at
    another version: someone changed, created or deleted it in between. The row is refused
    (the import is rolled back); the admin says who and when
    (aipdash/operations/imports/conflicts.py)."""

    def __init__(self, model, row_number, previewed, now):
        self.model = model
        self.row_number = row_number
        self.previewed = previewed  # None (no record) or [key, version]
        self.now = now
        super().__init__(
            f"Row {row_number}: the {model._meta.verbose_name} matched {previewed} at the "
            f"preview and {now} now."
        )


class SlugWidget(widgets.ForeignKeyWidget):
    """A related record by its slug; an unknown slug is a message on the row, not a crash.

    Each slug is read once per import, not once per row: the records found are kept for the
    resource's life (a resource instance is one import; it copies its fields, widgets
    included, from the class)."""

    def __init__(self, model, field="slug", **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.found = {}

    def clean(self, value, row=None, **kwargs):
        if value is None or force_str(value).strip() == "":
            return None
        slug = force_str(value).strip()
        if slug not in self.found:
            try:
                self.found[slug] = self.model.objects.get(**{self.field: slug})
            except self.model.DoesNotExist:
                name = self.model._meta.verbose_name
                raise ValueError(f"No {name} has the slug “{slug}”.") from None
        return self.found[slug]


class StrictDecimalWidget(widgets.DecimalWidget):
    """A number, or a clear message (the library's widget raises an arithmetic error)."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except (InvalidOperation, TypeError):
            raise ValueError(f"“{value}” is not a number.") from None

    def render(self, value, obj=None, **kwargs):
        # Plain digits ("1234.5"), never localised ("1,234.5"): the file must read back as it
        # was written, whatever the locale.
        if value is None:
            return ""
        if kwargs.get("force_native_type"):
            return value
        return format(value, "f") if isinstance(value, Decimal) else str(value)


class StrictBooleanWidget(widgets.BooleanWidget):
    """true/false (also 1/0, yes/no); anything else is refused, not read as false."""

    TRUE_WORDS = {"1", "true", "yes", "y"}
    FALSE_WORDS = {"0", "false", "no", "n"}

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        word = force_str(value).strip().lower()
        if word == "":
            return None
        if word in self.TRUE_WORDS:
            return True
        if word in self.FALSE_WORDS:
            return False
        raise ValueError(f"“{value}” is not true or false.")

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return "" if value is None else ("true" if value else "false")


class CodeWidget(widgets.CharWidget):
    """A code (a choice's value, a country code) as typed, stripped; ISO country in capitals."""

    def __init__(self, upper=False, **kwargs):
        super().__init__(**kwargs)
        self.upper = upper

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else force_str(value).strip()
        return text.upper() if self.upper else text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else force_str(getattr(value, "code", value))


class IsoDateWidget(widgets.DateWidget):
    """A date as YYYY-MM-DD (or a spreadsheet's own date cell); never a guess between
    day-month and month-day orders."""

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = value.strip()
        try:
            value = super().clean(value, row=row, **kwargs)
        except (ValueError, TypeError):
            raise ValueError(f"“{value}” is not a date: write it as YYYY-MM-DD.") from None
        if isinstance(value, dt.datetime):  # a spreadsheet's date cell
            return value.date()
        return value


def _date_field(attribute):
    return fields.Field(attribute=attribute, column_name=attribute, widget=IsoDateWidget())


def _decimal_field(attribute):
    return fields.Field(attribute=attribute, column_name=attribute, widget=StrictDecimalWidget())


def _code_field(attribute, upper=False):
    return fields.Field(attribute=attribute, column_name=attribute, widget=CodeWidget(upper=upper))


def _slug_field(attribute, model):
    return fields.Field(attribute=attribute, column_name=attribute, widget=SlugWidget(model))


class PortfolioResource(resources.ModelResource):
    """What every portfolio resource shares: provenance required, rows checked by the model,
    all or nothing, history with the file's name, the template's example row refused."""

    source_title = fields.Field(
        attribute="source_title", column_name="source_title", widget=CodeWidget()
    )
    source_url = fields.Field(attribute="source_url", column_name="source_url", widget=CodeWidget())
    as_of = _date_field("as_of")
    illustrative = fields.Field(
        attribute="illustrative", column_name="illustrative", widget=StrictBooleanWidget()
    )

    #: The column whose value starting with "example-" marks the template's example row.
    example_column = "slug"
    #: What a template's example row holds, column by column (see `template_dataset`).
    example_row: dict = {}

    class Meta:
        use_transactions = True
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        # The preview (aipdash/operations/imports/preview.py) shows each row's old and new
        # values itself: the library's HTML diff carries inline styles, which the CSP refuses.
        skip_html_diff = True
        store_instance = True
        store_row_values = True

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        """Text as typed, stripped; an empty cell is empty text (a spreadsheet's empty cell
        reads as None, which a text column refuses)."""
        if isinstance(f, (models.CharField, models.TextField)):
            return CodeWidget
        return super().widget_from_django_field(f, default)

    # Reading -----------------------------------------------------------------------------

    def before_import(self, dataset: Dataset, **kwargs: object) -> None:
        self.matched: dict[int, object] = {}  # row number → the record it matched (`match`)
        self.saved: set[object] = set()  # keys of the records this import saved so far
        missing = [c for c in self.required_columns() if c not in (dataset.headers or ())]
        if missing:
            raise ValueError(
                "The file lacks the column(s) "
                + ", ".join(missing)
                + ". Every file names its columns in its first row; every row carries its "
                "provenance (" + ", ".join(PROVENANCE_FIELDS) + "). Download the template."
            )

    def required_columns(self):
        return [*self._meta.import_id_fields, *PROVENANCE_FIELDS]

    def get_queryset(self):
        """The saved records a row is matched with, their related records (the slug columns)
        loaded with them: comparing a row with its record reads no more queries."""
        related = [f.attribute for f in self.fields.values() if isinstance(f.widget, SlugWidget)]
        return super().get_queryset().select_related(*related)

    def get_instance(self, instance_loader, row):
        """None (a new record) when the row's key cannot be read: its fields then say why."""
        try:
            return super().get_instance(instance_loader, row)
        except (ValueError, KeyError):
            return None

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field, message in self.row_problems(row).items():
            errors.setdefault(field, []).append(ValidationError(message))
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's `full_clean()`: field validators, `clean()`, unique fields. Its check
        constraints are left to the database on save (still inside the preview's rolled-back
        transaction, so a violation is a refused row, named by the constraint's message):
        each of them repeats a field validator or a `clean()` rule, and checking them in
        Python costs a query per constraint per row (70% of an import's time, measured)."""
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=errors.keys(), validate_unique=validate_unique, validate_constraints=False
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def row_problems(self, row) -> dict[str, str]:
        """The rules of an imported row beyond the model's: provenance given, not the
        template's example."""
        problems = {}

        def empty(column):
            value = row.get(column)
            return value is None or force_str(value).strip() == ""

        example = force_str(row.get(self.example_column) or "").strip().lower()
        if example.startswith(EXAMPLE_PREFIX):
            problems[self.example_column] = (
                "This is the template's example row: replace it with your data or delete it."
            )
        if "source_title" in row and empty("source_title"):
            problems["source_title"] = "Give the title of the source of this row's figures."
        if "as_of" in row and empty("as_of"):
            problems["as_of"] = "Give the as-of date of this row's source."
        if "illustrative" in row and empty("illustrative"):
            problems["illustrative"] = (
                "Say whether this row is illustrative demo data: true or false."
            )
        return problems

    # What the preview saw ------------------------------------------------------------------

    def after_init_instance(self, instance, new, row, **kwargs):
        """Note which saved record each row matched (see `match`); at the confirmation
        (`previewed`: what the preview noted, row by row), refuse a row whose match is not the
        preview's, so that nothing changed, created or deleted since the preview is written
        over. The import goes on, so that every such row is named, and is rolled back."""
        number = kwargs["row_number"]
        now = self.matched[number] = self.match(instance, new)
        previewed = kwargs.get("previewed")
        if previewed is None:
            return
        before = previewed[number - 1] if number <= len(previewed) else None
        if SAVED_BY_THIS_FILE not in (before, now) and before != now:
            raise ChangedSincePreview(self._meta.model, number, before, now)

    def match(self, instance, new):
        """None when the row creates a record; [primary key, version] of the saved record it
        matched; SAVED_BY_THIS_FILE when an earlier row of the file saved that record (the
        preview's key of such a record was rolled back: the confirmation's differs)."""
        if new:
            return None
        if instance.pk in self.saved:
            return SAVED_BY_THIS_FILE
        return [instance.pk, getattr(instance, VERSION_FIELD)]

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        result.matched = [self.matched.get(number) for number in range(1, len(dataset) + 1)]

    # Writing -----------------------------------------------------------------------------

    def before_save_instance(self, instance, row, **kwargs):
        name = kwargs.get("file_name") or "file"
        instance._change_reason = f"import {name}"[:CHANGE_REASON_MAX]
        if kwargs.get("user") is not None:  # a job has no request for simple-history to read
            instance._history_user = kwargs["user"]

    def after_save_instance(self, instance, row, **kwargs):
        self.saved.add(instance.pk)

    # Templates ---------------------------------------------------------------------------

    @classmethod
    def template_dataset(cls):
        """A file with the header row and one example row, marked as the example."""
        resource = cls()
        headers = resource.get_export_headers()
        dataset = Dataset(headers=headers)
        columns = [field.column_name for field in resource.get_export_fields()]
        dataset.append([cls.example_row.get(column, "") for column in columns])
        return dataset


class ProjectResource(PortfolioResource):
    investment = _slug_field("investment", Investment)
    kind = _code_field("kind")
    stage = _code_field("stage")
    country = _code_field("country", upper=True)
    energy_source = _code_field("energy_source")
    latitude = _decimal_field("latitude")
    longitude = _decimal_field("longitude")
    capacity_mw = _decimal_field("capacity_mw")
    capital_cost_usd = _decimal_field("capital_cost_usd")
    announced_on = _date_field("announced_on")
    expected_online = _date_field("expected_online")

    example_row = {
        "slug": "example-campus-delete-this-row",
        "name": "EXAMPLE: replace or delete this row",
        "kind": "data_centre",
        "stage": "development",
        "investment": "",
        "country": "US",
        "region": "Texas",
        "latitude": "32.7767",
        "longitude": "-96.797",
        "energy_source": "",
        "capacity_mw": "300.0",
        "announced_on": "2025-03-19",
        "expected_online": "2027-06-30",
        "capital_cost_usd": "2500000000",
        "description": "",
        "source_title": "Press release title",
        "source_url": "https://example.com/press-release",
        "as_of": "2025-03-19",
        "illustrative": "false",
    }

    class Meta:
        model = Project
        import_id_fields = ("slug",)
        fields = columns.PROJECT
        export_order = fields


class ProjectPhaseResource(PortfolioResource):
    project = _slug_field("project", Project)
    stage = _code_field("stage")
    capacity_mw = _decimal_field("capacity_mw")
    expected_online = _date_field("expected_online")

    example_column = "project"
    example_row = {
        "project": "example-campus-delete-this-row",
        "sequence": "1",
        "name": "EXAMPLE: replace or delete this row",
        "stage": "construction",
        "capacity_mw": "150.0",
        "expected_online": "2027-06-30",
        "source_title": "Press release title",
        "source_url": "https://example.com/press-release",
        "as_of": "2025-03-19",
        "illustrative": "false",
    }

    class Meta:
        model = ProjectPhase
        import_id_fields = ("project", "sequence")
        fields = ("project", *columns.PHASE)
        export_order = fields


class ParticipationResource(PortfolioResource):
    project = _slug_field("project", Project)
    partner = _slug_field("partner", Partner)
    role = _code_field("role")
    stake_percent = _decimal_field("stake_percent")

    example_column = "project"
    example_row = {
        "project": "example-campus-delete-this-row",
        "partner": "microsoft",
        "role": "equity_investor",
        "stake_percent": "25.00",
        "source_title": "Press release title",
        "source_url": "https://example.com/press-release",
        "as_of": "2025-03-19",
        "illustrative": "false",
    }

    class Meta:
        model = Participation
        import_id_fields = ("project", "partner", "role")
        fields = ("project", *columns.PARTICIPATION)
        export_order = fields


class CommitmentResource(PortfolioResource):
    partner = _slug_field("partner", Partner)
    project = _slug_field("project", Project)
    instrument = _code_field("instrument")
    status = _code_field("status")
    amount_usd = _decimal_field("amount_usd")
    committed_on = _date_field("committed_on")

    example_column = "reference"
    example_row = {
        "reference": "example-delete-this-row",
        "partner": "microsoft",
        "project": "",
        "instrument": "equity",
        "status": "committed",
        "amount_usd": "1000000000",
        "committed_on": "2025-03-19",
        "note": "EXAMPLE: replace or delete this row; project empty = to AIP as a whole",
        "source_title": "Press release title",
        "source_url": "https://example.com/press-release",
        "as_of": "2025-03-19",
        "illustrative": "false",
    }

    class Meta:
        model = Commitment
        import_id_fields = ("reference",)
        fields = columns.COMMITMENT
        export_order = fields

    def get_instance(self, instance_loader, row):
        if force_str(row.get("reference") or "").strip() == "":
            return None  # a new row, refused below: without a reference it matches nothing
        return super().get_instance(instance_loader, row)

    def row_problems(self, row):
        problems = super().row_problems(row)
        if force_str(row.get("reference") or "").strip() == "":
            problems["reference"] = (
                "Give the commitment's reference: an import matches commitments by it."
            )
        return problems


class NoteResource(PortfolioResource):
    """Notes match by day and text: the same line on the same day is the same note. Their
    source is optional (projects/models/notes.py): the source columns may be empty."""

    date = _date_field("date")
    partner = _slug_field("partner", Partner)
    project = _slug_field("project", Project)

    example_column = "text"
    example_row = {
        "date": "2025-03-19",
        "text": "example-note: replace or delete this row",
        "partner": "xai",
        "project": "",
        "source_title": "Press release title",
        "source_url": "https://example.com/press-release",
        "as_of": "2025-03-19",
        "illustrative": "false",
    }

    class Meta:
        model = Note
        import_id_fields = ("date", "text")
        fields = columns.NOTE
        export_order = fields

    def row_problems(self, row):
        problems = super().row_problems(row)
        problems.pop("source_title", None)  # a note may have no source (its model says why)
        return problems


RESOURCES = {
    "project": ProjectResource,
    "projectphase": ProjectPhaseResource,
    "participation": ParticipationResource,
    "commitment": CommitmentResource,
    "note": NoteResource,
}
