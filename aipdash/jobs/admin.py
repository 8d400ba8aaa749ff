"""No admin for the queue's tasks: django-tasks-db registers one, which we take away. A job's
page and "My jobs" (views.py) are where jobs are seen; the queue is the worker's business."""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
