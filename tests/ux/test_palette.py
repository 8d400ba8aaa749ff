"""The partner palette stays distinguishable for colour-blind readers.

Every demo partner can appear in one chart with every other (commitments by partner shows them
all), so every pair is checked: with normal vision and under simulated protanopia, deuteranopia
and tritanopia (Machado et al. 2009, severity 1), their CIEDE2000 difference is at least 10, a
difference readers tell apart at a glance in a legend (2.3 is a just-noticeable difference).
"""

import itertools

import pytest

from aipdash.operations.demo.loader import read_public_facts
from tests.ux.colourvision import ciede2000, seen

MIN_DELTA_E = 10
VISIONS = (None, "protanopia", "deuteranopia", "tritanopia")


def palette():
    return {p["short_name"]: p["colour"] for p in read_public_facts()["partners"]}


def test_ciede2000_matches_the_published_test_data():
    # Sharma, Wu & Dalal (2005), table 1: pairs 1, 7 and 17.
    assert ciede2000((50, 2.6772, -79.7751), (50, 0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert ciede2000((50, 0, 0), (50, -1, 2)) == pytest.approx(2.3669, abs=1e-4)
    assert ciede2000((50, 2.5, 0), (73, 25, -18)) == pytest.approx(27.1492, abs=1e-4)


def test_the_simulation_confuses_what_a_colour_blind_reader_confuses():
    # Red and green, far apart for normal vision, nearly meet for a deuteranope; a blue and a
    # green that differ in the tritan axis nearly meet for a tritanope.
    red, green = "#D62728", "#2CA02C"
    normal = ciede2000(seen(red, None), seen(green, None))
    deutan = ciede2000(seen(red, "deuteranopia"), seen(green, "deuteranopia"))
    assert normal > 60
    assert deutan < normal / 2


@pytest.mark.parametrize("vision", VISIONS, ids=lambda v: v or "normal")
def test_every_pair_of_partner_colours_stays_apart(vision):
    colours = palette()
    assert len(colours) == 11
    too_close = [
        (a, b, round(ciede2000(seen(ca, vision), seen(cb, vision)), 1))
        for (a, ca), (b, cb) in itertools.combinations(colours.items(), 2)
        if ciede2000(seen(ca, vision), seen(cb, vision)) < MIN_DELTA_E
    ]
    assert not too_close, too_close
