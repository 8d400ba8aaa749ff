"""The interactive docs (Swagger UI from drf-spectacular-sidecar, our own static files) under
the site's strict CSP: the page loads only scripts and styles of our origin, and its init
script is a URL of its own (drf-spectacular's split view), never inline."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class DocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    title = "AIP Dashboard API"
