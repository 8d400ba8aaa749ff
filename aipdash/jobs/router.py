"""Where the job tables live: the portfolio's database, or on SQLite a file of their own.

SQLite lets one connection write a file at a time. An import writes every row of its file
in one transaction (all or nothing) that lasts minutes at 20,000 rows; a job's progress and its
lease's beat, written meanwhile from another connection, would wait for it and fail. So when
settings.DATABASES has a "jobs" alias (settings.py adds one next to an SQLite file), the job
tables and the task queue (django-tasks-db) live there; JobCommit always stays with the
portfolio, as it must commit with the portfolio's writes. With PostgreSQL there is no "jobs"
alias and everything is in one database.
"""

from typing import Any

from django.conf import settings
from django.db.models import Model

JOBS_ALIAS = "jobs"
JOB_APPS = {"jobs", "django_tasks_database"}  # ours, and django-tasks-db's label
WITH_THE_PORTFOLIO = {"jobcommit"}  # model names of the jobs app kept in "default"


def jobs_database() -> str:
    """The alias of the database that holds the job tables and the queue."""
    return JOBS_ALIAS if JOBS_ALIAS in settings.DATABASES else "default"


def _database_of(app_label: str, model_name: str | None) -> str:
    if app_label in JOB_APPS and (model_name or "").lower() not in WITH_THE_PORTFOLIO:
        return jobs_database()
    return "default"


def _job_table(model: type[Model]) -> str | None:
    """The job tables' database; None for the others, which the next router places (reads of
    the dashboard may go to a replica: aipdash/core/replicas.py)."""
    if model._meta.app_label in JOB_APPS:
        return _database_of(model._meta.app_label, model._meta.model_name)
    return None


class JobsRouter:
    """Sends the job tables to `jobs_database()`, JobCommit with the portfolio to "default"."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        return _job_table(model)

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return _job_table(model)

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # A job names its owner (auth, in "default") by a key without a constraint.
        labels = {obj1._meta.app_label, obj2._meta.app_label}
        return True if labels & JOB_APPS else None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool:
        return db == _database_of(app_label, model_name)
