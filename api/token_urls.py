"""The API tokens page: an ordinary page of the site (login required), outside /api/."""

from django.urls import path

from api import token_views

app_name = "api-tokens"

urlpatterns = [
    path("", token_views.token_list, name="list"),
    path("new/", token_views.token_new, name="new"),
    path("<int:pk>/revoke/", token_views.token_revoke, name="revoke"),
]
