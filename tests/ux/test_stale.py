"""Stale data: a record whose as-of date is older than STALE_AFTER_DAYS (default 365) is marked
"Stale" on the project page, the partner page's project list, the portfolio table and the admin
changelist (a column and a list filter)."""

import datetime as dt
import os

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from aipdash.records import staleness
from projects.models import Project
from tests.factories import ParticipationFactory, PartnerFactory, ProjectFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 27)


def days_ago(days):
    return timezone.localdate() - dt.timedelta(days=days)


def test_stale_after_the_configured_number_of_days(settings):
    settings.STALE_AFTER_DAYS = 365
    fresh = Project(as_of=TODAY - dt.timedelta(days=365))
    old = Project(as_of=TODAY - dt.timedelta(days=366))
    assert not staleness.is_stale(fresh, today=TODAY)
    assert staleness.is_stale(old, today=TODAY)
    assert staleness.stale_since(old, today=TODAY) == dt.date(2026, 11, 26)
    settings.STALE_AFTER_DAYS = 30
    assert staleness.is_stale(fresh, today=TODAY)
    assert staleness.stale_since(fresh, today=TODAY) == TODAY - dt.timedelta(days=335)


@pytest.mark.skipif("STALE_AFTER_DAYS" in os.environ, reason="set in the environment")
def test_the_default_is_twelve_months():
    from django.conf import settings

    assert settings.STALE_AFTER_DAYS == 365


def test_the_queryset_rule_agrees_with_the_record_rule():
    old = ProjectFactory(as_of=days_ago(400))
    ProjectFactory(as_of=days_ago(10))
    assert list(Project.objects.filter(staleness.stale_q())) == [old]
    flags = dict(staleness.annotate_stale(Project.objects.all()).values_list("pk", "is_stale"))
    assert flags == {p.pk: staleness.is_stale(p) for p in Project.objects.all()}
    assert sum(flags.values()) == 1


@pytest.fixture
def projects():
    partner = PartnerFactory(slug="gip-test")
    old = ProjectFactory(name="Old campus", as_of=days_ago(500))
    new = ProjectFactory(name="New campus", as_of=days_ago(20))
    for project in (old, new):
        ParticipationFactory(project=project, partner=partner)
    return partner, old, new


def badges(html):
    return html.count('class="badge badge--stale"')


def test_the_project_page_says_stale_and_since_when(viewer_client, projects):
    _, old, new = projects
    html = viewer_client.get(old.get_absolute_url()).text
    assert badges(html) == 1
    since = old.as_of + dt.timedelta(days=365)
    assert f"Not confirmed since {old.as_of:%-d %b %Y}: stale since {since:%-d %b %Y}" in html
    assert ">Stale<" in html  # text, not colour only
    assert badges(viewer_client.get(new.get_absolute_url()).text) == 0


def test_the_partner_page_and_the_portfolio_mark_stale_projects(viewer_client, projects):
    partner, old, _ = projects
    for url in (partner.get_absolute_url(), reverse("portfolio")):
        html = viewer_client.get(url).text
        assert badges(html) == 1, url
        row = html.split(f">{old.name}</a>")[1].split("</th>")[0]
        assert "badge--stale" in row


def test_the_admin_lists_and_filters_stale_projects(admin_client, projects):
    _, old, new = projects
    url = reverse("admin:projects_project_changelist")
    html = admin_client.get(url).text
    assert "Stale since" in html
    assert "By confirmed" in html or "confirmed" in html
    stale_only = admin_client.get(url, {"stale": "yes"})
    assert list(stale_only.context["cl"].result_list) == [old]
    current = admin_client.get(url, {"stale": "no"})
    assert list(current.context["cl"].result_list) == [new]


def test_the_demo_has_a_few_stale_projects():
    call_command("load_demo", verbosity=0)
    # On a fixed day: the rest of the demo (as of 15 Jan 2026) turns stale in 2027.
    stale = Project.objects.filter(staleness.stale_q(today=TODAY))
    assert sorted(stale.values_list("slug", flat=True)) == [
        "aligned-dallas-02",
        "aligned-phoenix-02",
        "aligned-queretaro-01",
    ]
    # Only their as-of date differs: each was last confirmed when it came online.
    for project in stale:
        assert project.as_of == project.expected_online
        assert project.stage == "operational"
