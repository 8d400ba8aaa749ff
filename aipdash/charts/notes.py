"""Dated notes on the time charts (issue 18): a marker on the time axis for each note of the
view, its text on hover, and a row in the chart's "View data" table.

The charts with a time axis (`TIME_CHARTS`) carry their view's notes in
`ChartData.extras["notes"]` (rows of aipdash/history/notes.py). `build()` marks the figure
after its builder has drawn it (`marked()`), from the escaped copy of the data
(charts/text.escaped()), so that a note's text reaches plotly.js as text, never as markup: a
diamond on the axis line, a dotted line up through the plot, the day, the text and whom it is
about on hover. The markers carry no drill-down (no customdata): a note's source is a link in
the "View data" table, written only when it is a web address (`web_address()`). The earlier
day of a comparison draws no notes of its own (charts/earlier.py leaves the group out).

The year charts (power balance, capital bridge, market context) have no days on their axis:
they carry no notes.
"""

import datetime as dt
import textwrap
from collections.abc import Iterable, Mapping
from typing import Any

from aipdash.charts.theme import MUTED, Attributes, Figure, _iso

TIME_CHARTS = frozenset(
    {"commitments_over_time", "capacity_online", "partner_commitments", "project_phases"}
)
KEY = "notes"  # of ChartData.extras
GROUP = "notes"  # the legend group of the markers: one legend entry, "Notes"
COLOUR = MUTED
WRAP = 48  # characters of a hover line


def days(extras: Mapping[str, Any]) -> list[str]:
    """The ISO days of the notes in a chart's extras (for builders that set their own range)."""
    return [_iso(note["date"]) for note in extras.get(KEY) or () if note.get("date")]


def about(note: Mapping[str, Any]) -> str:
    """Whom a note is about, in words: "xAI", "Aligned Dallas", "xAI · Aligned Dallas", or
    "The partnership"."""
    return " · ".join(filter(None, (note.get("partner"), note.get("project")))) or (
        "The partnership"
    )


def _lines(text: str) -> str:
    # Whole words only: the text is escaped already, and an entity (&lt;) must not be split.
    return "<br>".join(textwrap.wrap(text, WRAP, break_long_words=False, break_on_hyphens=False))


def _hover(note: Mapping[str, Any]) -> str:
    day = note["date"]
    when = f"{day.day} {day:%b %Y}" if isinstance(day, dt.date) else str(day)
    # Line breaks only: plotly.js draws <b> and <i> with style attributes, which the CSP blocks.
    return f"Note, {when}<br>{_lines(str(note.get('text', '')))}<br>About: {about(note)}"


def marked(figure: Figure, notes: Iterable[Mapping[str, Any]]) -> Figure:
    """`figure` (a time chart, drawn) with a marker and a dotted line for each note. `notes`
    must be escaped (charts/text.escaped()): their text goes into hover text as it is."""
    dated = [note for note in notes if note.get("date")]
    if not dated or not figure.get("data"):
        return figure
    x = [_iso(note["date"]) for note in dated]
    trace: Attributes = {
        "type": "scatter",
        "mode": "markers",
        "name": "Notes",
        "legendgroup": GROUP,
        "x": x,
        "y": [0] * len(x),
        # On the axis line: not clipped by the plot area, drawn over the fills.
        "cliponaxis": False,
        "marker": {
            "symbol": "diamond",
            "size": 11,
            "color": "#ffffff",
            "line": {"width": 2, "color": COLOUR},
        },
        "hovertext": [_hover(note) for note in dated],
        "hovertemplate": "%{hovertext}<extra></extra>",
    }
    lines = [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": day,
            "x1": day,
            "y0": 0,
            "y1": 1,
            "layer": "below",
            "line": {"color": COLOUR, "width": 1, "dash": "dot"},
        }
        for day in dict.fromkeys(x)
    ]
    layout = dict(figure.get("layout", {}))
    layout["shapes"] = [*layout.get("shapes", []), *lines]
    return {**figure, "data": [*figure["data"], trace], "layout": layout}


# The notes' table in a card's "View data" ----------------------------------------------------

HEADER = ("Date", "Note", "About", "Source")


def web_address(url: object) -> str:
    """`url` when it is an http(s) address, else "": a link is written for nothing else (a
    `javascript:` address typed or imported by anyone stays text)."""
    if isinstance(url, str) and url.lower().startswith(("https://", "http://")):
        return url
    return ""


def table_rows(notes: Iterable[Mapping[str, Any]]) -> tuple[dict[str, str], ...]:
    """The notes for the "View data" table, as text for people (raw: the template escapes)."""
    rows = []
    for note in notes:
        day = note.get("date")
        rows.append(
            {
                "date": f"{day.day} {day:%b %Y}" if isinstance(day, dt.date) else str(day or ""),
                "text": str(note.get("text", "")),
                "about": about(note),
                "source_title": str(note.get("source_title") or "") or "Source",
                "source_url": web_address(note.get("source_url")),
            }
        )
    return tuple(rows)
