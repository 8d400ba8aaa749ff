"""Fixtures of the security tests: one record of every portfolio model, a live share link,
and a client per role (anonymous, signed in without a role, viewer, editor, superuser)."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.test import Client

from aipdash.dashboard.filters import DashboardFilters
from aipdash.sharing import services
from api import tokens
from tests import factories


@pytest.fixture
def records(db, django_capture_on_commit_callbacks):
    """One of each portfolio model, linked as the real data is (the data version bumped, so
    that no cached partner list of an earlier test is used)."""
    with django_capture_on_commit_callbacks(execute=True):
        partner = factories.PartnerFactory()
        project = factories.ProjectFactory()
        target = factories.TargetFactory()
        return SimpleNamespace(
            partner=partner,
            project=project,
            investment=factories.InvestmentFactory(),
            projectphase=factories.ProjectPhaseFactory(project=project),
            participation=factories.ParticipationFactory(project=project, partner=partner),
            commitment=factories.CommitmentFactory(partner=partner),
            target=target,
            fundraisingupdate=factories.FundraisingUpdateFactory(target=target),
            marketindicator=factories.MarketIndicatorFactory(),
            note=factories.NoteFactory(),
        )


@pytest.fixture
def nobody(db, groups):
    """Signed in, but in neither group (and not staff)."""
    return User.objects.create_user("nobody", password="nobody-pass-1234")


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", password="root-pass-1234")


@pytest.fixture
def share(viewer, records):
    """A live share link made by the viewer, of the records' partner: (link, token)."""
    issued = services.create(
        user=viewer,
        label="For the board",
        filters=DashboardFilters(partner=(records.partner.slug,)),
        open_filters=["stage"],
        days=30,
    )
    return SimpleNamespace(link=issued.link, token=issued.token)


@pytest.fixture
def api_token(viewer):
    """A live personal API token of the viewer (the ApiToken record)."""
    return tokens.create(owner=viewer, label="Script").token


@pytest.fixture
def axes_records(db):
    """One record of each django-axes model (a failed login, its attempt, a session log)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    seen = {"user_agent": "pytest", "ip_address": "192.0.2.7", "username": "someone"}
    seen |= {"http_accept": "text/html", "path_info": "/accounts/login/"}
    return [
        AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=1),
        AccessLog.objects.create(**seen),
        AccessFailureLog.objects.create(**seen, locked_out=False),
    ]


@pytest.fixture
def clients(viewer, editor, nobody, superuser):
    """A Django test client per role, each signed in as that role's user."""
    made = {"anonymous": Client()}
    for role, user in (
        ("nobody", nobody),
        ("viewer", viewer),
        ("editor", editor),
        ("superuser", superuser),
    ):
        made[role] = Client()
        made[role].force_login(user)
    return made
