"""The Subscriptions page and the unsubscribe link of every mail."""

from django.urls import path

from aipdash.digests import views

app_name = "digests"

urlpatterns = [
    path("subscriptions/", views.subscription_list, name="list"),
    path("subscriptions/new/", views.subscription_new, name="new"),
    path("subscriptions/<int:pk>/", views.subscription_edit, name="edit"),
    path("subscriptions/<int:pk>/delete/", views.subscription_delete, name="delete"),
    path("subscriptions/<int:pk>/preview/", views.preview, name="preview"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
