"""Periodic chores of the workers: a feature registers a function and how often it runs
(the digests' scheduler, every minute); every worker's chores thread (worker.py) runs each when
it is due. Every worker runs them, so each chore must be safe to run at once in two places
(the digests' is: unique records and conditional updates)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Chore:
    name: str
    every: float  # seconds
    run: Callable[[], object]


CHORES: dict[str, Chore] = {}


def register(name: str, every: float, run: Callable[[], object]) -> Chore:
    chore = Chore(name=name, every=every, run=run)
    CHORES[name] = chore
    return chore
