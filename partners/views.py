from django.shortcuts import render
from django.views.decorators.http import require_GET

from partners import selectors
from projects.views import chart_card


@require_GET
def detail(request, slug):
    """A partner's facts, charts, commitments, participations and sources; 404 for an unknown
    slug."""
    detail = selectors.partner_detail(slug)
    partner = detail.partner
    return render(
        request,
        "partners/detail.html",
        {
            "detail": detail,
            "partner": partner,
            "commitments_chart": chart_card(
                selectors.commitments_chart(partner), filename=f"aip-{slug}-commitments"
            ),
            "capacity_chart": chart_card(
                selectors.capacity_chart(partner), filename=f"aip-{slug}-capacity"
            ),
        },
    )
