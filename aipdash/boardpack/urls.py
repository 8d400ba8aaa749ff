"""The board pack's routes: /boardpack/ (the dashboard's), and under a shared link's address
/s/<token>/boardpack/ (its own). Included at the site's root by aipdash/urls.py."""

from django.urls import path

from aipdash.boardpack import views

app_name = "boardpack"

urlpatterns = [
    path("boardpack/", views.start, name="start"),
    path("boardpack/print/", views.print_view, name="print"),
    path("s/<str:token>/boardpack/", views.shared_start, name="shared-start"),
    path("s/<str:token>/boardpack/<uuid:job_id>/", views.shared_job, name="shared-job"),
    path("s/<str:token>/boardpack/<uuid:job_id>/pdf", views.shared_pdf, name="shared-pdf"),
]
