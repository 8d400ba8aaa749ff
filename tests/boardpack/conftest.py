"""Board pack tests: reading a PDF as text (pdftotext) and as pictures (pdftoppm), and the
worker helpers of the import tests (a queue run in this process, or a worker thread)."""

import subprocess
from pathlib import Path

import pytest

from tests.conftest import SCREENSHOTS
from tests.io.conftest import job_worker, run_jobs  # noqa: F401 (fixtures and a helper)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["/usr/bin/pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
    )
    return out.stdout.decode()


def pdf_pages(pdf: bytes, tmp_path: Path, name: str) -> list[tuple[int, int, bytes]]:
    """Each page as a grey picture (width, height, one byte a pixel), at 20 dpi; the pages are
    also saved as PNGs at 50 dpi under test-screenshots/ for a person to look at."""
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    SCREENSHOTS.mkdir(exist_ok=True)
    subprocess.run(
        ["/usr/bin/pdftoppm", "-r", "50", "-png", str(path), str(SCREENSHOTS / name)], check=True
    )
    subprocess.run(
        ["/usr/bin/pdftoppm", "-r", "20", "-gray", str(path), str(tmp_path / "g")], check=True
    )
    pages = []
    for file in sorted(tmp_path.glob("g-*.pgm")):
        data = file.read_bytes()
        magic, width, height, _max, pixels = data.split(maxsplit=4)
        assert magic == b"P5"
        pages.append((int(width), int(height), pixels[: int(width) * int(height)]))
    return pages


def ink(page: tuple[int, int, bytes], top: float = 0.0, bottom: float = 1.0) -> float:
    """The share of the page's pixels (between `top` and `bottom`, fractions of its height)
    that are not near white."""
    width, height, pixels = page
    band = pixels[int(height * top) * width : int(height * bottom) * width]
    return sum(1 for value in band if value < 200) / max(1, len(band))


@pytest.fixture
def chromium_ready():
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian's Chromium is not installed (scripts/ensure-test-tools)")


@pytest.fixture(autouse=True)
def _jobs_in_this_process(settings):
    """The jobs run in the test's own transaction: no beat thread (its own connection would
    not see the test's rows); the browser test's worker thread beats for real."""
    settings.JOB_BEAT_SECONDS = 0
