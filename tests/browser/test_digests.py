"""The Subscriptions page and a digest's HTML mail in Chromium: the page with a field error,
then saved, no CSP violation; the mail as received by the SMTP server, opened with scripts off
and the network refused (as a careful mail client does), still readable and laid out.

Screenshots: test-screenshots/subscriptions*.png and digest-mail.png.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from aipdash.digests import schedule
from aipdash.digests.models import Subscription
from aipdash.digests.tokens import unsubscribe_url
from tests.browser.helpers import csp_violations, watch
from tests.digests import conftest as digests
from tests.digests.conftest import backdate, html_part
from tests.factories import CommitmentFactory, PartnerFactory, ProjectFactory, TargetFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}

# The digests' fixtures (tests/digests/conftest.py): the SMTP server and the subscriber.
smtp, subscribe, subscriber = digests.smtp, digests.subscribe, digests.subscriber


def test_the_subscriptions_page(page, live_server, subscriber, screenshot):
    PartnerFactory(slug="gip", short_name="GIP")
    watch(page)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "ana")
    page.fill("#id_password", "ana-pass-1234")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/subscriptions/")
    page.fill("#id_name", "GIP in the US")
    page.fill("#id_view", f"{live_server.url}/?partner=nobody")
    page.select_option("#id_time_zone", "Europe/London")
    page.check("#id_alert_stage")
    page.click("button:has-text('Subscribe')")
    error = page.locator(".form__error").first
    assert "Unknown partner: “nobody”" in error.inner_text()
    screenshot("subscriptions-error")
    page.problems.clear()  # Chromium logs the form's 400 answer as a console error
    page.fill("#id_view", f"{live_server.url}/?partner=gip&country=US")
    page.click("button:has-text('Subscribe')")
    page.wait_for_selector("text=Subscribed: “GIP in the US”.")
    assert Subscription.objects.get().query == "country=US&partner=gip"
    assert "stage changes" in page.locator("table").inner_text()
    screenshot("subscriptions")
    assert csp_violations(page) == []
    assert page.problems == []


def test_a_digest_mail_reads_without_scripts_or_the_network(browser, smtp, subscribe, screenshot):
    week_ago = timezone.now() - dt.timedelta(days=7)
    TargetFactory()
    gip = PartnerFactory(slug="gip", short_name="GIP", name="Global Infrastructure Partners")
    abilene = ProjectFactory(name="Abilene campus", stage="development")
    ProjectFactory(name="Old figures", as_of=dt.date(2023, 1, 5))
    for record in (gip, abilene):
        backdate(record, week_ago - dt.timedelta(days=1))
    now = timezone.now() + dt.timedelta(hours=1)
    sub = subscribe(name="US data centres", query="country=US", hour=now.hour, created_at=week_ago)
    abilene.stage = "construction"
    abilene.capacity_mw = Decimal("1200")
    abilene.save()
    CommitmentFactory(partner=gip, project=abilene, reference="GIP-1", amount_usd=Decimal("3e9"))
    assert schedule.run(now) == 1
    html = html_part(smtp.messages[0])
    context = browser.new_context(java_script_enabled=False, viewport={"width": 720, "height": 900})
    asked = []
    context.route("**/*", lambda route: (asked.append(route.request.url), route.abort()))
    page = context.new_page()
    page.set_content(html)
    assert asked == []  # nothing remote to load
    text = page.inner_text("body")
    assert "Abilene campus" in text and "Development" in text and "Construction" in text
    assert "$3bn" in text and "Old figures" in text and sub.name in text
    screenshot("digest-mail", of=page)
    context.close()


def test_unsubscribe_from_a_mail_signed_out(page, live_server, subscribe, screenshot):
    sub = subscribe(name="US data centres")
    watch(page)
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + unsubscribe_url(sub).removeprefix(settings.SITE_URL))
    assert "Unsubscribe from “US data centres”?" in page.inner_text("h1")
    screenshot("unsubscribe")
    page.click("button:has-text('Unsubscribe')")
    page.wait_for_selector("h1:has-text('Unsubscribed')")
    sub.refresh_from_db()
    assert not sub.active
    assert csp_violations(page) == []
    assert page.problems == []
