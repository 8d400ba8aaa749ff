"""The dashboard's routes: the page, a chart's block and CSV, the workbook. Included at the
site's root by aipdash/urls.py (names unchanged: "dashboard", "chart", "chart-csv",
"dashboard-xlsx"), and the scenarios' compare page ("scenario-compare")."""

from django.urls import path

from aipdash.dashboard import exports, views

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("charts/<slug:chart>/", views.chart_partial, name="chart"),
    path("charts/<slug:chart>.csv", exports.chart_csv, name="chart-csv"),
    path("export.xlsx", exports.dashboard_xlsx, name="dashboard-xlsx"),
    # Issue 17: two scenarios side by side (the scenario pages' other routes are theirs).
    path("scenarios/compare/", views.scenario_compare_view, name="scenario-compare"),
]
