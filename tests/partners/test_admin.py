"""Partners in the admin: commitments entered inline, totals shown formatted."""

from decimal import Decimal

import pytest
from django.urls import reverse

from aipdash.records.provenance import AS_OF_IN_THE_FUTURE
from partners.models import Partner
from projects.models import Commitment
from tests.factories import CommitmentFactory, ParticipationFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def partner_post(**fields):
    data = {
        "name": "Example Capital",
        "short_name": "ExCap",
        "slug": "excap",
        "kind": "asset_manager",
        "role": "member",
        "parent": "",
        "headquarters_country": "US",
        "joined_on": "2025-03-19",
        "website": "https://example.com",
        "colour": "#0072B2",
        "description": "",
        "source_title": "Release",
        "source_url": "https://example.com/release",
        "as_of": "2025-03-19",
        "commitments-TOTAL_FORMS": "1",
        "commitments-INITIAL_FORMS": "0",
        "commitments-MIN_NUM_FORMS": "0",
        "commitments-MAX_NUM_FORMS": "1000",
        "commitments-0-committed_on": "2025-04-01",
        "commitments-0-project": "",
        "commitments-0-instrument": "equity",
        "commitments-0-status": "committed",
        "commitments-0-amount_usd": "2500000000",
        "commitments-0-note": "",
    }
    data.update(fields)
    return data


def test_editor_adds_a_partner_with_a_commitment(editor_client):
    response = editor_client.post(reverse("admin:partners_partner_add"), partner_post())
    assert response.status_code == 302
    partner = Partner.objects.get(slug="excap")
    commitment = partner.commitments.get()
    assert commitment.amount_usd == Decimal("2500000000")
    assert commitment.source_url == "https://example.com/release"  # inherited


def test_a_bad_colour_and_a_negative_amount_are_messages_on_their_fields(editor_client):
    response = editor_client.post(
        reverse("admin:partners_partner_add"),
        partner_post(colour="blue", **{"commitments-0-amount_usd": "-1"}),
    )
    assert response.status_code == 200
    assert "colour" in response.context["adminform"].form.errors
    inline = response.context["inline_admin_formsets"][0].formset
    assert inline.forms[0].errors["amount_usd"] == ["An amount cannot be negative."]
    assert not Partner.objects.filter(slug="excap").exists()


def test_the_partner_list_totals_each_instrument_once(editor_client):
    partner = PartnerFactory(name="Totals Partner")
    CommitmentFactory(partner=partner, amount_usd=Decimal("1500000000"))
    CommitmentFactory(partner=partner, amount_usd=Decimal("1000000000"))
    CommitmentFactory(partner=partner, instrument="debt", amount_usd=Decimal("400000000"))
    # Participations must not multiply the sums.
    ParticipationFactory(partner=partner)
    ParticipationFactory(partner=partner)
    response = editor_client.get(reverse("admin:partners_partner_changelist"))
    assert "$2.5bn" in response.text
    assert "$400m" in response.text


def test_autocomplete_finds_partners_for_editors(editor_client):
    PartnerFactory(name="Autocomplete Partner")
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Autocomp",
            "app_label": "projects",
            "model_name": "participation",
            "field_name": "partner",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Autocomplete Partner"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"joined_on": "9999-12-31"}, "joined_on"),
        ({"as_of": "1989-12-31"}, "as_of"),
    ],
)
def test_a_date_out_of_range_is_a_message_on_its_field(editor_client, fields, field):
    response = editor_client.post(reverse("admin:partners_partner_add"), partner_post(**fields))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == ["A date from 1990 to 2100."]
    assert not Partner.objects.exists()


def test_an_as_of_date_in_the_future_is_a_message_on_its_field(editor_client):
    """Such a record would never go stale; its inline commitment, which takes the partner's
    source, is not saved either."""
    response = editor_client.post(
        reverse("admin:partners_partner_add"), partner_post(as_of="2100-01-01")
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["as_of"] == [AS_OF_IN_THE_FUTURE]
    assert not Partner.objects.exists()
    assert not Commitment.objects.exists()


def test_a_duplicate_slug_is_a_message_on_the_slug(editor_client):
    PartnerFactory(slug="excap")
    response = editor_client.post(reverse("admin:partners_partner_add"), partner_post())
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "slug": ["Partner with this Slug already exists."]
    }
    assert Partner.objects.count() == 1
    assert not Commitment.objects.exists()
