"""Who may open what: every URL pattern of the resolver, as every role, against a rule.

The routes come from the URL resolver itself (the admin's included), so a new URL without a
rule here fails `test_every_url_pattern_has_a_rule`. The roles:

    anonymous   not signed in: the login page, /healthz and valid shared links only
    nobody      signed in, in neither group: 403 on every data page and export (no view
                permission; see aipdash/core/middleware.py RoleRequiredMiddleware), no admin
    viewer      dashboard, pages, exports, shares, API tokens, the API; no admin (not staff)
    editor      the viewer's pages, plus admin data entry (and bulk import) within the editor
                group's permissions
    superuser   everything

The read-only API (/api/) never sends anyone to a login page: anonymous requests get 401 with
the scheme to use (WWW-Authenticate), signed-in users without the viewer role 403.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import URLResolver, get_resolver

from aipdash.dashboard.blocks import CHART_NAMES
from aipdash.scenarios.models import Scenario

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "nobody", "viewer", "editor", "superuser")
LOGIN = "302 /accounts/login/?next="
ADMIN_LOGIN = "302 /admin/login/?next="
API = (401, 403, 200, 200, 200)  # never a login redirect (see the module's docstring)
CHART = "commitments_by_partner"
NO_JOB = "00000000-0000-4000-8000-000000000000"
SHIPPED = "shipped"  # the scenario admin_rules makes, by its slug
assert CHART in CHART_NAMES

# What the editor group may do in the admin, per model (aipdash/core/roles.py). A model registered
# in the admin but missing here fails the test: decide its rule first.
EDITOR_ADMIN = {
    "auth.group": set(),
    "auth.user": set(),
    "aipdash.sharelink": {"view"},
    "partners.partner": {"view", "add", "change"},
    "projects.project": {"view", "add", "change"},
    "projects.investment": {"view", "add", "change"},
    "projects.projectphase": {"view", "add", "change", "delete"},
    "projects.participation": {"view", "add", "change", "delete"},
    "projects.commitment": {"view", "add", "change", "delete"},
    "projects.target": {"view", "add", "change"},
    "projects.fundraisingupdate": {"view", "add", "change"},
    "projects.marketindicator": {"view", "add", "change"},
    "projects.note": {"view", "add", "change", "delete"},
    # Their own scenarios and the shipped ones (no owner, as here); others' shared ones: view.
    "scenarios.scenario": {"view", "add", "change", "delete"},
    # django-axes' login-throttling records: superusers only (settings.py "Login throttling").
    "axes.accessattempt": set(),
    "axes.accesslog": set(),
    "axes.accessfailurelog": set(),
}
# Models nobody may add in the admin, whatever their permissions.
NO_ADMIN_ADD = {
    "aipdash.sharelink",  # made from the dashboard, where the token is shown once
    # written by django-axes at each login; its admins refuse add
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
}
# Records of the table above that belong to someone else than the editor (the share link is the
# viewer's): their pages by id answer the editor 404, as on the site.
SOMEONE_ELSES = {"aipdash.sharelink"}
# Admins with bulk import (aipdash/operations/imports/): whoever may add and change the model.
IMPORTS = {
    "projects.project",
    "projects.projectphase",
    "projects.participation",
    "projects.commitment",
    "projects.note",
}


def routes(patterns=None, prefix=""):
    """Every route of the URL configuration as its pattern text, e.g. 'charts/<slug:chart>/'."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def site_rules(records, share, api_token):
    """Route -> (path, expected answer per role in ROLES order)."""
    partner, project, token = records.partner.slug, records.project.slug, share.token
    page = (LOGIN, 403, 200, 200, 200)
    post_only = (LOGIN, 403, 405, 405, 405)  # GET; the POST is tested below
    public = (200,) * 5
    return {
        "": ("/", page),
        "export.xlsx": ("/export.xlsx", page),
        "charts/<slug:chart>/": (f"/charts/{CHART}/", page),
        "charts/<slug:chart>.csv": (f"/charts/{CHART}.csv", page),
        # The scenario admin_rules makes ("Shipped", seen by everyone) against the recorded.
        "scenarios/compare/": (f"/scenarios/compare/?b={SHIPPED}", page),
        "shares/": ("/shares/", page),
        "shares/new/": ("/shares/new/", page),
        "shares/<int:pk>/revoke/": (f"/shares/{share.link.pk}/revoke/", post_only),
        "shares/<int:pk>/rotate/": (f"/shares/{share.link.pk}/rotate/", post_only),
        "s/<str:token>/": (f"/s/{token}/", public),
        "s/<str:token>/charts/<slug:chart>/": (f"/s/{token}/charts/{CHART}/", public),
        "s/<str:token>/charts/<slug:chart>.csv": (f"/s/{token}/charts/{CHART}.csv", public),
        "s/<str:token>/export.xlsx": (f"/s/{token}/export.xlsx", public),
        "portfolio/": ("/portfolio/", page),
        # Scenarios (issue 17): everyone with a role keeps their own; another's private one, or
        # none by that slug, is not found; Save and Duplicate are POSTs
        # (tests/scenarios/test_editing.py).
        "scenarios/": ("/scenarios/", page),
        "scenarios/new/": ("/scenarios/new/", page),
        "scenarios/<slug:slug>/save/": ("/scenarios/none/save/", post_only),
        "scenarios/<slug:slug>/duplicate/": ("/scenarios/none/duplicate/", post_only),
        "scenarios/<slug:slug>/history/": ("/scenarios/none/history/", (LOGIN, 403, 404, 404, 404)),
        "healthz": ("/healthz", public),
        "favicon.ico": ("/favicon.ico", ("302 /static/img/favicon",) * 5),
        "accounts/login/": ("/accounts/login/", public),
        "accounts/logout/": ("/accounts/logout/", (LOGIN, 405, 405, 405, 405)),  # POST only
        "partners/<slug:slug>/": (f"/partners/{partner}/", page),
        "projects/<slug:slug>/": (f"/projects/{project}/", page),
        # API tokens: a page of the site (the viewer role), outside /api/; the POSTs are
        # tested in tests/api/test_tokens.py.
        "api-tokens/": ("/api-tokens/", page),
        "api-tokens/new/": ("/api-tokens/new/", post_only),
        "api-tokens/<int:pk>/revoke/": (f"/api-tokens/{api_token.pk}/revoke/", post_only),
        # Jobs (aipdash/jobs/): a page of the site; a job or its result only to its owner
        # (nobody owns this one: 404); the progress poll is reached by its signed address only.
        "jobs/": ("/jobs/", page),
        "jobs/<uuid:job_id>/": (f"/jobs/{NO_JOB}/", (LOGIN, 403, 404, 404, 404)),
        "jobs/<uuid:job_id>/result/": (f"/jobs/{NO_JOB}/result/", (LOGIN, 403, 404, 404, 404)),
        "jobs/progress/<str:token>/": ("/jobs/progress/forged/", (404,) * 5),
        # Board packs and large exports (aipdash/boardpack/): the dashboard's behind the role; a
        # shared view's through its token (a job of another link, or none: 404); starting is a
        # POST (tests/boardpack/test_views.py).
        "boardpack/": ("/boardpack/", post_only),
        "boardpack/print/": ("/boardpack/print/", page),
        "exports/xlsx/": ("/exports/xlsx/", page),
        "exports/csv/<slug:chart>/": (f"/exports/csv/{CHART}/", page),
        "s/<str:token>/boardpack/": (f"/s/{token}/boardpack/", (405,) * 5),
        "s/<str:token>/exports/xlsx/": (f"/s/{token}/exports/xlsx/", public),
        "s/<str:token>/exports/csv/<slug:chart>/": (f"/s/{token}/exports/csv/{CHART}/", public),
        "s/<str:token>/jobs/<uuid:job_id>/": (f"/s/{token}/jobs/{NO_JOB}/", (404,) * 5),
        "s/<str:token>/jobs/<uuid:job_id>/file": (f"/s/{token}/jobs/{NO_JOB}/file", (404,) * 5),
        # Subscriptions (aipdash/digests/): a page of the site; a subscription only to its
        # owner (none has this id: 404); unsubscribe by its signed link only (forged: 400).
        "subscriptions/": ("/subscriptions/", page),
        "subscriptions/new/": ("/subscriptions/new/", post_only),
        "subscriptions/<int:pk>/": ("/subscriptions/999999/", (LOGIN, 403, 404, 404, 404)),
        "subscriptions/<int:pk>/delete/": ("/subscriptions/999999/delete/", post_only),
        "subscriptions/<int:pk>/preview/": (
            "/subscriptions/999999/preview/",
            (LOGIN, 403, 404, 404, 404),
        ),
        "unsubscribe/<str:token>/": ("/unsubscribe/forged/", (400,) * 5),
        **api_rules(records),
        "api/charts/": ("/api/charts/", API),
        "api/charts/<str:chart>/": (f"/api/charts/{CHART}/", API),
        "api/headline/": ("/api/headline/", API),
        "api/schema/": ("/api/schema/", API),
        "api/docs/": ("/api/docs/", API),
    }


