"""The shared links' routes: the staff side under /shares/, a link's view under /s/<token>/.
Included at the site's root by aipdash/urls.py (names unchanged: "share-list", "share-new",
"share-revoke", "share-rotate", "shared", "shared-chart", "shared-chart-csv", "shared-xlsx")."""

from django.urls import path

from aipdash.sharing import views

urlpatterns = [
    path("shares/", views.share_list, name="share-list"),
    path("shares/new/", views.share_new, name="share-new"),
    path("shares/<int:pk>/revoke/", views.share_revoke, name="share-revoke"),
    path("shares/<int:pk>/rotate/", views.share_rotate, name="share-rotate"),
    # A shared view: the token is the whole authorisation (see aipdash/sharing/services.py).
    path("s/<str:token>/", views.shared_dashboard, name="shared"),
    path("s/<str:token>/charts/<slug:chart>/", views.shared_chart, name="shared-chart"),
    path("s/<str:token>/charts/<slug:chart>.csv", views.shared_csv, name="shared-chart-csv"),
    path("s/<str:token>/export.xlsx", views.shared_xlsx, name="shared-xlsx"),
]
