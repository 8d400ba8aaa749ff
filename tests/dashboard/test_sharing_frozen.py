"""Frozen shared links (issue 18): a link made frozen keeps the moment it was made; the form
offers it, rotation keeps it, the list, the issued page and the admin show it. (The shared page
reads the portfolio at that moment with the dashboard's as-of views: docs/as-of.md.)"""

import datetime as dt
import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from aipdash.dashboard.filters import DashboardFilters
from aipdash.sharing import services
from aipdash.sharing.models import ShareLink
from tests import factories

pytestmark = pytest.mark.django_db


def make(user, *, frozen):
    return services.create(
        user=user,
        label="Board pre-read",
        filters=DashboardFilters(partner=()),
        open_filters=[],
        days=30,
        frozen=frozen,
    )


def test_a_frozen_link_keeps_the_moment_it_was_made(viewer):
    issued = make(viewer, frozen=True)
    link = ShareLink.objects.get()
    assert link.is_frozen and link.frozen_at == link.created_at
    assert not make(viewer, frozen=False).link.is_frozen
    assert issued.link.frozen_at == link.frozen_at


def test_rotation_keeps_the_frozen_moment(viewer):
    issued = make(viewer, frozen=True)
    moment = issued.link.frozen_at
    rotated = services.rotate(issued.link)
    assert rotated.token != issued.token
    assert ShareLink.objects.get().frozen_at == moment
    assert services.resolve(rotated.token).frozen_at == moment


def test_a_link_is_never_frozen_ahead_of_its_making(viewer):
    link = make(viewer, frozen=True).link
    link.frozen_at = link.created_at + dt.timedelta(seconds=1)
    with transaction.atomic(), pytest.raises(IntegrityError):
        link.save()


def test_the_form_offers_it_and_the_pages_show_it(viewer_client):
    form = viewer_client.get(reverse("share-new"))
    assert 'name="frozen"' in form.text and "Freeze the figures" in form.text
    response = viewer_client.post(
        reverse("share-new"), {"label": "Board", "days": "30", "view": "", "frozen": "on"}
    )
    assert response.status_code == 200
    assert "Frozen: it shows the portfolio as it stood on" in response.text
    link = ShareLink.objects.get()
    assert link.is_frozen
    moment = f"{link.frozen_at:%-d %b %Y, %H:%M}"
    listing = viewer_client.get(reverse("share-list")).text
    assert f"Frozen: as they stood on {moment}" in listing

    viewer_client.post(reverse("share-new"), {"label": "Live one", "days": "30", "view": ""})
    assert not ShareLink.objects.get(label="Live one").is_frozen
    assert re.search(r"<td>Live</td>", viewer_client.get(reverse("share-list")).text)

    rotated = viewer_client.post(reverse("share-rotate", args=[link.pk]))
    assert "Frozen: it shows the portfolio as it stood on" in rotated.text


def test_the_admin_lists_the_frozen_moment(admin_client, viewer):
    make(viewer, frozen=True)
    page = admin_client.get(reverse("admin:aipdash_sharelink_changelist")).text
    assert "column-frozen_at" in page


def _figures(client, token):
    """The shared page's headline and a chart's CSV, as a viewer reads them."""
    page = client.get(f"/s/{token}/")
    assert page.status_code == 200, page.text[:500]
    csv = client.get(f"/s/{token}/charts/commitments_by_partner.csv")
    assert csv.status_code == 200
    tiles = re.findall(r'class="kpi__value">([^<]*)<', page.text)
    return page.text, tiles, b"".join(csv.streaming_content)


def test_a_frozen_links_page_and_csv_stay_as_they_stood(
    client, viewer, django_capture_on_commit_callbacks
):
    """Later edits show on a live link, never on a frozen one, also after rotation; the page
    says when it stood; a viewer's own date is refused."""
    partner = factories.PartnerFactory(slug="gip", short_name="GIP")
    factories.CommitmentFactory(partner=partner, amount_usd="1000000000.00", status="committed")
    frozen, live = make(viewer, frozen=True), make(viewer, frozen=False)
    page, tiles_then, csv_then = _figures(client, frozen.token)
    assert "The portfolio as it stood on" in page and "when this link was shared" in page
    _, live_then, _ = _figures(client, live.token)
    assert live_then == tiles_then

    with django_capture_on_commit_callbacks(execute=True):  # the data version moves on
        factories.CommitmentFactory(partner=partner, amount_usd="2500000000.00", status="committed")
    rotated = services.rotate(ShareLink.objects.get(pk=frozen.link.pk))
    _, tiles_now, csv_now = _figures(client, rotated.token)
    assert (tiles_now, csv_now) == (tiles_then, csv_then)
    _, live_now, _ = _figures(client, live.token)
    assert live_now != live_then  # the live link moved

    refused = client.get(f"/s/{rotated.token}/?as_of={timezone.localdate().isoformat()}")
    assert refused.status_code == 400
    assert "does not let you change the date" in refused.text
