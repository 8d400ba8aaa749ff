"""Whether a user may open a saved view, checked when it is saved AND again before every mail:
a digest is the view seen by its owner at send time, never by what they could once open.

A view is the dashboard's query string, parsed by the dashboard's own filter parsing
(`DashboardFilters.from_query`), so a saved view means exactly what the page shows. Its
`scenario` must be one its owner may see now (`scenario_for`: their own or one shared with
everyone), never another's private one; its figures are then the scenario's, as on the page.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.http import QueryDict

from aipdash.core.roles import has_role
from aipdash.dashboard import selectors
from aipdash.dashboard.filters import MAX_QUERY_LENGTH, SCENARIO, DashboardFilters, FilterError
from aipdash.scenarios.models import Scenario
from aipdash.scenarios.selectors import ScenarioNotFound, scenario_for


class ViewClosed(Exception):
    """The user may not open this view (any more); the message says why, in words."""


@dataclass(frozen=True)
class View:
    filters: DashboardFilters
    scenario: Scenario | None

    @property
    def query(self) -> str:
        """The view's canonical query string (the dashboard's form)."""
        return self.filters.canonical()


def parse(text: str) -> QueryDict:
    """A pasted view: a dashboard address, or its query string with or without "?"."""
    text = text.strip()
    if "?" in text:
        text = text.split("?", 1)[1]
    text = text.split("#", 1)[0]
    if len(text) > MAX_QUERY_LENGTH:
        raise FilterError(
            {"query": f"The address is too long (over {MAX_QUERY_LENGTH} characters)."}
        )
    return QueryDict(text)


def open_view(user: User | AnonymousUser, text: str) -> View:
    """The view `text` as `user` may open it now; ViewClosed (why) or FilterError (which
    field is wrong) otherwise."""
    if not user.is_active:
        raise ViewClosed("Your account is not active.")
    if not has_role(user):
        raise ViewClosed("You no longer have a role that may open the dashboard.")
    filters = DashboardFilters.from_query(parse(text), partner_slugs=selectors.partner_slugs())
    scenario = None
    if filters.scenario is not None:
        try:
            scenario = scenario_for(user, filters.scenario)
        except ScenarioNotFound as error:
            raise FilterError({SCENARIO: str(error)}) from None
    if scenario is not None or filters.draft:
        # The scenario form's unsaved values, as the page draws them (drafts are the user's).
        filters = filters.resolve(scenario)
    return View(filters=filters, scenario=scenario)


def check_at_send(user: User, text: str) -> View:
    """open_view at send time: any reason the view no longer opens is a ViewClosed."""
    try:
        return open_view(user, text)
    except FilterError as error:
        reasons = "; ".join(error.errors.values())
        raise ViewClosed(f"The saved view no longer opens: {reasons}") from None
