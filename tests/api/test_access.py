"""Who may read what: the 401/403 matrix of every API path, and a share link's token, which
opens its own charts within its scope and no record."""

import logging
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User

from aipdash.sharing import services
from api import tokens

pytestmark = pytest.mark.django_db

RECORDS = [
    "/api/partners/",
    "/api/partners/gip/",
    "/api/projects/",
    "/api/projects/dallas/",
    "/api/commitments/",
    "/api/targets/",
    "/api/targets/equity/",
    "/api/indicators/",
    "/api/notes/",
    "/api/scenarios/",  # a user's own and the shared ones (tests/api/test_scenarios.py)
]
CHARTS = [
    "/api/charts/",
    "/api/charts/capacity_pipeline/",
    "/api/charts/market_context/",
    "/api/headline/",
]
DOCS = ["/api/schema/", "/api/docs/"]
EVERYTHING = RECORDS + CHARTS + DOCS


def test_anonymous_gets_401_with_the_scheme_never_a_login_page(client, portfolio):
    for path in EVERYTHING:
        response = client.get(path)
        assert response.status_code == 401, path
        assert response["WWW-Authenticate"] == 'Bearer realm="api"', path
        assert "Location" not in response


def test_a_user_without_the_viewer_role_gets_403(client, bearer, portfolio):
    nobody = User.objects.create_user("nobody", password="nobody-pass-1234")
    secret = tokens.create(owner=nobody, label="t").secret
    client.force_login(nobody)
    for path in EVERYTHING:
        assert client.get(path).status_code == 403, path
    client.logout()
    for path in EVERYTHING:
        assert bearer(secret).get(path).status_code == 403, path


def test_a_viewer_reads_everything_by_token_or_session(
    viewer_client, viewer_token, bearer, portfolio
):
    for path in EVERYTHING:
        assert bearer(viewer_token).get(path).status_code == 200, path
        assert viewer_client.get(path).status_code == 200, path


def test_an_editor_reads_too(client, editor, bearer, portfolio):
    secret = tokens.create(owner=editor, label="t").secret
    for path in EVERYTHING:
        assert bearer(secret).get(path).status_code == 200, path


def test_a_token_reads_no_more_than_its_owner(client, bearer, portfolio, groups):
    """Permissions are the owner's, read on each request: a role taken away closes the token."""
    user = User.objects.create_user("leaver", password="leaver-pass-1234")
    viewer_group = Group.objects.get(name="viewer")
    user.groups.add(viewer_group)
    secret = tokens.create(owner=user, label="t").secret
    assert bearer(secret).get("/api/partners/").status_code == 200
    user.groups.remove(viewer_group)
    assert bearer(secret).get("/api/partners/").status_code == 403


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer a b",
        "Bearer aipk_forged-token-that-was-never-issued",
        "Bearer " + "x" * 43,  # the shape of a share link's token, but none
        "Bearer short",
    ],
)
def test_bad_bearer_tokens_are_401(client, portfolio, header):
    response = client.get("/api/charts/", headers={"Authorization": header})
    assert response.status_code == 401
    assert "detail" in response.json()


def test_another_scheme_is_not_a_login(client, portfolio):
    response = client.get("/api/partners/", headers={"Authorization": "Basic dmlld2VyOnZpZXdlcg=="})
    assert response.status_code == 401


def test_a_share_link_reads_its_charts_and_no_record(bearer, gip_link):
    link = bearer(gip_link.token)
    for path in RECORDS + DOCS:
        response = link.get(path)
        assert response.status_code == 403, path
        assert "shared link" in response.json()["detail"] if path in RECORDS else True
    for path in CHARTS:
        assert link.get(path).status_code == 200, path


def test_a_share_link_gets_its_scope_whatever_it_asks(bearer, gip_link, viewer_token):
    whole = bearer(viewer_token).get("/api/charts/capacity_pipeline/").json()
    scoped = bearer(gip_link.token).get("/api/charts/capacity_pipeline/").json()
    assert scoped["filters"] == {"partner": ["gip", "mgx"], "country": ["US"]}
    # US projects with GIP or MGX: dallas (100 MW) and solar (300 MW); not são paulo (200 MW).
    assert sum(float(r["mw"]) for r in scoped["rows"]) == 400
    assert sum(float(r["mw"]) for r in whole["rows"]) == 600
    narrowed = bearer(gip_link.token).get("/api/charts/capacity_pipeline/", {"partner": "gip"})
    assert narrowed.status_code == 200
    assert narrowed.json()["filters"] == {"partner": ["gip"], "country": ["US"]}
    assert sum(float(r["mw"]) for r in narrowed.json()["rows"]) == 100


