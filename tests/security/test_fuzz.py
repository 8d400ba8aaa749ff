"""Random parameters for every GET view and random values for every form: never a 500.

Examples are bounded (settings below) so that the security suite stays near a minute on
SQLite; a failure prints the example that broke, and hypothesis replays it first next time.
"""

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aipdash.dashboard.blocks import CHART_NAMES
from tests.security.hostile import text_values

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

PARAMETER_NAMES = [
    # the dashboard's filters and the shared view's embed switch
    "partner",
    "kind",
    "stage",
    "energy_source",
    "country",
    "online_from",
    "online_to",
    "embed",
    # the admin changelist's search, order, page, filters and popups
    "q",
    "o",
    "p",
    "all",
    "e",
    "_popup",
    "_to_field",
    "_changelist_filters",
    "stage__exact",
    "kind__exact",
    "illustrative__exact",
    "partner__id__exact",
    "role__exact",
    "series",
    "next",
]
parameter_names = st.one_of(st.sampled_from(PARAMETER_NAMES), st.text(min_size=1, max_size=12))
values = st.lists(text_values, min_size=1, max_size=3)
queries = st.dictionaries(parameter_names, values, max_size=5)
# Raw query strings too: broken percent-escapes, repeated separators, no "=".
raw_queries = st.text(alphabet="abcdefgz=&%;+?#0123456789_-[]", max_size=80)


CHART = "commitments_by_partner"
OTHER_CHART = sorted(CHART_NAMES)[-1]
# Every GET view; {partner}, {project} and {token} are filled from the test's records.
GET_PATHS = [
    "/",
    f"/charts/{CHART}/",
    f"/charts/{OTHER_CHART}/",
    f"/charts/{CHART}.csv",
    "/partners/{partner}/",
    "/projects/{project}/",
    "/portfolio/",
    "/shares/",
    "/shares/new/",
    "/s/{token}/",
    f"/s/{{token}}/charts/{CHART}/",
    f"/s/{{token}}/charts/{CHART}.csv",
    "/accounts/login/",
    *sorted(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ),
]


@pytest.fixture
def fuzz_client(client, superuser):
    """A superuser: every view answers it with its real work, not with a refusal."""
    client.force_login(superuser)
    return client


@pytest.mark.parametrize("template", GET_PATHS)
def test_get_views_never_answer_500(template, fuzz_client, records, share):
    path = template.format(
        partner=records.partner.slug, project=records.project.slug, token=share.token
    )
    assert fuzz_client.get(path).status_code == 200, path  # the view itself works

    @FUZZ
    @given(query=queries, raw=raw_queries, htmx=st.booleans())
    def check(query, raw, htmx):
        headers = {"HX-Request": "true"} if htmx else {}
        response = fuzz_client.get(path, query, headers=headers)
        assert response.status_code < 500, (path, query)
        response = fuzz_client.get(path, QUERY_STRING=raw, headers=headers)
        assert response.status_code < 500, (path, raw)

    check()


# Forms --------------------------------------------------------------------------------------------


class _FormFields(HTMLParser):
    """The names and default values of the fields of the page's main form."""

    def __init__(self):
        super().__init__()
        self.fields, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                self.fields.setdefault(name, "")
                return
            self.fields[name] = attrs.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(client, path) -> dict:
    page = client.get(path)
    assert page.status_code == 200, path
    parser = _FormFields()
    parser.feed(page.content.decode())
    return {k: v for k, v in parser.fields.items() if k != "csrfmiddlewaretoken"}


def fuzzed(fields: dict):
    """The form's own fields (with their defaults) with some replaced by random text."""
    names = sorted(fields)
    return st.dictionaries(st.sampled_from(names), text_values, max_size=len(names)).map(
        lambda changes: {**fields, **changes}
    )


def _post_never_500(client, path, fields, examples=FUZZ):
    @examples
    @given(data=fuzzed(fields))
    def check(data):
        response = client.post(path, data)
        assert response.status_code < 500, (path, data)

    check()


ADD_FORMS = sorted(
    f"admin:{model._meta.app_label}_{model._meta.model_name}_add"
    for model in admin.site._registry
    # No add form: share links are made from the dashboard; axes' records by logins (its
    # admins refuse add; test_access.py checks the 403).
    if model._meta.label_lower != "aipdash.sharelink" and model._meta.app_label != "axes"
)


@pytest.mark.parametrize("url_name", ADD_FORMS)
def test_admin_add_forms_never_answer_500(url_name, fuzz_client, records):
    path = reverse(url_name)
    fields = form_fields(fuzz_client, path)
    assert fields, path
    _post_never_500(fuzz_client, path, fields, settings(FUZZ, max_examples=5))


def test_admin_change_form_never_answers_500(fuzz_client, records):
    path = reverse("admin:projects_project_change", args=[records.project.pk])
    _post_never_500(fuzz_client, path, form_fields(fuzz_client, path))


@pytest.mark.parametrize("key", [":", "99999999999999999999", "-99999999999999999999"])
def test_an_autocomplete_value_that_is_no_key_is_refused_not_a_500(key, fuzz_client, records):
    """A forged key (not a number, or beyond the key column's range: OverflowError on SQLite)
    in an autocomplete field: the form says the choice is not valid."""
    path = reverse("admin:projects_project_add")
    fields = form_fields(fuzz_client, path)
    response = fuzz_client.post(path, {**fields, "investment": key})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["investment"]


def test_share_form_never_answers_500(fuzz_client, records):
    fields = form_fields(fuzz_client, "/shares/new/")
    assert {"label", "days", "view", "open_filters"} <= set(fields)
    _post_never_500(fuzz_client, "/shares/new/", fields)


def test_login_form_never_answers_500(client, viewer):
    fields = form_fields(client, "/accounts/login/")
    assert {"username", "password"} <= set(fields)
    _post_never_500(client, "/accounts/login/", fields)
