"""`manage.py run_worker`: run the jobs' worker (aipdash/jobs/worker.py) until stopped.

SIGTERM or Ctrl-C: the task being run is finished first, then the worker exits (twice: at
once). Run as many as the machine allows; each task goes to one of them.
"""

import logging
import socket
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from aipdash.jobs.worker import JobWorker


class Command(BaseCommand):
    help = "Run the worker that runs jobs (imports, exports, board packs) from the queue."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds between looks at an empty queue (default 1).",
        )
        parser.add_argument(
            "--worker-id",
            default="",
            help="A name unique among the workers (default: host name and a random suffix).",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Run the queued tasks, then exit (for scripts and tests).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = options["worker_id"] or f"{socket.gethostname()[:40]}-{get_random_string(8)}"
        logging.getLogger("django_tasks_db").setLevel(logging.INFO)
        worker = JobWorker(
            queue_names=["default"],
            interval=options["interval"],
            batch=options["batch"],
            backend_name="default",
            startup_delay=not options["batch"],
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        worker.configure_signals()
        worker.run()
