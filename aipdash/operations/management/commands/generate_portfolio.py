"""Generate a deterministic synthetic portfolio for benchmarks (issue 5, "Scale data").

    manage.py generate_portfolio --projects 100000 --commitments 1000000 --seed 1

Every record is flagged illustrative ("Synthetic scale data (not public fact)"); slugs and
references carry the seed, so the data sits beside the demo data. The same arguments over the
same partners give the same records. A second run for a seed that is already loaded stops with
a message; --replace deletes that seed's synthetic records first. Commitments go to the
partners already in the database (a handful of synthetic partners are added when there are
fewer than five).

Loaded with bulk_create, in batches of 5,000 projects and 20,000 commitments, each batch in its
own transaction, so memory stays bounded. bulk_create sends no signals: the history rows of
each batch are written in bulk in its transaction (one INSERT … SELECT per table, change reason
"Synthetic scale data (generate_portfolio --seed N)", see aipdash/audit/history.py), and the
dashboard's data version is bumped once at the end. An interrupted run leaves the batches it
committed; run it again with --replace.

Progress goes to stderr, one line per batch; the summary to stdout. See
aipdash/operations/demo/synthetic.py.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from aipdash.operations.demo import synthetic


def _count(text: str) -> int:
    value = int(text.replace(",", "").replace("_", ""))
    if value < 0:
        raise ValueError(text)
    return value


class ProgressBar:
    """Plain text on stderr: "projects 35,000/100,000 (35%) 12.3 s", redrawn in place on a
    terminal, one line per update otherwise (logs, CI)."""

    WIDTH = 24

    def __init__(self, stream: OutputWrapper, started: float) -> None:
        """`stream`: the command's stderr wrapper (plain text, not its error style)."""
        self.stream, self.started = stream, started
        self.tty = stream.isatty()
        self.open_line = False

    def write(self, text: str) -> None:
        self.stream.write(text, style_func=str, ending="")

    def __call__(self, stage: str, done: int, total: int) -> None:
        share = done / total if total else 1.0
        filled = round(share * self.WIDTH)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        line = (
            f"{stage:<11} [{bar}] {done:>9,}/{total:,} ({share:4.0%}) "
            f"{time.perf_counter() - self.started:7.1f} s"
        )
        if self.tty:
            self.open_line = done < total
            self.write("\r" + line + ("" if self.open_line else "\n"))
        else:
            self.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.open_line:
            self.write("\n")
            self.open_line = False


class Command(BaseCommand):
    help = (
        "Load a deterministic synthetic portfolio (projects with phases and participations, "
        "and commitments), every record flagged illustrative, for benchmarks. Bulk inserts in "
        "batches, each with its history rows written in bulk (change reason naming the command); "
        "the data version is bumped once at the end. Refuses when the seed is already loaded, "
        "unless --replace."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--projects", type=_count, required=True, help="Number of projects (e.g. 100000)."
        )
        parser.add_argument(
            "--commitments",
            type=_count,
            required=True,
            help="Number of commitments (e.g. 1000000); about 30%% to the partnership as a "
            "whole, the rest to the new projects.",
        )
        parser.add_argument(
            "--seed",
            type=_count,
            default=1,
            help="Seed (a whole number, default 1): the same seed gives the same records; "
            "slugs are synthetic-<seed>-p000001, references synthetic-<seed>-c0000001.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete this seed's synthetic records first (raw deletes; their last values "
            "are kept in the history as deletions).",
        )

    def handle(
        self,
        *args: Any,
        projects: int,
        commitments: int,
        seed: int,
        replace: bool,
        **options: Any,
    ) -> None:
        started = time.perf_counter()
        bar = ProgressBar(self.stderr, started)
        try:
            counts = synthetic.load(
                projects=projects,
                commitments=commitments,
                seed=seed,
                replace=replace,
                progress=bar,
            )
        except (synthetic.SyntheticDataExists, synthetic.SyntheticProjectsInUse) as error:
            raise CommandError(str(error)) from error
        finally:
            bar.close()
        elapsed = time.perf_counter() - started
        deleted = {k.removeprefix("deleted "): v for k, v in counts.items() if "deleted" in k}
        if deleted:
            self.stdout.write(
                f"Replaced seed {seed}: deleted "
                + ", ".join(f"{n:,} {name}" for name, n in deleted.items())
                + "."
            )
        made = ("projects", "phases", "participations", "commitments")
        total = sum(counts[name] for name in made)
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic portfolio of seed {seed}: "
                + ", ".join(f"{counts[name]:,} {name}" for name in made)
                + f" ({total:,} rows) in {elapsed:.1f} s ({total / max(elapsed, 1e-9):,.0f} "
                "rows/s)."
            )
        )
