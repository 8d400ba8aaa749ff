from django.urls import path

from aipdash.portfolio import views

app_name = "partners"

urlpatterns = [
    path("<slug:slug>/", views.partner_detail, name="detail"),
]
