from decimal import Decimal

from django.shortcuts import render
from django.views.decorators.http import require_GET

from projects import selectors


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


@require_GET
def detail(request, slug):
    """A project's facts, phases, participations, commitments and sources; 404 when unknown."""
    detail = selectors.project_detail(slug)
    project = detail.project
    return render(
        request,
        "projects/detail.html",
        {
            "detail": detail,
            "project": project,
            "coordinates": coordinates(project.latitude, project.longitude),
        },
    )
