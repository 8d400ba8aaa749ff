"""Load a portfolio written by export_portfolio into an EMPTY portfolio, in one transaction.

    manage.py import_portfolio portfolio.json
    manage.py import_portfolio --replace portfolio.json   # delete the current portfolio first

Every record passes full_clean(); the history gets a row for each (change reason "Portfolio
import (import_portfolio <file>)"); the dashboard's data version is bumped once. Any error
(a rule broken, a missing reference, a file cut short) changes nothing. See
aipdash/operations/backup.py.
"""

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aipdash.operations import backup


class Command(BaseCommand):
    help = (
        "Load a JSON export of the portfolio (export_portfolio) into an empty portfolio, in one "
        "transaction, every record checked. --replace deletes the current portfolio first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The export file (- for standard input).")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete every portfolio record first (the history keeps them), in the same "
            "transaction.",
        )

    def handle(self, *args: Any, file: str, replace: bool, **options: Any) -> None:
        started = time.perf_counter()
        try:
            if file == "-":
                result = backup.import_portfolio(sys.stdin, name="-", replace=replace)
            else:
                with open(file, encoding="utf-8") as stream:
                    result = backup.import_portfolio(stream, name=file, replace=replace)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        except backup.ImportRefused as error:
            raise CommandError(f"Nothing imported. {error}") from error
        if result["deleted"]:
            self.stdout.write(
                "Deleted the previous portfolio: "
                + ", ".join(
                    f"{n:,} {label.split('.')[1]}" for label, n in result["deleted"].items()
                )
            )
        created = result["created"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {sum(created.values()):,} records from {file} in "
                f"{time.perf_counter() - started:.1f} s: "
                + ", ".join(f"{n:,} {label.split('.')[1]}" for label, n in created.items())
            )
        )
