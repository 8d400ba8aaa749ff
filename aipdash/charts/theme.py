"""The look every figure shares: the Okabe–Ito palettes, fonts and colours, the layout and
axis dictionaries, the empty figure, and the small helpers (labels, orders, units, drill-down
queries, hover text) the figure builders of `dashboard_figures` and `page_figures` use.
"""

import datetime as dt
import textwrap
from collections.abc import Collection, Hashable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from aipdash.charts.catalogue import EMPTY_TEXT, PAGE_EMPTY_TEXT, UNITS
from aipdash.charts.data import LABELS, ORDER

# A figure and its parts (layout, axes, traces, shapes, annotations) are plain JSON dicts whose
# attributes are plotly.js's hundreds: typed as attribute names to any value, not spelled out.
Figure = dict[str, Any]
Attributes = dict[str, Any]

BLACK, ORANGE, SKY_BLUE, GREEN = "#000000", "#E69F00", "#56B4E9", "#009E73"
YELLOW, BLUE, VERMILLION, PURPLE = "#F0E442", "#0072B2", "#D55E00", "#CC79A7"
GREY = "#999999"

STAGE_COLOURS = {
    "announced": SKY_BLUE,
    "development": BLUE,
    "construction": ORANGE,
    "operational": GREEN,
    "paused": GREY,
    "cancelled": VERMILLION,
}
KIND_COLOURS = {
    "data_centre": BLUE,
    "generation": ORANGE,
    "storage": GREEN,
    "grid": PURPLE,
}
# The energy-mix chart stacks by stage (its colours match the pipeline and the map); this
# palette is for anything keyed by energy source (the page's legends, partner and project pages).
ENERGY_SOURCE_COLOURS = {
    "natural_gas": GREY,
    "solar": YELLOW,
    "wind": SKY_BLUE,
    "nuclear": PURPLE,
    "hydro": BLUE,
    "geothermal": VERMILLION,
    "battery": GREEN,
}
SIDE_COLOURS = {"demand": KIND_COLOURS["data_centre"], "supply": KIND_COLOURS["generation"]}
# Regions of the market-context chart, in order of first appearance (World first).
REGION_COLOURS = (BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY_BLUE, BLACK)
OTHER_COLOUR = GREY

# Commitment status by opacity (announced lighter, called full), as the alpha of each bar's
# colour so that the legend shows it too; debt lighter, outlined.
STATUS_OPACITY = {"announced": 0.4, "committed": 0.7, "called": 1.0}
# Debt: the fill at half the status's opacity inside an outline in the full colour. (A hatch
# pattern read as well but cost plotly.js ~170 ms per draw at scale: a pattern per bar.)
DEBT_FILL = 0.5
DEBT_OUTLINE = 1.5  # px
ALL_PARTNERS = "All partners"
ALL_PARTNERS_COLOUR = "#566275"

# Market context: line dash by scenario; projections are markers only.
SCENARIO_DASH = {"historical": "solid", "base": "dash", "high": "dot"}

FONT_FAMILY = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", '
    '"Liberation Sans", sans-serif'
)
TEXT = "#16202d"
MUTED = "#566275"
GRID = "#e6eaf0"
LINE = "#c5cfdb"
REFERENCE = "#3d4756"
TRANSPARENT = "rgba(0,0,0,0)"
DATE_HOVER = "%-d %b %Y"


def _layout(chart: str, unit: str, **extra: Any) -> Attributes:
    layout: Attributes = {
        "meta": {"chart": chart, "unit": unit},
        "autosize": True,
        "font": {"family": FONT_FAMILY, "size": 13, "color": TEXT},
        "paper_bgcolor": TRANSPARENT,
        "plot_bgcolor": TRANSPARENT,
        "margin": {"l": 8, "r": 16, "t": 8, "b": 8, "pad": 4},
        "hovermode": "closest",
        "hoverlabel": {
            "bgcolor": "#ffffff",
            "bordercolor": LINE,
            "font": {"family": FONT_FAMILY, "size": 13, "color": TEXT},
        },
        "legend": {
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1.02,
            "yanchor": "bottom",
            "font": {"size": 12},
            "bgcolor": TRANSPARENT,
            "traceorder": "normal",  # plotly reverses stacked traces; read left to right
        },
        "separators": ".,",
    }
    layout.update(extra)
    return layout


def _axis(title: str = "", **extra: Any) -> Attributes:
    axis: Attributes = {
        "title": {"text": title, "font": {"size": 12, "color": MUTED}, "standoff": 8},
        "automargin": True,
        "gridcolor": GRID,
        "linecolor": LINE,
        "zerolinecolor": LINE,
        "tickfont": {"size": 12, "color": MUTED},
        "ticks": "",
    }
    axis.update(extra)
    return axis


