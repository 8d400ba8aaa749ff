"""Write the whole portfolio as JSON (natural keys, exact decimals, ISO dates); see
aipdash/operations/backup.py for the format.

    manage.py export_portfolio --output portfolio.json
    manage.py export_portfolio > portfolio.json

Streams: the records are read in chunks and written line by line, from one consistent
snapshot of the database (one transaction; REPEATABLE READ on PostgreSQL).
"""

import sys
import time
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction

from aipdash.operations import backup


class Command(BaseCommand):
    help = (
        "Write every portfolio record (partners, deals, projects, phases, participations, "
        "commitments, targets, fundraising updates, market indicators) as JSON, by natural "
        "keys. Load it with import_portfolio."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", "-o", help="File to write (default: standard output).", default="-"
        )

    def handle(self, *args: Any, output: str, **options: Any) -> None:
        started = time.perf_counter()
        own_transaction = not connection.in_atomic_block  # (a test runs inside one)
        with transaction.atomic():
            if connection.vendor == "postgresql" and own_transaction:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            if output == "-":
                self._write(sys.stdout)
                return
            with open(output, "w", encoding="utf-8") as file:
                counts = self._write(file)
        total = sum(counts.values())
        self.stderr.write(
            f"Exported {total:,} records to {output} in {time.perf_counter() - started:.1f} s: "
            + ", ".join(f"{n:,} {label.split('.')[1]}" for label, n in counts.items()),
            style_func=str,
        )

    @staticmethod
    def _write(file: TextIO) -> dict[str, int]:
        for text in backup.export_lines():
            file.write(text)
        file.flush()
        return backup.counts()  # the same snapshot as the file's
