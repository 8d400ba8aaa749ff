"""The lockout page as a person meets it: five wrong passwords in the login form, in Chromium."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_five_wrong_passwords_show_the_pause_page(page, live_server, viewer, screenshot):
    violations = []
    page.on("console", lambda m: m.type == "error" and violations.append(m.text))
    for _ in range(5):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "viewer")
        page.fill("#id_password", "not-the-password")
        page.click("button[type=submit]")
    heading = page.locator("h1")
    assert heading.inner_text() == "Too many failed sign-ins"
    alert = page.locator("#locked-out").inner_text()
    assert "After 5 wrong passwords for viewer from this address" in alert
    assert "paused for 15 minutes" in alert
    screenshot("login-locked-out")

    # Even the right password is refused now; the page links back to the form.
    page.click("text=Back to sign in")
    page.fill("#id_username", "viewer")
    page.fill("#id_password", "viewer-pass-1234")
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == "Too many failed sign-ins"
    # 429 is logged by Chromium as a failed resource; nothing else may be.
    assert all("429" in v for v in violations), violations
