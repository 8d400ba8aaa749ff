"""The commitment figures of the dashboard: commitments by partner (stacked bars, the targets
as lines) and commitments over time (the cumulative stack by partner, the equity line)."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from aipdash.charts.data import ChartData
from aipdash.charts.theme import (
    ALL_PARTNERS,
    ALL_PARTNERS_COLOUR,
    DEBT_FILL,
    DEBT_OUTLINE,
    OTHER_COLOUR,
    STATUS_OPACITY,
    TEXT,
    Attributes,
    Figure,
    _axis,
    _bn,
    _category_axis,
    _date_axis,
    _empty,
    _iso,
    _label,
    _layout,
    _num,
    _ordered,
    _query,
    _reference_line,
    _rgba,
    _wrap,
)
from aipdash.core.formatting import usd


def _target_lines(
    targets: Iterable[Mapping[str, Any]] | None, *, vertical: bool
) -> tuple[list[Attributes], list[Attributes]]:
    shapes: list[Attributes] = []
    annotations: list[Attributes] = []
    for target in targets or ():
        amount = _num(target.get("amount_usd"))
        if amount <= 0:
            continue
        scope = target.get("scope")
        if scope == "equity":
            text = f"{usd(amount)} equity target"
        elif scope == "total":
            text = f"{usd(amount)} total incl. debt"
        else:
            text = f"{usd(amount)} {target.get('name') or 'target'}"
        hover = target.get("name") or text
        if target.get("source_title"):
            hover += "<br>Source: " + _wrap(target["source_title"])
        shape, label = _reference_line(_bn(amount), text, vertical=vertical, hovertext=hover)
        shapes.append(shape)
        annotations.append(label)
    return shapes, annotations


def commitments_by_partner(data: ChartData) -> Figure:
    """Horizontal stacked bars: partners by total (largest on top), an "All partners" row.

    One trace per (instrument, status): equity solid, debt lighter inside an outline, status by
    opacity; each bar in its partner's colour. The targets are vertical dashed lines.
    """
    chart = "commitments_by_partner"
    if data.empty:
        return _empty(chart)
    names: dict[str, str] = {}
    colours: dict[str, str] = {}
    totals: defaultdict[str, float] = defaultdict(float)
    # (instrument, status, slug) -> USD
    amounts: defaultdict[tuple[Any, Any, str], float] = defaultdict(float)
    for row in data.rows:
        slug = row.get("partner_slug") or row.get("partner") or ""
        names.setdefault(slug, row.get("partner") or slug)
        colours.setdefault(slug, row.get("colour") or OTHER_COLOUR)
        amount = _num(row.get("amount_usd"))
        amounts[row.get("instrument"), row.get("status"), slug] += amount
        totals[slug] += amount
    partners = sorted(totals, key=lambda slug: (totals[slug], names[slug].casefold()))
    instruments = _ordered("instrument", {key[0] for key in amounts})
    statuses = _ordered("status", {key[1] for key in amounts})[::-1]  # called first: solid core

    traces: list[Attributes] = []
    for instrument in instruments:
        for status in statuses:
            x: list[float] = []
            y: list[str] = []
            colour: list[str] = []
            customdata: list[list[str]] = []
            alpha = STATUS_OPACITY.get(status, 0.7)
            overall = sum(amounts.get((instrument, status, slug), 0.0) for slug in partners)
            if overall <= 0:
                continue
            # The total row first: the legend's swatch takes the first point's colour.
            debt = instrument == "debt"
            fill = alpha * DEBT_FILL if debt else alpha
            x.append(_bn(overall))
            y.append(ALL_PARTNERS)
            colour.append(_rgba(ALL_PARTNERS_COLOUR, fill))
            outline = [ALL_PARTNERS_COLOUR]
            customdata.append([""])
            for slug in partners:
                amount = amounts.get((instrument, status, slug), 0.0)
                if amount > 0:
                    x.append(_bn(amount))
                    y.append(names[slug])
                    colour.append(_rgba(colours[slug], fill))
                    outline.append(colours[slug])
                    customdata.append([_query(partner=slug)])
            name = f"{_label('instrument', instrument)} · {_label('status', status)}"
            marker: Attributes = {"color": colour, "line": {"width": 0}}
            if debt:
                marker["line"] = {"width": DEBT_OUTLINE, "color": outline}
            traces.append(
                {
                    "type": "bar",
                    "orientation": "h",
                    "name": name,
                    "x": x,
                    "y": y,
                    "customdata": customdata,
                    "marker": marker,
                    "hovertemplate": f"%{{y}}<br>{name}<br>%{{x:$,.2f}}bn<extra></extra>",
                }
            )
    if not traces:  # rows, but nothing above zero
        return _empty(chart)
    targets = data.extras.get("targets") or ()
    shapes, annotations = _target_lines(targets, vertical=True)
    categories = [names[slug] for slug in partners] + [ALL_PARTNERS]
    # Room for the longest bar and the furthest target line, with a little air after them.
    furthest = max([sum(totals.values()), *(_num(t.get("amount_usd")) for t in targets)])
    layout = _layout(
        chart,
        "$bn",
        barmode="stack",
        bargap=0.3,
        xaxis=_axis(
            "Amount committed ($bn)",
            tickprefix="$",
            ticksuffix="bn",
            range=[0, round(_bn(furthest) * 1.05, 3)],
        ),
        yaxis=_category_axis(categories),
        shapes=shapes,
        annotations=annotations,
    )
    return {"data": traces, "layout": layout}


def commitments_over_time(data: ChartData) -> Figure:
    """Cumulative commitments (equity and debt) stacked by partner, with the equity line.

    The top of the stack is the total including debt (against the $100bn target); the dark
    line is all partners' equity (against the $30bn target).
    """
    chart = "commitments_over_time"
    if data.empty:
        return _empty(chart)
    names: dict[str, str] = {}
    colours: dict[str, str] = {}
    totals: defaultdict[str, float] = defaultdict(float)
    by_day: defaultdict[tuple[str, str], float] = defaultdict(float)  # (slug, date) -> USD
    equity_by_day: defaultdict[str, float] = defaultdict(float)
    for row in data.rows:
        if (date := row.get("date")) is None:  # undated: nowhere on a time axis
            continue
        slug = row.get("partner_slug") or row.get("partner") or ""
        names.setdefault(slug, row.get("partner") or slug)
        colours.setdefault(slug, row.get("colour") or OTHER_COLOUR)
        day = _iso(date)
        amount = _num(row.get("amount_usd"))
        by_day[slug, day] += amount
        totals[slug] += amount
        if row.get("instrument") == "equity":
            equity_by_day[day] += amount
    if not by_day:
        return _empty(chart)
    days = sorted({day for _, day in by_day})
    # Largest at the bottom of the stack.
    partners = sorted(totals, key=lambda slug: (-totals[slug], names[slug].casefold()))

    traces: list[Attributes] = []
    for slug in partners:
        running, y = 0.0, []
        for day in days:
            running += by_day.get((slug, day), 0.0)
            y.append(_bn(running))
        colour = colours[slug]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": names[slug],
                "x": days,
                "y": y,
                "stackgroup": "partners",
                "line": {"shape": "hv", "width": 1, "color": colour},
                "fillcolor": _rgba(colour, 0.6),
                "hovertemplate": f"{names[slug]}: %{{y:$,.2f}}bn<extra></extra>",
            }
        )
    if equity_by_day:
        running, y = 0.0, []
        for day in days:
            running += equity_by_day.get(day, 0.0)
            y.append(_bn(running))
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "Equity, all partners",
                "x": days,
                "y": y,
                "line": {"shape": "hv", "width": 2.5, "color": TEXT},
                "hovertemplate": "Equity, all partners: %{y:$,.2f}bn<extra></extra>",
            }
        )
    shapes, annotations = _target_lines(data.extras.get("targets"), vertical=False)
    layout = _layout(
        chart,
        "$bn",
        hovermode="x unified",
        xaxis=_date_axis(),
        yaxis=_axis(
            "Cumulative commitments ($bn)",
            tickprefix="$",
            ticksuffix="bn",
            rangemode="tozero",
        ),
        shapes=shapes,
        annotations=annotations,
    )
    return {"data": traces, "layout": layout}
