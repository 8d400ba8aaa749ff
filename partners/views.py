from django.shortcuts import render
from django.views.decorators.http import require_GET

from partners import selectors


@require_GET
def detail(request, slug):
    """A partner's facts, commitments, participations and sources; 404 for an unknown slug."""
    detail = selectors.partner_detail(slug)
    return render(request, "partners/detail.html", {"detail": detail, "partner": detail.partner})
