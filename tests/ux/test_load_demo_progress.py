"""load_demo reports its progress: a line per model, with its count, as each is done."""

from io import StringIO

import pytest
from django.core.management import call_command

from aipdash.operations.demo.loader import load_demo

pytestmark = pytest.mark.django_db


def test_the_loader_reports_each_model_once_in_order():
    seen = []
    counts = load_demo(progress=lambda name, count: seen.append((name, count)))
    assert [name for name, _ in seen] == [
        "Partner",
        "Target",
        "FundraisingUpdate",
        "Investment",
        "MarketIndicator",
        "Project",
        "ProjectPhase",
        "Participation",
        "Commitment",
        "Note",
    ]
    assert dict(seen) == counts


def test_the_command_prints_a_line_per_model_with_its_count_and_time():
    out = StringIO()
    call_command("load_demo", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Loading the demo data")
    assert lines[1].split()[:2] == ["Partner", "11"]
    assert lines[1].endswith("s)")
    assert lines[-1].startswith("Demo data in place: ")
    assert len(lines) == 12