def api_rules(records):
    """The API's record routes (as the router writes them): list and one record, each by the
    lookup its viewset uses."""
    lookups = {
        "partners": ("slug", records.partner.slug),
        "projects": ("slug", records.project.slug),
        "commitments": ("pk", records.commitment.pk),
        "targets": ("slug", records.target.slug),
        "indicators": ("pk", records.marketindicator.pk),
        "notes": ("pk", records.note.pk),
    }
    rules = {
        # A user's assumptions, not records: the one admin_rules makes, seen by everyone.
        "api/^scenarios/$": ("/api/scenarios/", API),
        "api/^scenarios/(?P<slug>[^/.]+)/$": (f"/api/scenarios/{SHIPPED}/", API),
    }
    for prefix, (lookup, value) in lookups.items():
        rules[f"api/^{prefix}/$"] = (f"/api/{prefix}/", API)
        one = f"api/^{prefix}/(?P<{lookup}>[^/.]+)/$"
        rules[one] = (f"/api/{prefix}/{value}/", API)
    return rules


def admin_rules(records, share, viewer, axes_records):
    # Non-staff are sent to the admin's own login page (which says they may not enter). The
    # AdminSite's views are exempt from LoginRequiredMiddleware; each ModelAdmin's are not, so
    # anonymous requests to those meet the site's login page first.
    staff_only = (ADMIN_LOGIN,) * 3
    model_staff_only = (LOGIN, ADMIN_LOGIN, ADMIN_LOGIN)
    project_type = ContentType.objects.get_for_model(records.project)
    rules = {
        "admin/": ("/admin/", (*staff_only, 200, 200)),
        # Signed-in staff are sent on to the index; others see the form (and why they may not).
        "admin/login/": ("/admin/login/", (200, 200, 200, 302, 302)),
        # POST only for staff; the admin sends others to its index (and so to its login).
        "admin/logout/": ("/admin/logout/", (ADMIN_LOGIN, "302 /admin/", "302 /admin/", 405, 405)),
        "admin/password_change/": ("/admin/password_change/", (*staff_only, 200, 200)),
        "admin/password_change/done/": ("/admin/password_change/done/", (*staff_only, 200, 200)),
        # Without a field to complete: refused for every staff user.
        "admin/autocomplete/": ("/admin/autocomplete/", (*staff_only, 403, 403)),
        "admin/jsi18n/": ("/admin/jsi18n/", (*staff_only, 200, 200)),
        "admin/r/<path:content_type_id>/<path:object_id>/": (
            f"/admin/r/{project_type.pk}/{records.project.pk}/",
            (*staff_only, *[f"302 http://testserver/projects/{records.project.slug}/"] * 2),
        ),
        "admin/^(?P<app_label>auth|aipdash|scenarios|partners|projects|axes)/$": (
            "/admin/projects/",
            (*staff_only, 200, 200),
        ),
        "admin/(?P<url>.*)$": ("/admin/no-such-page/", (*staff_only, 404, 404)),
    }
    objects = {
        "auth.group": Group.objects.get(name="viewer"),
        "auth.user": viewer,
        "aipdash.sharelink": share.link,
        "scenarios.scenario": Scenario.objects.create(
            name="Shipped", slug=SHIPPED, visibility="everyone"
        ),
        **{f"axes.{o._meta.model_name}": o for o in axes_records},
        **{f"{o._meta.app_label}.{o._meta.model_name}": o for o in vars(records).values()},
    }
    for model in admin.site._registry:
        key = f"{model._meta.app_label}.{model._meta.model_name}"
        may = EDITOR_ADMIN[key]  # KeyError: a model in the admin without a rule
        obj = objects[key]
        base = f"admin/{model._meta.app_label}/{model._meta.model_name}/"
        path = "/" + base

        def answer(action, superuser=200, may=may):
            return (*model_staff_only, 200 if action in may else 403, superuser)

        rules[base] = (path, answer("view"))
        rules[base + "add/"] = (path + "add/", answer("add", 403 if key in NO_ADMIN_ADD else 200))
        for suffix, action in (("history/", "view"), ("delete/", "delete"), ("change/", "view")):
            expected = answer(action)
            if key in SOMEONE_ELSES:  # not the editor's: not found (aipdash.sharing.visible_to)
                expected = (*expected[:3], 404, expected[4])
            rules[f"{base}<path:object_id>/{suffix}"] = (f"{path}{obj.pk}/{suffix}", expected)
        # The bare object address redirects to its change page (which then checks).
        rules[base + "<path:object_id>/"] = (
            f"{path}{obj.pk}/",
            (*model_staff_only, *[f"302 {path}{obj.pk}/change/"] * 2),
        )
        if key == "auth.user":
            rules["admin/auth/user/<id>/password/"] = (
                f"{path}{obj.pk}/password/",
                (*model_staff_only, 403, 200),
            )
        if hasattr(obj, "history"):  # django-simple-history's "revert to this version" page
            record = obj.history.latest()
            rules[base + "^([^/]+)/history/([^/]+)/$"] = (
                f"{path}{obj.pk}/history/{record.history_id}/",
                answer("change"),
            )
        if key in IMPORTS:
            imports = (*model_staff_only, 200 if {"add", "change"} <= may else 403, 200)
            rules[base + "import/"] = (path + "import/", imports)
            rules[base + "import/template.<str:extension>"] = (
                path + "import/template.csv",
                imports,
            )
            # The confirmation: POST only (checked before the permission); its POST is tested
            # in tests/io/test_import.py.
            rules[base + "process_import/"] = (
                path + "process_import/",
                (*model_staff_only, 405, 405),
            )
    return rules


