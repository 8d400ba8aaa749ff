"""The portfolio's routes: /portfolio/, and the partner and project pages under their
namespaces ("partners:detail", "projects:detail"), included by aipdash/urls.py."""

from django.urls import path

from aipdash.portfolio import views

urlpatterns = [
    path("portfolio/", views.portfolio, name="portfolio"),
]

partner_patterns = ([path("<slug:slug>/", views.partner_detail, name="detail")], "partners")
project_patterns = ([path("<slug:slug>/", views.project_detail, name="detail")], "projects")
