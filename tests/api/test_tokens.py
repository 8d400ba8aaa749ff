"""Personal API tokens: made once and shown once, stored hashed, refused once revoked or
expired or when the owner is inactive; the page that makes, lists and revokes them."""

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from api import tokens
from api.models import ApiToken

pytestmark = pytest.mark.django_db
PARTNERS = "/api/partners/"


def test_a_token_is_stored_as_its_sha256_only(viewer):
    issued = tokens.create(owner=viewer, label="report script")
    secret = issued.secret
    assert secret.startswith("aipk_") and len(secret) == len("aipk_") + 43
    row = ApiToken.objects.get()
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {row.token_hash, row.token_hint, row.label}
    assert row.token_hint == secret[:9] and row.expires_at is None
    assert tokens.authenticate(secret) == row
    assert tokens.authenticate(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None


def test_two_tokens_never_share_a_secret(viewer):
    first = tokens.create(owner=viewer, label="a").secret
    second = tokens.create(owner=viewer, label="b").secret
    assert first != second


@pytest.mark.parametrize(
    "label, days, field",
    [("  ", None, "label"), ("ok", 0, "days"), ("ok", tokens.MAX_DAYS + 1, "days")],
)
def test_a_token_needs_a_label_and_a_plausible_lifetime(viewer, label, days, field):
    with pytest.raises(ValidationError) as error:
        tokens.create(owner=viewer, label=label, days=days)
    assert field in error.value.message_dict
    assert not ApiToken.objects.exists()


def test_revoked_expired_and_inactive_owners_tokens_are_refused(viewer, bearer):
    revoked = tokens.create(owner=viewer, label="r")
    expiring = tokens.create(owner=viewer, label="e", days=1)
    good = tokens.create(owner=viewer, label="g")
    tokens.revoke(revoked.token)
    now = timezone.now()
    ApiToken.objects.filter(pk=expiring.token.pk).update(
        created_at=now - dt.timedelta(days=2), expires_at=now - dt.timedelta(seconds=1)
    )
    assert bearer(good.secret).get(PARTNERS).status_code == 200
    for secret in (revoked.secret, expiring.secret):
        response = bearer(secret).get(PARTNERS)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
    viewer.is_active = False
    viewer.save()
    assert bearer(good.secret).get(PARTNERS).status_code == 401


def test_use_is_recorded_at_most_once_a_minute(viewer, bearer):
    issued = tokens.create(owner=viewer, label="t")
    assert bearer(issued.secret).get(PARTNERS).status_code == 200
    issued.token.refresh_from_db()
    first = issued.token.last_used_at
    assert first is not None
    bearer(issued.secret).get(PARTNERS)
    issued.token.refresh_from_db()
    assert issued.token.last_used_at == first
    ApiToken.objects.filter(pk=issued.token.pk).update(last_used_at=first - dt.timedelta(hours=1))
    bearer(issued.secret).get(PARTNERS)
    issued.token.refresh_from_db()
    assert issued.token.last_used_at > first


def test_the_page_makes_a_token_shows_it_once_and_revokes_it(viewer_client, viewer, bearer):
    page = viewer_client.get(reverse("api-tokens:list"))
    assert page.status_code == 200 and "No API tokens yet" in page.text
    made = viewer_client.post(reverse("api-tokens:new"), {"label": "Quarterly report", "days": ""})
    assert made.status_code == 200
    assert made["Cache-Control"] == "private, no-store"
    token = ApiToken.objects.get(owner=viewer)
    secret = made.context["secret"]
    assert secret in made.text and token.token_hash == tokens.hash_token(secret)
    listing = viewer_client.get(reverse("api-tokens:list")).text
    assert "Quarterly report" in listing and secret not in listing and token.token_hint in listing
    assert bearer(secret).get(PARTNERS).status_code == 200
    revoked = viewer_client.post(reverse("api-tokens:revoke", args=[token.pk]))
    assert revoked.status_code == 302
    token.refresh_from_db()
    assert token.is_revoked
    assert bearer(secret).get(PARTNERS).status_code == 401


def test_a_bad_form_is_a_400_on_its_field(viewer_client):
    response = viewer_client.post(reverse("api-tokens:new"), {"label": "", "days": "999"})
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"label", "days"}
    assert not ApiToken.objects.exists()


def test_nobody_revokes_anothers_token(viewer_client, editor):
    theirs = tokens.create(owner=editor, label="editor's")
    response = viewer_client.post(reverse("api-tokens:revoke", args=[theirs.token.pk]))
    assert response.status_code == 404
    theirs.token.refresh_from_db()
    assert not theirs.token.is_revoked


def test_the_page_needs_a_login_and_the_viewer_role(client, no_role_user):
    assert client.get(reverse("api-tokens:list")).status_code == 302
    client.force_login(no_role_user)
    assert client.get(reverse("api-tokens:list")).status_code == 403
    assert client.post(reverse("api-tokens:new"), {"label": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_the_header_links_to_the_tokens_page_for_viewers(viewer_client):
    html = viewer_client.get(reverse("dashboard")).text
    assert f'href="{reverse("api-tokens:list")}"' in html


def test_a_second_revocation_from_a_stale_copy_keeps_the_first_time(viewer):
    issued = tokens.create(owner=viewer, label="two tabs")
    first_tab, second_tab = ApiToken.objects.get(), ApiToken.objects.get()  # loaded unrevoked
    tokens.revoke(first_tab)
    revoked_at = ApiToken.objects.get().revoked_at
    assert revoked_at is not None and first_tab.revoked_at == revoked_at
    tokens.revoke(second_tab)
    assert ApiToken.objects.get().revoked_at == revoked_at == second_tab.revoked_at
    assert tokens.authenticate(issued.secret) is None
