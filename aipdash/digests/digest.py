"""A digest's content: what changed in the view since the last digest (changes.py), the
headline figures with their change since then, the stale records in the view, the link.

The headline's change is against the figures the previous digest showed (kept on the
subscription), so a digest says exactly how far the figures moved between two mails; the
first digest shows the figures alone.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import reverse

from aipdash.charts.data import Source
from aipdash.core import formatting
from aipdash.dashboard import selectors
from aipdash.dashboard.filters import describe
from aipdash.digests.access import View
from aipdash.digests.changes import ViewChanges, view_changes
from aipdash.digests.models import Subscription, as_json_figure
from aipdash.records.staleness import stale_after_days, stale_q
from partners.models import Partner

STALE_LIST_LIMIT = 20


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str
    value: str  # for people, with its unit
    change: str  # "+$1.2bn", "no change", "" on a first digest
    as_of: dt.date | None
    illustrative: bool
    raw: Any  # JSON, kept for the next digest


@dataclass(frozen=True)
class StaleRecord:
    kind: str
    label: str
    url: str
    as_of: dt.date


@dataclass
class Digest:
    subscription: Subscription
    view: View
    start: dt.datetime
    end: dt.datetime
    changes: ViewChanges
    figures: list[Figure]
    sources: tuple[Source, ...]
    stale: list[StaleRecord]
    stale_total: int
    view_words: list[tuple[str, str]]
    view_url: str
    illustrative: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def figures_json(self) -> dict[str, Any]:
        return {f.key: f.raw for f in self.figures}


def show(unit: str, value: Any) -> str:
    if unit == "USD":
        return formatting.usd(value)
    if unit == "MW":
        return formatting.power(value)
    if unit == "%":
        return formatting.percent(value)
    return "—" if value is None else f"{value:,}"


def change_of(unit: str, before: Any, after: Any) -> str:
    if before is None or after is None:
        return ""
    delta = Decimal(str(after)) - Decimal(str(before))
    if delta == 0:
        return "no change"
    sign = "+" if delta > 0 else "−"
    if unit == "%":
        return f"{sign}{formatting.percent(abs(delta)).removesuffix('%')} points"
    return sign + show(unit, abs(delta) if unit else int(abs(delta)))


def view_address(view: View) -> str:
    site: str = settings.SITE_URL
    return site + reverse("dashboard") + (f"?{view.query}" if view.query else "")


def figures(view: View, previous: dict[str, Any]) -> tuple[list[Figure], tuple[Source, ...]]:
    headline = selectors.headline(view.filters)
    out = []
    for row in selectors.headline_figures(headline):
        raw = as_json_figure(row["value"])
        out.append(
            Figure(
                key=row["key"],
                label=row["label"],
                unit=row["unit"],
                value=show(row["unit"], row["value"]),
                change=change_of(row["unit"], previous.get(row["key"]), raw)
                if row["key"] in previous
                else "",
                as_of=row["as_of"],
                illustrative=bool(row["illustrative"]),
                raw=raw,
            )
        )
    return out, selectors.headline_sources(headline)


def stale_records(view: View) -> tuple[list[StaleRecord], int]:
    projects = selectors.projects(view.filters).filter(stale_q())
    commitments = selectors.commitments(view.filters).filter(stale_q())
    total = projects.count() + commitments.count()
    listed = [
        StaleRecord("project", p.name, p.get_absolute_url(), p.as_of)
        for p in projects.order_by("as_of", "name")[:STALE_LIST_LIMIT]
    ]
    room = STALE_LIST_LIMIT - len(listed)
    if room > 0:
        for c in commitments.select_related("partner", "project").order_by("as_of", "id")[:room]:
            target = c.project.name if c.project else "the partnership"
            url = c.project.get_absolute_url() if c.project else c.partner.get_absolute_url()
            label = f"{c.reference}: {c.partner.short_name} to {target}"
            listed.append(StaleRecord("commitment", label, url, c.as_of))
    return listed, total


def build(subscription: Subscription, view: View, start: dt.datetime, end: dt.datetime) -> Digest:
    figs, sources = figures(view, subscription.last_figures or {})
    stale, stale_total = stale_records(view)
    names = dict(Partner.objects.values_list("slug", "short_name"))
    # The scenario is among the filters' words (describe), as on the dashboard.
    words = describe(view.filters, names) or [("View", "the whole portfolio")]
    notes = [
        "Records are stale when their figures were last confirmed over "
        f"{stale_after_days()} days ago."
    ]
    return Digest(
        subscription=subscription,
        view=view,
        start=start,
        end=end,
        changes=view_changes(view.filters, start, end),
        figures=figs,
        sources=sources,
        stale=stale,
        stale_total=stale_total,
        view_words=words,
        view_url=view_address(view),
        illustrative=any(f.illustrative for f in figs),
        notes=notes,
    )
