"""Text typed by people, made safe for Plotly figures.

plotly.js reads a small HTML-like markup in every text it draws (trace names, category labels,
hover text, annotations): `<b>`, `<br>`, `<a href>`, `<span style>`. A partner or project
name typed by an editor must show as typed, never as markup: `charts.build` hands its builders
a copy of the `ChartData` whose text is escaped (`&`, `<`, `>`; plotly.js shows the entities as
the characters). The builders' own `<br>` stay markup. Addresses (keys ending in `url`) and
slugs are not text shown to people: they are left as they are.
"""

import dataclasses
import functools
import html
from typing import Any

from aipdash.charts.data import ChartData

MARKUP = ("&", "<", ">")


def _needs(value: object) -> bool:
    # Spelled out rather than any(... for char in MARKUP): called for every cell of every row.
    return isinstance(value, str) and ("&" in value or "<" in value or ">" in value)


@functools.cache
def _is_address(key: object) -> bool:
    """Keys repeat on every row: decided once per key."""
    return isinstance(key, str) and (key.endswith("url") or key.endswith("slug"))


def _escaped(value: object) -> object:
    if isinstance(value, str):
        return html.escape(value, quote=False) if _needs(value) else value
    if isinstance(value, dict):
        return _escaped_dict(value)
    if isinstance(value, list | tuple):
        return type(value)(_escaped(item) for item in value)
    return value


def _escaped_dict(row: dict[str, Any]) -> dict[str, Any]:
    # Most rows hold no markup character: keep them as they are (no copy).
    if not any(
        not _is_address(key) and (_needs(value) or isinstance(value, dict | list | tuple))
        for key, value in row.items()
    ):
        return row
    return {key: value if _is_address(key) else _escaped(value) for key, value in row.items()}


def escaped(data: ChartData) -> ChartData:
    """`data` with every text value escaped for plotly.js (the same object when none needs it)."""
    rows = tuple(_escaped_dict(row) for row in data.rows)
    extras = _escaped_dict(data.extras) if data.extras else data.extras
    if extras is data.extras and all(new is old for new, old in zip(rows, data.rows, strict=True)):
        return data
    return dataclasses.replace(data, rows=rows, extras=extras)
