"""manage.py complete_history: give every portfolio record that has no history row one, dated
the start of its entry day (aipdash/history/writing.py), so that it shows in the past views.

`migrate` does this by itself; run it after writing records outside the app (raw SQL, a
database shell, a bulk load that wrote no history)."""

from typing import Any

from django.core.management.base import BaseCommand

from aipdash.history.writing import complete


class Command(BaseCommand):
    help = "Give every portfolio record without a history row its creation version."

    def handle(self, *args: Any, **options: Any) -> None:
        written = complete()
        if not written:
            self.stdout.write("Every record has its history: nothing to add.")
            return
        for label, count in written.items():
            self.stdout.write(f"{label}: {count:,} record(s) given their creation version.")