def test_a_share_link_reads_the_headline_of_its_scope(bearer, gip_link, viewer_token):
    def mw(response):
        figures = {f["key"]: f["value"] for f in response.json()["figures"]}
        return Decimal(figures["dc_operational"]) + Decimal(figures["power_pipeline"])

    scoped = bearer(gip_link.token).get("/api/headline/")
    assert scoped.json()["filters"] == {"partner": ["gip", "mgx"], "country": ["US"]}
    assert mw(scoped) == 400  # dallas (100 MW) and solar (300 MW)
    assert mw(bearer(gip_link.token).get("/api/headline/", {"partner": "gip"})) == 100
    outside = bearer(gip_link.token).get("/api/headline/", {"country": "BR"})
    assert outside.status_code == 400 and "country" in outside.json()["errors"]


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ({"partner": "microsoft"}, "partner", "Unknown partner"),
        ({"country": "BR"}, "country", "does not let you change"),
        ({"stage": "operational"}, "stage", "does not let you change"),
        ({"online_from": "2026"}, "online_from", "does not let you change"),
        ({"colour": "red"}, "colour", "not a filter"),
        ({"embed": "1"}, "embed", "not of the API"),
        ({"partner": ["gip", "gip"]}, "partner", "more than once"),
    ],
)
def test_a_share_link_asking_outside_its_scope_is_a_400_that_says_why(
    bearer, gip_link, query, field, words
):
    response = bearer(gip_link.token).get("/api/charts/commitments_by_partner/", query)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors and words in errors[field]
    assert "rows" not in response.json()


def test_a_revoked_or_expired_link_opens_nothing(bearer, gip_link, monkeypatch):
    services.revoke(gip_link.link)
    response = bearer(gip_link.token).get("/api/charts/capacity_pipeline/")
    assert response.status_code == 401
    assert "expired or was revoked" in response.json()["detail"]


def test_api_answers_are_private(bearer, viewer_token, gip_link):
    for secret in (viewer_token, gip_link.token):
        response = bearer(secret).get("/api/charts/capacity_pipeline/")
        assert response["Cache-Control"] == "private, no-store"


NUL_PATHS = [
    "/api/projects/%00/",
    "/api/projects/a%00b/",
    "/api/partners/%00/",
    "/api/targets/%00/",
    "/api/commitments/%00/",
    "/api/charts/%00/",
    "/api/%00",
]
NUL_QUERIES = ["/api/projects/?stage=%00", "/api/partners/?page=%00", "/api/projects/?%00=x"]


def test_a_nul_in_the_address_is_a_json_400_that_says_so(
    client, viewer_client, viewer_token, bearer, portfolio, caplog
):
    """PostgreSQL refuses NUL in text: `/api/projects/%00/` reached the query and answered 500
    (DataError). Refused first, as JSON like every other API error, whoever asks."""
    callers = {
        "token": bearer(viewer_token).get,
        "session": viewer_client.get,
        "anonymous": client.get,
    }
    for name, get in callers.items():
        for path in NUL_PATHS + NUL_QUERIES:
            with caplog.at_level(logging.INFO):
                caplog.clear()
                response = get(path)
            assert response.status_code == 400, (name, path)
            assert response["Content-Type"] == "application/json", (name, path)
            body = response.json()
            if path in NUL_QUERIES:  # by parameter, as the filtered lists' other 400s
                (parameter,) = body["errors"]
                assert parameter in {"stage", "page", "\x00"}, (name, path)
                assert "NUL" in body["errors"][parameter], (name, path)
            else:
                assert "NUL" in body["detail"], (name, path)
            # One warning line; no traceback at ERROR.
            assert [r.levelname for r in caplog.records if r.name != "aipdash.request"] == [
                "WARNING"
            ], (name, path)
            assert not any(r.exc_info for r in caplog.records)
