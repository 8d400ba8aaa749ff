from django.contrib import admin
from django.urls import include, path

from aipdash import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("partners/", include("partners.urls")),
    path("projects/", include("projects.urls")),
    path("admin/", admin.site.urls),
]
