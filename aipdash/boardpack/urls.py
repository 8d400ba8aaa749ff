"""The board pack's and the large exports' routes: /boardpack/ and /exports/ (the dashboard's),
and the same under a shared link's address /s/<token>/, with the pages of a shared view's jobs.
Included at the site's root by aipdash/urls.py."""

from django.urls import path

from aipdash.boardpack import views

app_name = "boardpack"

urlpatterns = [
    path("boardpack/", views.start, name="start"),
    path("boardpack/print/", views.print_view, name="print"),
    path("s/<str:token>/boardpack/", views.shared_start, name="shared-start"),
    # A shared view's files made by a job (its pack, a large export), reached through the link.
    path("s/<str:token>/jobs/<uuid:job_id>/", views.shared_job, name="shared-job"),
    path("s/<str:token>/jobs/<uuid:job_id>/file", views.shared_file, name="shared-file"),
    # The large exports (aipdash/boardpack/exports.py): what the file is, then its job.
    path("exports/xlsx/", views.export, {"fmt": "xlsx"}, name="export-xlsx"),
    path("exports/csv/<slug:chart>/", views.export, {"fmt": "csv"}, name="export-csv"),
    path(
        "s/<str:token>/exports/xlsx/",
        views.shared_export,
        {"fmt": "xlsx"},
        name="shared-export-xlsx",
    ),
    path(
        "s/<str:token>/exports/csv/<slug:chart>/",
        views.shared_export,
        {"fmt": "csv"},
        name="shared-export-csv",
    ),
]
