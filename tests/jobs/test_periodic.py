"""Chores that features register run in every worker's chores thread when due: the digests'
scheduler is registered at start, a failing chore does not stop the others."""

import pytest

from aipdash.jobs import periodic
from aipdash.jobs.worker import Chores

pytestmark = pytest.mark.django_db


def test_the_digests_scheduler_is_a_chore_of_every_worker():
    chore = periodic.CHORES["digests"]
    assert chore.every == 60.0
    assert chore.run.__module__ == "aipdash.digests.schedule"


def test_a_chore_runs_when_due_and_a_failing_one_stops_nothing(monkeypatch):
    ran = []

    def fail():
        raise RuntimeError("a bug")

    monkeypatch.setattr(periodic, "CHORES", {})
    monkeypatch.setattr("aipdash.jobs.worker.CHORES", periodic.CHORES)
    periodic.register("failing", 60.0, fail)
    periodic.register("counting", 60.0, lambda: ran.append(1))
    chores = Chores()
    chores.once()
    chores.once()  # within the minute: not due again
    assert ran == [1]
    chores.ran_at["counting"] -= 61
    chores.once()
    assert ran == [1, 1]
