"""The dashboard view as an Excel workbook, for the signed-in dashboard and for shared links.

The same filters (and, on a shared link, the same scope) as the page: the workbook is built
from each chart's cached data and the cached headline (aipdash/xlsx.py) and streamed from a
temporary file.
"""

from django.http import FileResponse
from django.urls import reverse

from aipdash import dashboard, selectors, xlsx
from aipdash.views import _address, filtered_view, shared_view


def _workbook_response(filters, *, view, address, shared):
    charts = [dashboard.chart(name, filters).data for name in dashboard.CHART_NAMES]
    file = xlsx.workbook_file(
        charts,
        headline=selectors.headline_figures(dashboard.headline(filters)),
        view=view,
        address=address,
        described=dashboard.describe(filters),
    )
    return FileResponse(
        file,
        as_attachment=True,
        filename=xlsx.filename(shared=shared, filtered=not filters.is_default),
        content_type=xlsx.CONTENT_TYPE,
    )


@filtered_view
def dashboard_xlsx(request, filters):
    """Every chart of the dashboard, for the filters of the query string, as a workbook."""
    address = request.build_absolute_uri(_address(reverse("dashboard"), filters.canonical()))
    return _workbook_response(filters, view="Portfolio dashboard", address=address, shared=False)


@shared_view
def shared_xlsx(request, link, context):
    """A shared view's charts as a workbook: its scope, narrowed by what the viewer chose.
    The link's address is left out of the file (it is the link's whole authorisation)."""
    return _workbook_response(
        context["filters"], view=f"Shared view: {link.label}", address="", shared=True
    )
