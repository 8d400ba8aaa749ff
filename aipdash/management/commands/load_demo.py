"""Load (or refresh) the demo data: public facts about AIP and the illustrative portfolio.

Idempotent: a second run finds every record in place and changes nothing; demo records an
editor changed keep the change unless --refresh is given.
"""

import time

from django.core.management.base import BaseCommand

from aipdash.demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "Create the missing demo data (public facts with their sources, and illustrative "
        "records flagged as such). Safe to run again; keeps edits and other records."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="Also put back the demo values of demo records that were changed since.",
        )

    def handle(self, *args, refresh, **options):
        started = time.perf_counter()
        counts = load_demo(refresh=refresh)
        elapsed = time.perf_counter() - started
        width = max(len(name) for name in counts)
        for name, count in counts.items():
            self.stdout.write(f"  {name:<{width}}  {count:>4}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data in place: {sum(counts.values())} records in {elapsed:.1f}s."
            )
        )
