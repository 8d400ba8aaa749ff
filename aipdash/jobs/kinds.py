"""The kinds of job: a name, a title for people, the function that does the work, and what
to do when a worker dies during it. A feature registers its kinds when its app is ready
(an import's preview and confirmation: aipdash/operations/imports/jobs.py)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aipdash.jobs.context import JobContext
from aipdash.jobs.models import Job


@dataclass(frozen=True)
class JobKind:
    name: str
    title: str  # "Import preview", for the job's page and "My jobs"
    run: Callable[[JobContext], Any]  # the work; returns the job's result (JSON)
    # Run again when its worker died (nothing of it was kept: it wrote nothing, or all of it
    # in one transaction); otherwise it fails with `lost_message`.
    retry_when_lost: bool = True
    lost_message: str = (
        "The worker running this job stopped before it finished (it was killed or crashed). "
        "Start it again."
    )
    # Where the job's outcome is seen besides its own page (the admin's import page), if any.
    page: Callable[[Job], str] | None = None


KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    KINDS[kind.name] = kind
    return kind


def kind_of(name: str) -> JobKind | None:
    return KINDS.get(name)


def title_of(name: str) -> str:
    kind = KINDS.get(name)
    return kind.title if kind is not None else name
