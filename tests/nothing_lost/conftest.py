"""Fixtures of the "nothing lost" tests: a second editor, and the POST body of an admin form as
the browser would send it back unchanged."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.contrib.auth.models import Group, User
from django.test import Client


@pytest.fixture
def other_editor(db, groups):
    user = User.objects.create_user("other-editor", password="other-pass-1234", is_staff=True)
    user.groups.add(Group.objects.get(name="editor"))
    return user


@pytest.fixture
def other_client(other_editor):
    client = Client()
    client.force_login(other_editor)
    return client


def _value(value):
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(getattr(value, "pk", value))


def _form_fields(form, data):
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[form.add_prefix(name)] = "on"
        else:
            data[form.add_prefix(name)] = _value(value)


def form_data(response):
    """Every field of an admin change form (and its inline formsets) as loaded: what a
    browser posts when the editor saves without changing anything."""
    data = {}
    _form_fields(response.context["adminform"].form, data)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        _form_fields(formset.management_form, data)
        for form in formset.forms:
            _form_fields(form, data)
    return data


def errors_of(response):
    """The change form's errors above the fields, and those of each inline row, as text."""
    errors = list(response.context["adminform"].form.non_field_errors())
    for inline in response.context.get("inline_admin_formsets", []):
        for form in inline.formset.forms:
            errors += list(form.non_field_errors())
    return errors
