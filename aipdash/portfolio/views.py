"""The portfolio's pages: /portfolio/, a partner page and a project page.

Thin: each asks its selectors (aipdash/portfolio/selectors/) for the records and the charts'
rows, makes the chart cards (aipdash/charts/card.py) and renders; an unknown slug is a 404.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from aipdash.charts.card import card
from aipdash.core.cache.payloads import on_replica
from aipdash.core.formatting import coordinates
from aipdash.portfolio import timeline
from aipdash.portfolio.selectors import partners, projects


@require_GET
@on_replica
def portfolio(request: HttpRequest) -> HttpResponse:
    """Every deal, partner and project on record, each with its source (the headline figures
    and charts are the dashboard's): three queries."""
    investments = list(projects.investment_rows())
    partner_rows = list(partners.partner_rows())
    project_rows = list(projects.project_rows())
    records = [*investments, *partner_rows, *project_rows]
    # The notice explains the badges: on records, and on partners' committed totals.
    illustrative = any(r.illustrative for r in records) or any(
        p.has_illustrative_commitment for p in partner_rows
    )
    context = {"investments": investments, "partners": partner_rows, "projects": project_rows}
    return render(request, "portfolio.html", {**context, "illustrative": illustrative})


@require_GET
@on_replica
def partner_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A partner's facts, charts, commitments, participations and sources; 404 when unknown."""
    detail = partners.partner_detail(slug)
    partner = detail.partner
    commitments = card(partners.commitments_chart(partner), filename=f"aip-{slug}-commitments")
    capacity = card(partners.capacity_chart(partner), filename=f"aip-{slug}-capacity")
    context = {"detail": detail, "partner": partner}
    return render(
        request,
        "partners/detail.html",
        {**context, "commitments_chart": commitments, "capacity_chart": capacity},
    )


@require_GET
@on_replica
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A project's facts, charts, phases, participations, commitments and sources; 404 when
    unknown."""
    detail = projects.project_detail(slug)
    project = detail.project
    phases = card(projects.phases_chart(project), filename=f"aip-{slug}-phases")
    stakes = card(projects.participations_chart(project), filename=f"aip-{slug}-stakes")
    events = timeline.events(project, phases=detail.phases, commitments=detail.commitments)
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
        },
    )
