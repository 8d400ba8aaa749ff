"""Load (or refresh) the demo data: public facts about AIP and the illustrative portfolio.

Idempotent: a second run finds every record in place and changes nothing; demo records an
editor changed keep the change unless --refresh is given. With --if-empty (what `make run`
uses) it loads nothing when the portfolio already has data, so that a start never fails or
duplicates records after an editor renamed or deleted demo records.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aipdash.operations.demo.loader import DemoRecordInvalid, load_demo, portfolio_has_data


class Command(BaseCommand):
    help = (
        "Create the missing demo data (public facts with their sources, and illustrative "
        "records flagged as such). Safe to run again; keeps edits and other records."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="Also put back the demo values of demo records that were changed since.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load the demo only into an empty portfolio (no partner yet); otherwise do "
            "nothing. Used by `make run`.",
        )

    def handle(self, *args: Any, refresh: bool, if_empty: bool, **options: Any) -> None:
        if if_empty and portfolio_has_data():
            self.stdout.write(
                "Portfolio data present: demo not loaded; run `manage.py load_demo` to add "
                "missing demo records"
            )
            return
        started = time.perf_counter()

        def progress(name: str, count: int) -> None:
            # A line per model as it is done: the load takes half a minute on a busy machine.
            elapsed = time.perf_counter() - started
            self.stdout.write(f"  {name:<18}  {count:>4}  ({elapsed:.1f}s)")
            self.stdout.flush()

        self.stdout.write("Loading the demo data (one transaction: all or nothing)…")
        try:
            counts = load_demo(refresh=refresh, progress=progress)
        except DemoRecordInvalid as error:
            raise CommandError(f"Demo data not loaded, nothing was changed. {error}") from error
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data in place: {sum(counts.values())} records in {elapsed:.1f}s."
            )
        )
