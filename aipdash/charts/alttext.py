"""A chart's text alternative: one sentence a screen reader says in place of the picture.

Pure: a `ChartData` in, a string out. The title is said apart (the chart card's heading); this is
the one-line summary that follows it, the figure a sighted reader would take from the chart
(a total, its split, the largest part), and where every value is listed.
"""

from collections import defaultdict
from decimal import Decimal

from aipdash.charts.data import LABELS, ChartData, Column
from aipdash.core import formatting

FORMATS = {"USD": formatting.usd, "MW": formatting.power, "%": formatting.percent}


def _column(data: ChartData, unit: str) -> Column | None:
    return next((c for c in data.columns if c.unit == unit), None)


def _label(key: str, value: object) -> str:
    # Codes are text: any other value (None, a number) is no code and reads as itself.
    labels = LABELS.get(key, {})
    return labels.get(value, str(value)) if isinstance(value, str) else str(value)


def _split(data: ChartData, by: str, amount: Column) -> str:
    """ "equity $20bn, debt $4bn": the amount summed by a labelled column, largest first."""
    totals: defaultdict[object, Decimal] = defaultdict(Decimal)
    for row in data.rows:
        totals[row.get(by)] += Decimal(str(row.get(amount.key) or 0))
    ordered = sorted(totals.items(), key=lambda item: -item[1])
    fmt = FORMATS[amount.unit]
    return ", ".join(f"{_lower_first(_label(by, key))} {fmt(total)}" for key, total in ordered)


def _lower_first(text: str) -> str:
    """ "Equity" → "equity"; "IT load" stays (an acronym keeps its capitals)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def summary(data: ChartData) -> str:
    """ "$24.5bn in total (equity $20bn, debt $4.5bn); 30 rows in its data table." """
    rows = len(data.rows)
    if not rows:
        return "No data for these filters."
    keys = {c.key for c in data.columns}
    listed = f"{rows} row{'s' if rows != 1 else ''} in its data table."
    for unit in ("USD", "MW"):
        amount = _column(data, unit)
        if amount is None:
            continue
        if "side" in keys:
            return f"In total, {_split(data, 'side', amount)}; {listed}"
        total = sum(Decimal(str(row.get(amount.key) or 0)) for row in data.rows)
        text = f"{FORMATS[unit](total)} in total"
        if "projects" in keys:
            projects = sum(int(row.get("projects") or 0) for row in data.rows)
            text += f" across {projects} project{'s' if projects != 1 else ''}"
        split_by = next((k for k in ("instrument", "stage") if k in keys), None)
        if split_by:
            text += f" ({_split(data, split_by, amount)})"
        return f"{text}; {listed}"
    share = _column(data, "%")
    if share is not None:
        named = [row for row in data.rows if row.get(share.key) is not None]
        if named:
            top = max(named, key=lambda row: row[share.key])
            name = data.columns[0]
            return (
                f"Largest: {_label(name.key, top.get(name.key))} with "
                f"{formatting.percent(top[share.key])}; {listed}"
            )
    twh = _column(data, "TWh")
    if twh is not None and "year" in keys:
        years = [row["year"] for row in data.rows if row.get("year") is not None]
        peak = max(float(row.get(twh.key) or 0) for row in data.rows)
        return f"From {min(years)} to {max(years)}, up to {peak:,.0f} TWh; {listed}"
    return listed