@pytest.fixture
def rules(records, share, viewer, api_token, axes_records):
    return {
        **site_rules(records, share, api_token),
        **admin_rules(records, share, viewer, axes_records),
    }


def test_every_url_pattern_has_a_rule(rules):
    resolved = set(routes())
    assert sorted(resolved - set(rules)) == [], "URL patterns without an access rule"
    assert sorted(set(rules) - resolved) == [], "rules for URL patterns that no longer exist"


def _matches(response, expected) -> bool:
    if expected == 401:  # a 401 names the scheme to use and sends nowhere
        return (
            response.status_code == 401
            and "WWW-Authenticate" in response
            and "Location" not in response
        )
    if isinstance(expected, int):
        return response.status_code == expected
    status, location = expected.split(" ", 1)
    return response.status_code == int(status) and response["Location"].startswith(location)


def _seen(response) -> str:
    location = response.get("Location")
    return f"{response.status_code} {location}" if location else str(response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_its_rule_says(role, rules, clients):
    client = clients[role]
    wrong = []
    for route, (path, expected) in sorted(rules.items()):
        want = expected[ROLES.index(role)]
        response = client.get(path)
        if not _matches(response, want):
            wrong.append(f"{route} GET {path}: want {want}, got {_seen(response)}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize(
    ("role", "revoke", "rotate"),
    [
        ("anonymous", LOGIN, LOGIN),
        ("nobody", 403, 403),
        # The viewer made the link: theirs to revoke and rotate.
        ("viewer", "302 /shares/", 200),
        # Someone else's link: not found (not even its existence is told).
        ("editor", 404, 404),
    ],
)
def test_revoking_and_rotating_a_link_needs_a_role_and_the_link(
    role, revoke, rotate, clients, share
):
    client = clients[role]
    response = client.post(f"/shares/{share.link.pk}/rotate/")
    assert _matches(response, rotate), _seen(response)
    response = client.post(f"/shares/{share.link.pk}/revoke/")
    assert _matches(response, revoke), _seen(response)


@pytest.mark.parametrize("role", ROLES)
def test_an_unknown_or_revoked_share_token_opens_nothing(role, clients, share, records):
    from aipdash.sharing import services

    client = clients[role]
    assert client.get("/s/not-a-real-token-at-all/").status_code == 404
    services.revoke(share.link)
    for path in (
        f"/s/{share.token}/",
        f"/s/{share.token}/charts/{CHART}.csv",
        f"/s/{share.token}/export.xlsx",
    ):
        response = client.get(path)
        assert response.status_code in (404, 410)
        assert records.partner.name.encode() not in response.content  # no data on the page


def test_a_user_without_a_role_is_told_why(clients):
    response = clients["nobody"].get("/")
    assert response.status_code == 403
    assert b"viewer or editor group" in response.content
    assert response.templates[0].name == "403.html"


@pytest.mark.parametrize("perms", [("view", "add"), ("view", "change")])
def test_importing_needs_both_add_and_change(perms, client, records, groups):
    """Staff who may add but not change a model, or change but not add, may not import into
    it: not the form, not the template, not the confirmation (POST)."""
    from django.contrib.auth.models import Permission, User

    clerk = User.objects.create_user("clerk", password="clerk-pass-1234", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="projects",
            codename__in=[f"{action}_project" for action in perms],
        )
    )
    client.force_login(clerk)
    base = "/admin/projects/project/"
    assert client.get(base).status_code == 200  # in the admin, with the view permission
    assert client.get(base + "import/").status_code == 403
    assert client.get(base + "import/template.csv").status_code == 403
    assert client.post(base + "import/", {"format": "0"}).status_code == 403
    assert client.post(base + "process_import/", {"format": "0"}).status_code == 403
