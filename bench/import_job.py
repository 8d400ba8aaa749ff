"""Time and peak memory of the bulk import's jobs (docs/performance.md, "Jobs"), run on purpose.

    DATABASE_URL=postgres://.../aipdash_bench python -m bench.import_job --rows 20000 2000

For each size: a scratch database (tests/jobs/scratch.py: a PostgreSQL database of its own, or
an SQLite file), a file of that many new projects, its preview job run by a worker process
(`run_worker --batch` under /usr/bin/time), then its confirmation job the same way. Prints the
wall time and the worker's peak resident memory of each.
"""

import argparse
import csv
import io
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django

from tests.jobs.scratch import ROOT, Scratch

START = """
import json
from django.contrib.auth.models import User
from aipdash.operations.imports.jobs import start_preview
from projects.models import Project
user, _ = User.objects.get_or_create(username="bench", defaults={{"is_staff": True}})
job = start_preview(user=user, model=Project, upload=open({path!r}, "rb").read(),
    params={{"file_name": "bench.csv", "format": "0", "resource": "0"}})
print(json.dumps(str(job.id)))
"""
CONFIRM = """
import json
from django.contrib.auth.models import User
from aipdash.jobs.models import Job, JobFile
from aipdash.operations.imports.jobs import start_confirm
from projects.models import Project
preview = Job.objects.get(pk={job!r})
data = json.loads(bytes(JobFile.objects.get(job=preview, role="data").content))
params = {{"file_name": "bench.csv", "format": "0", "resource": "0"}}
job = start_confirm(user=User.objects.get(username="bench"), model=Project,
    params={{**params, "file_job": str(preview.id)}}, matched=data["matched"])
print(json.dumps(str(job.id)))
"""
STATE = (
    "from aipdash.jobs.models import Job; import json; j = Job.objects.get(pk={job!r}); "
    "print(json.dumps([j.state, j.message]))"
)


def worker_run(scratch: Scratch) -> tuple[float, int]:
    """One `run_worker --batch` under /usr/bin/time: seconds, peak RSS in MB."""
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603 - our own command
        ["/usr/bin/time", "-v", sys.executable, str(ROOT / "manage.py"), "run_worker", "--batch"],
        cwd=ROOT,
        env={**scratch.env, "LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.monotonic() - started
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    return seconds, peak // 1024


def bench(rows: int, workdir: Path) -> None:
    from tests.io.conftest import HEADER, project_row  # Django set up first (main)

    scratch = Scratch(workdir, f"bench_{rows}")
    scratch.create()
    try:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADER)
        for i in range(rows):
            writer.writerow(project_row(slug=f"bench-{i}", name=f"Bench Campus {i}"))
        path = workdir / "bench.csv"
        path.write_text(buffer.getvalue())
        size = path.stat().st_size / 1e6
        preview = scratch.shell(START.format(path=str(path)))
        seconds, peak = worker_run(scratch)
        print(
            f"{rows:>6} rows ({size:.1f} MB)  preview: {seconds:6.1f} s, peak RSS {peak} MB  "
            f"{scratch.shell(STATE.format(job=preview))}"
        )
        confirm = scratch.shell(CONFIRM.format(job=preview))
        seconds, peak = worker_run(scratch)
        print(
            f"{rows:>6} rows ({size:.1f} MB)  confirm: {seconds:6.1f} s, peak RSS {peak} MB  "
            f"{scratch.shell(STATE.format(job=confirm))}"
        )
    finally:
        scratch.drop()


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aipdash.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-key-for-reading-the-settings")
    django.setup()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[20000, 2000])
    args = parser.parse_args()
    for rows in args.rows:
        with tempfile.TemporaryDirectory() as workdir:
            bench(rows, Path(workdir))


if __name__ == "__main__":
    main()
