from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from api import views
from api.docs import DocsView

app_name = "api"

router = SimpleRouter()
router.register("partners", views.PartnerViewSet, basename="partner")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("commitments", views.CommitmentViewSet, basename="commitment")
router.register("targets", views.TargetViewSet, basename="target")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("notes", views.NoteViewSet, basename="note")
router.register("scenarios", views.ScenarioViewSet, basename="scenario")

urlpatterns = [
    *router.urls,
    path("charts/", views.ChartListView.as_view(), name="charts"),
    path("charts/<str:chart>/", views.ChartView.as_view(), name="chart"),
    path("headline/", views.HeadlineView.as_view(), name="headline"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
]
