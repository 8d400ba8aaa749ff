"""The jobs' pages: /jobs/ ("My jobs"), a job's page and result, the progress poll."""

from django.urls import path

from aipdash.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("<uuid:job_id>/", views.job_page, name="detail"),
    path("<uuid:job_id>/result/", views.result, name="result"),
    path("progress/<str:token>/", views.progress, name="progress"),
]
