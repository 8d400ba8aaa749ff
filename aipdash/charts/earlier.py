"""A chart compared with an earlier day (`?compare=`): the earlier state drawn over today's
figure as a lighter trace, whatever the chart.

- Bars (stacked): one marker per category at the earlier TOTAL of that category (a tick across
  the bar), so that the earlier state is not stacked onto today's bars.
- Lines and areas: each earlier series again, dotted and faded, stacked among themselves (their
  own stack group) and not filled.
- Maps: nothing (a point's earlier place says little); the chart's note says so.

One legend entry, "<label>", toggles every earlier trace (one legend group).
"""

from typing import Any

from aipdash.charts.notes import GROUP as NOTES_GROUP
from aipdash.charts.theme import Figure

GROUP = "earlier"
COLOUR = "rgba(90, 100, 115, 0.9)"


def overlay(figure: Figure, earlier: Figure, label: str) -> Figure:
    """`figure` with the traces of `earlier` (the same chart on the earlier day) added, light."""
    added: list[dict[str, Any]] = []
    totals: dict[tuple[str, str, str], dict[Any, float]] = {}
    for trace in earlier.get("data", []):
        if trace.get("legendgroup") == NOTES_GROUP:  # the notes are the view's, drawn once
            continue
        kind = trace.get("type", "scatter")
        if kind == "bar":
            horizontal = trace.get("orientation") == "h"
            categories = trace.get("y" if horizontal else "x") or []
            values = trace.get("x" if horizontal else "y") or []
            axes = (trace.get("xaxis", "x"), trace.get("yaxis", "y"), "h" if horizontal else "v")
            sums = totals.setdefault(axes, {})
            for category, value in zip(categories, values, strict=False):
                sums[category] = sums.get(category, 0.0) + float(value or 0)
        elif kind == "scatter":
            faded = {
                key: value
                for key, value in trace.items()
                if key not in ("fill", "fillcolor", "customdata", "hovertemplate", "legendgroup")
            }
            faded.update(
                opacity=0.45,
                legendgroup=GROUP,
                showlegend=False,
                name=f"{trace.get('name', '')} ({label})",
                line={**trace.get("line", {}), "dash": "dot"},
            )
            if "stackgroup" in trace:
                faded["stackgroup"] = GROUP
                faded["fill"] = "none"
            added.append(faded)
    for (xaxis, yaxis, orientation), sums in totals.items():
        categories = list(sums)
        values = [sums[c] for c in categories]
        horizontal = orientation == "h"
        added.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": values if horizontal else categories,
                "y": categories if horizontal else values,
                "xaxis": xaxis,
                "yaxis": yaxis,
                "marker": {
                    "symbol": "line-ns-open" if horizontal else "line-ew-open",
                    "size": 18,
                    "line": {"width": 3, "color": COLOUR},
                    "color": COLOUR,
                },
                "legendgroup": GROUP,
                "showlegend": False,
                "name": label,
                "hoverinfo": "x+name" if horizontal else "y+name",
            }
        )
    if added:
        added[0]["showlegend"] = True
        added[0]["name"] = label
    return {**figure, "data": [*figure.get("data", []), *added]}