def _category_axis(categories: list[str]) -> Attributes:
    """An untitled axis of categories in the given order (a bar chart's), without grid lines."""
    return _axis(
        "", type="category", categoryorder="array", categoryarray=categories, showgrid=False
    )


def _date_axis(**extra: Any) -> Attributes:
    """An untitled time axis (the dates say what it is), hovered as "7 Dec 2026", no grid."""
    return _axis("", type="date", hoverformat=DATE_HOVER, showgrid=False, **extra)


def _empty(chart: str) -> Figure:
    hidden = {"visible": False}
    layout = _layout(chart, UNITS[chart], xaxis=hidden, yaxis=dict(hidden))
    layout["annotations"] = [
        {
            "text": EMPTY_TEXT,
            "xref": "paper",
            "yref": "paper",
            "x": 0.5,
            "y": 0.5,
            "xanchor": "center",
            "yanchor": "middle",
            "showarrow": False,
            "font": {"size": 15, "color": MUTED},
        }
    ]
    return {"data": [], "layout": layout}


def _reference_line(
    value: float, text: str, *, vertical: bool, hovertext: str = ""
) -> tuple[Attributes, Attributes]:
    """A dashed line across the plot at `value` (data units), and its label."""
    line = {"color": REFERENCE, "width": 1.5, "dash": "dash"}
    shape: Attributes
    label: Attributes = {
        "text": text,
        "showarrow": False,
        "font": {"size": 12, "color": REFERENCE},
        "bgcolor": "rgba(255,255,255,0.8)",
        "borderpad": 2,
    }
    if hovertext:
        label["hovertext"] = hovertext
    if vertical:
        shape = {"type": "line", "xref": "x", "yref": "paper", "x0": value, "x1": value}
        shape |= {"y0": 0, "y1": 1, "line": line, "layer": "above"}
        label |= {"xref": "x", "yref": "paper", "x": value, "y": 0, "xanchor": "right"}
        label |= {"yanchor": "bottom", "xshift": -4}
    else:
        shape = {"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1}
        shape |= {"y0": value, "y1": value, "line": line, "layer": "above"}
        label |= {"xref": "paper", "yref": "y", "x": 0, "y": value, "xanchor": "left"}
        label |= {"yanchor": "bottom", "yshift": 1}
    return shape, label


# --- Small helpers ---------------------------------------------------------------------------


def _num(value: float | Decimal | None) -> float:
    """A plain float from an int, float, Decimal or None (None counts as 0)."""
    return float(value) if value is not None else 0.0


def _iso(value: dt.date | str) -> str:
    return value.isoformat() if isinstance(value, dt.date) else value


def _label(kind: str, code: object) -> str:
    if code is None or code == "":
        return "Not specified"
    unknown = str(code).replace("_", " ").capitalize()
    return LABELS.get(kind, {}).get(code, unknown) if isinstance(code, str) else unknown


def _ordered[Code: Hashable](kind: str, codes: Collection[Code]) -> list[Code]:
    """Codes in the canonical order of `ORDER[kind]`, unknown codes after them (sorted)."""
    order = ORDER.get(kind, ())
    rank: dict[Hashable, int] = {code: place for place, code in enumerate(order)}
    known = sorted((code for code in codes if code in rank), key=rank.__getitem__)
    return known + sorted((code for code in codes if code not in rank), key=str)


def _power_unit(largest_mw: float) -> tuple[str, float]:
    """One capacity unit per chart: GW once its largest value reaches 1,000 MW."""
    return ("GW", 1000.0) if largest_mw >= 1000 else ("MW", 1.0)


def _projects(count: int | None) -> str:
    count = int(count or 0)
    return f"{count:,} project" + ("" if count == 1 else "s")


def _rgba(hex_colour: str, alpha: float) -> str:
    """`#0072B2` at `alpha`, as `rgba(0,114,178,0.4)`; unchanged at full opacity."""
    value = hex_colour.lstrip("#")
    if alpha >= 1 or len(value) != 6:
        return hex_colour
    red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({red},{green},{blue},{alpha})"


def _wrap(text: str, width: int = 60) -> str:
    """Long source titles on several hover lines."""
    return "<br>".join(textwrap.wrap(str(text), width)) if text else ""


def _query(**params: str | None) -> str:
    return "?" + urlencode({key: value for key, value in params.items() if value})


def _bn(amount_usd: float) -> float:
    return round(amount_usd / 1e9, 6)


def _page_empty(chart: str) -> Figure:
    """The common empty figure, saying what is not recorded rather than "for these filters"."""
    fig = _empty(chart)
    fig["layout"]["annotations"][0]["text"] = PAGE_EMPTY_TEXT[chart]
    return fig
