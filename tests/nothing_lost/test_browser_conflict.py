"""Two editors in two browsers open the same project in the admin; the second save is
refused with who changed it, when and what, and keeps what the second editor typed."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from projects.models import Project
from tests.browser.helpers import admin_sign_in, watch
from tests.factories import PASSWORDS, ProjectFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_in(context, live_server, username, password):
    return admin_sign_in(watch(context.new_page()), live_server.url, username, password)


def test_two_editors_in_two_browsers(browser, live_server, editor, other_editor, screenshot):
    project = ProjectFactory(name="Lakeside Campus", capacity_mw=Decimal("300.0"))
    url = f"{live_server.url}/admin/projects/project/{project.pk}/change/"
    first = log_in(browser.new_context(), live_server, "editor", PASSWORDS["editor"])
    second = log_in(browser.new_context(), live_server, "other-editor", "other-pass-1234")
    first.goto(url)
    second.goto(url)

    first.fill("#id_capacity_mw", "450")
    first.click("input[name=_save]")
    expect(first.locator(".messagelist")).to_contain_text("was changed successfully")

    second.fill("#id_region", "Franklin County, Ohio")
    second.click("input[name=_save]")
    errors = second.locator(".errornote + ul.errorlist, ul.errorlist.nonfield").first
    expect(errors).to_contain_text("This project was changed by editor on")
    expect(errors).to_contain_text("capacity (MW): 300.0 → 450.0")
    expect(second.locator("#id_region")).to_have_value("Franklin County, Ohio")
    expect(second.locator("#id_capacity_mw")).to_have_value("450.0")
    screenshot("nothing-lost-admin-conflict", of=second)

    project.refresh_from_db()
    assert (project.capacity_mw, project.region) == (450, "Texas")
    assert first.problems == [] and second.problems == []

    # Checked, saved again: both editors' changes are kept.
    second.click("input[name=_save]")
    expect(second.locator(".messagelist")).to_contain_text("was changed successfully")
    project = Project.objects.get(pk=project.pk)
    assert (project.capacity_mw, project.region, project.version) == (
        450,
        "Franklin County, Ohio",
        3,
    )
