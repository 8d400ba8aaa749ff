import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.shortcuts import render
from django.utils.html import _json_script_escapes
from django.views.decorators.http import require_GET

from aipdash import alttext, charts, formatting
from aipdash.chartdata import LABELS, ChartData, Column
from projects import selectors, timeline


def coordinates(latitude: Decimal | None, longitude: Decimal | None) -> str:
    """32.7767° N, 96.797° W; empty when unknown."""
    if latitude is None or longitude is None:
        return ""

    def part(value: Decimal, positive: str, negative: str) -> str:
        text = f"{abs(value):f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return f"{text}° {positive if value >= 0 else negative}"

    return f"{part(latitude, 'N', 'S')}, {part(longitude, 'E', 'W')}"


# Charts of the partner and project pages ------------------------------------------------------


@dataclass(frozen=True)
class ChartCard:
    """What `includes/chart_card.html` shows: a chart's rows, its figure as an escaped data
    island, and its "View data" table formatted for people."""

    data: ChartData
    figure_json: str  # escaped for a <script type="application/json"> island, as the dashboard's
    drawable: bool  # the figure has something to draw; otherwise the card says what is missing
    header: tuple[str, ...]
    cells: tuple[tuple[str, ...], ...]
    filename: str  # of the PNG that Plotly's toolbar downloads, without ".png"

    @property
    def name(self) -> str:
        return self.data.chart

    @property
    def dom_id(self) -> str:
        return self.name.replace("_", "-")

    @property
    def summary(self) -> str:
        """The chart's text alternative after its title (see alttext)."""
        return alttext.summary(self.data)


def _cell(column: Column, value) -> str:
    if value is None or value == "":
        return "—"
    if column.key in LABELS:
        return LABELS[column.key].get(value, str(value))
    if column.unit == "USD":
        return formatting.usd(value)
    if column.unit == "MW":
        return formatting.power(value)
    if column.unit == "%":
        return formatting.percent(value)
    if isinstance(value, dt.date):
        return f"{value.day} {value:%b %Y}"
    return str(value)


def chart_card(data: ChartData, *, filename: str) -> ChartCard:
    figure = charts.build(data)
    text = json.dumps(figure, cls=DjangoJSONEncoder, separators=(",", ":"))
    return ChartCard(
        data=data,
        figure_json=text.translate(_json_script_escapes),
        drawable=bool(figure["data"]),
        header=tuple(f"{c.label} ({c.unit})" if c.unit else c.label for c in data.columns),
        cells=tuple(tuple(_cell(c, row.get(c.key)) for c in data.columns) for row in data.rows),
        filename=filename,
    )


@require_GET
def detail(request, slug):
    """A project's facts, charts, phases, participations, commitments and sources; 404 when
    unknown."""
    detail = selectors.project_detail(slug)
    project = detail.project
    phases = chart_card(selectors.phases_chart(project), filename=f"aip-{slug}-phases")
    participations = chart_card(
        selectors.participations_chart(project), filename=f"aip-{slug}-stakes"
    )
    return render(
        request,
        "projects/detail.html",
        {
            "detail": detail,
            "project": project,
            "coordinates": coordinates(project.latitude, project.longitude),
            "phases_chart": phases,
            "participations_chart": participations,
            # Partners taking part, once each, largest stake first: links into the dashboard.
            "dashboard_partners": participations.data.rows,
            "timeline": timeline.events(
                project, phases=detail.phases, commitments=detail.commitments
            ),
        },
    )
