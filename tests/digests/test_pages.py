"""The Subscriptions page: the view checked by the dashboard's filter parsing, a message on
the field for bad input and nothing saved, one's own subscriptions only."""

import pytest

from aipdash.digests.models import Subscription
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "US campuses",
    "view": "https://aip.example.com/?kind=data_centre&country=US",
    "frequency": "weekly",
    "weekday": "0",
    "hour": "8",
    "time_zone": "Europe/London",
    "slip_months": "3",
    "alert_stage": "on",
}


@pytest.fixture
def ana_client(client, subscriber):
    client.force_login(subscriber)
    return client


def test_the_page_lists_one_s_own_subscriptions(ana_client, subscribe, editor):
    subscribe(name="Mine")
    Subscription.objects.create(user=editor, name="The editor's")
    page = ana_client.get("/subscriptions/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Mine" in body and "The editor's" not in body
    assert "ana@example.com" in body


def test_a_view_is_saved_in_its_canonical_form(ana_client, subscriber):
    response = ana_client.post("/subscriptions/new/", GOOD)
    assert response.status_code == 302
    sub = Subscription.objects.get()
    assert sub.query == "country=US&kind=data_centre"
    assert (sub.user, sub.frequency, sub.time_zone, sub.alert_stage) == (
        subscriber,
        "weekly",
        "Europe/London",
        True,
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("view", "?partner=nobody", "Partner: Unknown partner: “nobody”."),
        ("view", "?colour=red", "“colour” is not a filter of this dashboard."),
        ("view", "?online_from=2030&online_to=2020", "The range runs backwards"),
        ("view", "?scenario=secret", "No scenario “secret” that you may see."),
        ("hour", "24", "Select a valid choice."),
        ("time_zone", "Mars/Olympus", "Select a valid choice."),
        ("slip_months", "0", "greater than or equal to 1"),
        ("threshold_usd", "-5", "greater than or equal to 1"),
        ("threshold_usd", "lots", "Enter a number."),
        ("name", "", "This field is required."),
    ],
)
def test_bad_input_is_named_on_its_field_and_nothing_is_saved(ana_client, field, value, message):
    response = ana_client.post("/subscriptions/new/", {**GOOD, field: value})
    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert any(message in error for error in errors), errors
    assert not Subscription.objects.exists()


def test_no_address_no_subscription(ana_client, subscriber):
    subscriber.email = ""
    subscriber.save()
    response = ana_client.post("/subscriptions/new/", GOOD)
    assert response.status_code == 400
    assert "no email address" in response.content.decode()


def test_another_user_s_subscription_is_not_found(ana_client, editor):
    theirs = Subscription.objects.create(user=editor, name="Theirs")
    for url in (f"/subscriptions/{theirs.pk}/", f"/subscriptions/{theirs.pk}/preview/"):
        assert ana_client.get(url).status_code == 404
    assert ana_client.post(f"/subscriptions/{theirs.pk}/delete/").status_code == 404
    assert Subscription.objects.filter(pk=theirs.pk).exists()


def test_change_and_delete(ana_client, subscribe):
    PartnerFactory(slug="gip")
    sub = subscribe(active=False, paused_reason="Unsubscribed from a mail.")
    response = ana_client.post(f"/subscriptions/{sub.pk}/", {**GOOD, "view": "partner=gip"})
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.query == "partner=gip" and sub.active and not sub.paused_reason
    ana_client.post(f"/subscriptions/{sub.pk}/delete/")
    assert not Subscription.objects.exists()


def test_the_preview_is_the_mail_s_html_under_a_policy_of_its_own(ana_client, subscribe):
    sub = subscribe(name="Preview me")
    response = ana_client.get(f"/subscriptions/{sub.pk}/preview/")
    assert response.status_code == 200
    assert "Preview me" in response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy


def test_signed_out_visitors_go_to_the_login(client):
    response = client.get("/subscriptions/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_subscription_of_nothing_is_refused(ana_client):
    response = ana_client.post(
        "/subscriptions/new/", {**GOOD, "frequency": "never", "alert_stage": ""}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["frequency"] == [
        "Pick a digest, or at least one alert below."
    ]
    assert not Subscription.objects.exists()
