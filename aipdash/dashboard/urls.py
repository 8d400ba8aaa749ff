"""The dashboard's routes: the page, a chart's block and CSV, the workbook. Included at the
site's root by aipdash/urls.py (names unchanged: "dashboard", "chart", "chart-csv",
"dashboard-xlsx"); the scenario pages under /scenarios/: the list, Save as…, each one's Save,
Duplicate and history, and the compare page ("scenario-compare")."""

from django.urls import path

from aipdash.dashboard import exports, scenario_views, views

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("charts/<slug:chart>/", views.chart_partial, name="chart"),
    path("charts/<slug:chart>.csv", exports.chart_csv, name="chart-csv"),
    path("export.xlsx", exports.dashboard_xlsx, name="dashboard-xlsx"),
    # Two scenarios (or one and the recorded portfolio) side by side.
    path("scenarios/compare/", views.scenario_compare_view, name="scenario-compare"),
    # Scenarios: the list, Save as…, and each one's Save, Duplicate and history.
    path("scenarios/", scenario_views.scenario_list, name="scenario-list"),
    path("scenarios/new/", scenario_views.scenario_save_as, name="scenario-save-as"),
    path("scenarios/<slug:slug>/save/", scenario_views.scenario_save, name="scenario-save"),
    path(
        "scenarios/<slug:slug>/duplicate/",
        scenario_views.scenario_duplicate,
        name="scenario-duplicate",
    ),
    path(
        "scenarios/<slug:slug>/history/", scenario_views.scenario_history, name="scenario-history"
    ),
]
