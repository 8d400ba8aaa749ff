"""The import page's two forms: the upload, and the confirmation of a preview.

The confirm form carries the waiting file's name and how to read it in hidden fields, and a
signed record of what its preview saw (each row's saved record and version): a confirmation
may write only over that, and any of its fields tampered with makes the form invalid, so
nothing is imported.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Model
from django.template.defaultfilters import filesizeformat
from import_export.formats.base_formats import Format
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.resources import Resource
from import_export.tmp_storages import CacheStorage

from aipdash.operations.imports.reading import format_index

# What the confirm form carries from its preview, signed: the waiting file and how to read it.
PREVIEWED_FIELDS = ("import_file_name", "original_file_name", "format", "resource")


class PortfolioImportForm(ImportForm):
    """The library's form, with a size limit and the format taken from the file's name."""

    def __init__(
        self,
        formats: Sequence[type[Format]],
        resources: Sequence[type[Resource]],
        **kwargs: Any,
    ) -> None:
        super().__init__(formats, resources, **kwargs)
        limit = filesizeformat(settings.IMPORT_MAX_UPLOAD_BYTES)
        self.fields["import_file"].help_text = f"A CSV or XLSX file of at most {limit}."
        fmt = self.fields["format"]
        fmt.required = False
        fmt.choices = [("", "From the file's extension"), *fmt.choices[1:]]
        fmt.widget.attrs.pop("class", None)
        self.fields["import_file"].widget.attrs.pop("class", None)

    @property
    def media(self) -> forms.Media:
        return forms.Media()  # no format-guessing script: the server reads the extension

    def clean_import_file(self) -> "UploadedFile[bytes]":  # generic only in the stubs
        upload: UploadedFile[bytes] = self.cleaned_data["import_file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size is not None and upload.size > limit:  # an upload's size is known
            raise forms.ValidationError(
                f"This file is {filesizeformat(upload.size)}; an import takes at most "
                f"{filesizeformat(limit)}. Split it into several files."
            )
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        upload = cleaned.get("import_file")
        if upload is not None and not cleaned.get("format"):
            index = format_index(upload.name)
            if index is not None:
                cleaned["format"] = index
            else:
                self.add_error(
                    "format", "Choose the file's format: its name ends in neither .csv nor .xlsx."
                )
        return cleaned


def preview_salt(model: type[Model]) -> str:
    """A preview's signature holds for one kind of record only."""
    return f"aipdash.import.preview:{model._meta.label_lower}"


def sign_preview(model: type[Model], fields: Mapping[str, Any], matched: Sequence[object]) -> str:
    """What a confirmation may write over: the preview's `PREVIEWED_FIELDS` and, row by row,
    the saved record each row matched (PortfolioResource.match), signed so that no one can
    turn a stale version into a current one."""
    payload = {name: fields[name] for name in PREVIEWED_FIELDS} | {"matched": matched}
    return signing.dumps(payload, salt=preview_salt(model), compress=True)


class PortfolioConfirmImportForm(ConfirmImportForm):
    """The confirmation of a preview: the waiting file, how to read it (hidden fields the
    editor does not change) and what the preview saw (`previewed`, signed). Any of them
    tampered with is an error of this form; nothing is imported then."""

    format = forms.ChoiceField(widget=forms.HiddenInput)
    resource = forms.ChoiceField(widget=forms.HiddenInput, required=False)
    previewed = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        formats: Sequence[type[Format]],
        resources: Sequence[type[Resource]],
        model: type[Model],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.model = model
        choices = {
            "format": [(str(i), f().get_title()) for i, f in enumerate(formats)],
            "resource": [("", "")] + [(str(i), r.__name__) for i, r in enumerate(resources)],
        }
        for name, field_choices in choices.items():
            self.fields[name].choices = field_choices
            self.fields[name].error_messages["invalid_choice"] = (
                f"The {name} “%(value)s” is not one this import offers."
            )
        self.fields["previewed"].error_messages["required"] = (
            "The confirmation does not say what its preview saw."
        )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        if self.errors:
            return cleaned
        try:
            previewed = signing.loads(
                cleaned["previewed"],
                salt=preview_salt(self.model),
                max_age=CacheStorage.CACHE_LIFETIME,
            )
        except signing.SignatureExpired:
            raise ValidationError("The preview is over a day old.") from None
        except signing.BadSignature:
            raise ValidationError("The confirmation does not come from a preview.") from None
        if any(previewed.get(name) != cleaned.get(name) for name in PREVIEWED_FIELDS):
            raise ValidationError("The confirmation does not match its preview.")
        cleaned["matched"] = previewed["matched"]
        return cleaned


def error_sentences(form: forms.Form) -> list[str]:
    """A form's errors as sentences (the confirm form's fields are hidden: the field's name
    adds nothing)."""
    return [str(message) for errors in form.errors.values() for message in errors]
