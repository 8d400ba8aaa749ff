"""The portfolio's pages: /portfolio/, a partner page and a project page.

Thin: each asks its selectors (aipdash/portfolio/selectors/) for the records and the charts'
rows, makes the chart cards (aipdash/charts/card.py) and renders; an unknown slug is a 404.

A partner or project page takes `?as_of=YYYY-MM-DD`: the record as it stood at the end of that
day (its fields, sources, phases, participations, commitments and notes then), under the
dashboard's banner, its links to other pages and to the dashboard carrying the day. A wrong
date is a 400 naming "As of"; a record that did not exist that day is a page that says so
(404), never today's record.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from aipdash.charts.card import card
from aipdash.core.cache.payloads import cached, on_replica
from aipdash.core.formatting import coordinates
from aipdash.history import asof, dates
from aipdash.portfolio import timeline
from aipdash.portfolio.selectors import partners, projects, records
from partners.models import Partner
from projects.models import Project


@require_GET
@on_replica
def portfolio(request: HttpRequest) -> HttpResponse:
    """Every deal, partner and project on record, each with its source (the headline figures
    and charts are the dashboard's): three queries."""
    investments = list(projects.investment_rows())
    partner_rows = list(partners.partner_rows())
    project_rows = list(projects.project_rows())
    all_records = [*investments, *partner_rows, *project_rows]
    # The notice explains the badges: on records, and on partners' committed totals.
    illustrative = any(r.illustrative for r in all_records) or any(
        p.has_illustrative_commitment for p in partner_rows
    )
    context = {"investments": investments, "partners": partner_rows, "projects": project_rows}
    return render(request, "portfolio.html", {**context, "illustrative": illustrative})


# A page's day ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageDay:
    """The day a page shows (None: today) and what its links carry."""

    day: dt.date | None

    @property
    def reading(self) -> asof.Live | asof.AsOf:
        return asof.Live() if self.day is None else asof.AsOf.end_of(self.day)

    @property
    def page_query(self) -> str:
        """For a link to another record's page: "?as_of=2025-06-30", or ""."""
        return f"?as_of={self.day.isoformat()}" if self.day else ""

    @property
    def dashboard_param(self) -> str:
        """For a link to the dashboard that has a query already: "&as_of=2025-06-30", or ""."""
        return f"&as_of={self.day.isoformat()}" if self.day else ""

    def context(self, record: Model | None = None) -> dict[str, Any]:
        """What the banner, the day's field and the links of a page need."""
        return {
            "page_day": self.day,
            "page_query": self.page_query,
            "dashboard_param": self.dashboard_param,
            "first_day": first_day(),
            "today": dates.today(),
            "time_zone": settings.TIME_ZONE,
            # "Back to today" only when the record is there today (it may have been deleted).
            "today_exists": self.day is None
            or (record is not None and type(record)._default_manager.filter(pk=record.pk).exists()),
        }


def first_day() -> dt.date | None:
    """The portfolio's first day (the earliest a page can show), cached like the dashboard's."""
    return cached("first-day", "", asof.first_day, local=True)


def page_day(request: HttpRequest) -> PageDay:
    """The `as_of` day of a page's address; DateError names "As of" when it is wrong."""
    given = [value for value in request.GET.getlist("as_of") if value.strip()]
    if not given:
        return PageDay(None)
    if len(given) > 1:
        raise dates.DateError({"as_of": "Give one date at most."})
    return PageDay(
        dates.parse_day(given[0], field="as_of", first_day=first_day(), today=dates.today())
    )


def refused(request: HttpRequest, error: dates.DateError) -> HttpResponse:
    """The 400 page, naming the field of each wrong date."""
    problem = " ".join(
        f"{dates.FIELD_LABELS.get(key, key)}: {message}" for key, message in error.errors.items()
    )
    return render(request, "400.html", {"problem": problem}, status=400)


def absent(
    request: HttpRequest, model: type[Partner | Project], slug: str, day: PageDay
) -> HttpResponse:
    """A record not found under the page's day: a 404, which as of a day says that the record
    (found today) was not in the portfolio then, with a link to its page today."""
    today = model._default_manager.filter(slug=slug).first()
    if day.day is None or today is None:
        raise Http404(f"No {model._meta.verbose_name} is recorded under {slug!r}.")
    context = {
        "record": today,
        "noun": model._meta.verbose_name,
        "page_day": day.day,
        "time_zone": settings.TIME_ZONE,
    }
    return render(request, "portfolio_absent.html", context, status=404)


# The pages -------------------------------------------------------------------------------------


@require_GET
@on_replica
def partner_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A partner's facts, charts, commitments, participations and sources, today or as of a
    day; 404 when unknown (then)."""
    try:
        day = page_day(request)
    except dates.DateError as error:
        return refused(request, error)
    partner = records.find(day.reading, Partner, slug)
    if partner is None:
        return absent(request, Partner, slug, day)
    detail = partners.partner_detail(partner, day.reading)
    commitments = card(partners.commitments_chart(detail), filename=f"aip-{slug}-commitments")
    capacity = card(partners.capacity_chart(detail), filename=f"aip-{slug}-capacity")
    context = {"detail": detail, "partner": partner, **day.context(partner)}
    return render(
        request,
        "partners/detail.html",
        {**context, "commitments_chart": commitments, "capacity_chart": capacity},
    )


@require_GET
@on_replica
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A project's facts, charts, phases, participations, commitments, timeline and sources,
    today or as of a day; 404 when unknown (then)."""
    try:
        day = page_day(request)
    except dates.DateError as error:
        return refused(request, error)
    project = records.find(day.reading, Project, slug)
    if project is None:
        return absent(request, Project, slug, day)
    detail = projects.project_detail(project, day.reading)
    phases = card(projects.phases_chart(detail), filename=f"aip-{slug}-phases")
    stakes = card(projects.participations_chart(detail), filename=f"aip-{slug}-stakes")
    reading = day.reading
    events = timeline.events(
        project,
        phases=detail.phases,
        commitments=detail.commitments,
        notes=detail.own_notes,
        until=reading.before if isinstance(reading, asof.AsOf) else None,
        page_query=day.page_query,
    )
    return render(
        request,
        "projects/detail.html",
        {
            "detail": detail,
            "project": project,
            "coordinates": coordinates(project.latitude, project.longitude),
            "phases_chart": phases,
            "participations_chart": stakes,
            # Partners taking part, once each, largest stake first: links into the dashboard.
            "dashboard_partners": stakes.data.rows,
            "timeline": events,
            **day.context(project),
        },
    )
