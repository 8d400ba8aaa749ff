from decimal import Decimal

from django.shortcuts import render
from django.views.decorators.http import require_GET

from aipdash.charts.card import ChartCard, card
from aipdash.charts.data import ChartData
from projects import selectors, timeline


def coordinates(latitude: Decimal | None, longitude: Decimal | None) -> str:
    """32.7767° N, 96.797° W; empty when unknown."""
    if latitude is None or longitude is None:
        return ""

    def part(value: Decimal, positive: str, negative: str) -> str:
        text = f"{abs(value):f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return f"{text}° {positive if value >= 0 else negative}"

    return f"{part(latitude, 'N', 'S')}, {part(longitude, 'E', 'W')}"


def chart_card(data: ChartData, *, filename: str) -> ChartCard:
    """A chart of a partner or project page: every row in its table (a page's rows are few)."""
    return card(data, filename=filename)


@require_GET
def detail(request, slug):
    """A project's facts, charts, phases, participations, commitments and sources; 404 when
    unknown."""
    detail = selectors.project_detail(slug)
    project = detail.project
    phases = chart_card(selectors.phases_chart(project), filename=f"aip-{slug}-phases")
    participations = chart_card(
        selectors.participations_chart(project), filename=f"aip-{slug}-stakes"
    )
    return render(
        request,
        "projects/detail.html",
        {
            "detail": detail,
            "project": project,
            "coordinates": coordinates(project.latitude, project.longitude),
            "phases_chart": phases,
            "participations_chart": participations,
            # Partners taking part, once each, largest stake first: links into the dashboard.
            "dashboard_partners": participations.data.rows,
            "timeline": timeline.events(
                project, phases=detail.phases, commitments=detail.commitments
            ),
        },
    )
