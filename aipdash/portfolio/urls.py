"""The portfolio's routes. /portfolio/ is in aipdash/urls.py; the partner and project pages
keep their namespaces ("partners:detail", "projects:detail") through partners/urls.py and
projects/urls.py, which point here."""

from django.urls import path

from aipdash.portfolio import views

urlpatterns = [
    path("portfolio/", views.portfolio, name="portfolio"),
]
