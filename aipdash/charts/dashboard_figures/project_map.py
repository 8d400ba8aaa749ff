"""The dashboard's map: projects on a world map, area by MW, one trace per stage."""

from collections import defaultdict

from aipdash.charts.data import ChartData
from aipdash.charts.theme import (
    LINE,
    OTHER_COLOUR,
    STAGE_COLOURS,
    TRANSPARENT,
    Figure,
    _empty,
    _label,
    _layout,
    _num,
    _ordered,
)
from aipdash.core.formatting import power

MAP_MAX_DIAMETER = 34  # px, for the largest project
MAP_MIN_DIAMETER = 5  # px, so a small project stays visible and clickable


def project_map(data: ChartData) -> Figure:
    """Projects on a world map: area by MW, one trace per stage (the legend reads by stage)."""
    chart = "project_map"
    if data.empty:
        return _empty(chart)
    # Under a scenario, the points are sized by the MW that survives it.
    scenario = data.extras.get("scenario")
    size_key = "mw_scenario" if scenario else "mw"
    by_stage = defaultdict(list)
    largest = 0.0
    for row in data.rows:
        if row.get("latitude") is None or row.get("longitude") is None:
            continue
        by_stage[row.get("stage")].append(row)
        largest = max(largest, _num(row.get(size_key)))
    if not by_stage:
        return _empty(chart)
    # sizemode "area": diameter = sqrt(size / sizeref), so the largest gets MAP_MAX_DIAMETER.
    sizeref = (largest or 1.0) / MAP_MAX_DIAMETER**2
    # As of a day, a project's page opens on that day (`extras["page_query"]`: "?as_of=...").
    page_query = data.extras.get("page_query") or ""

    traces = []
    for stage in _ordered("stage", set(by_stage)):
        stage_label = _label("stage", stage)
        lat, lon, size, customdata = [], [], [], []
        for row in by_stage[stage]:
            value = _num(row.get("mw"))
            lat.append(_num(row["latitude"]))
            lon.append(_num(row["longitude"]))
            size.append(round(_num(row.get(size_key)), 3))
            place = ", ".join(str(part) for part in (row.get("region"), row.get("country")) if part)
            grouped = (row.get("projects") or 1) > 1 or not row.get("slug")
            notes = ("<br>Illustrative data" if row.get("illustrative") else "") + (
                f"<br>Stale: not confirmed since {row['confirmed']:%-d %b %Y}"
                if row.get("stale") and row.get("confirmed")
                else ""
            )
            if scenario and row.get("mw") is not None:
                notes += f"<br>Under “{scenario}”: {power(_num(row.get(size_key)))}"
            url = row.get("url") or ""
            customdata.append(
                [
                    url + page_query if url.startswith("/") else url,
                    row.get("name") or row.get("slug") or "",
                    "All kinds"
                    if grouped and not row.get("kind")
                    else _label("kind", row.get("kind")),
                    power(value) if row.get("mw") is not None else "capacity not stated",
                    place,
                    notes,
                ]
            )
        traces.append(
            {
                "type": "scattergeo",
                "mode": "markers",
                "name": stage_label,
                "lat": lat,
                "lon": lon,
                "customdata": customdata,
                "marker": {
                    "size": size,
                    "sizemode": "area",
                    "sizeref": sizeref,
                    "sizemin": MAP_MIN_DIAMETER,
                    "color": STAGE_COLOURS.get(str(stage), OTHER_COLOUR),
                    "opacity": 0.8,
                    "line": {"width": 0.75, "color": "#ffffff"},
                },
                "hovertemplate": (
                    "%{customdata[1]}<br>%{customdata[2]} · "
                    + stage_label
                    + "<br>%{customdata[3]}<br>%{customdata[4]}%{customdata[5]}<extra></extra>"
                ),
            }
        )
    layout = _layout(
        chart,
        "MW",
        margin={"l": 0, "r": 0, "t": 8, "b": 0},
        geo={
            "projection": {"type": "natural earth"},
            "resolution": 110,
            "fitbounds": "locations",
            "showframe": False,
            "showcoastlines": True,
            "coastlinecolor": LINE,
            "coastlinewidth": 0.5,
            "showcountries": True,
            "countrycolor": LINE,
            "countrywidth": 0.5,
            "showland": True,
            "landcolor": "#eef1f5",
            "showocean": True,
            "oceancolor": "#f7fafd",
            "showlakes": False,
            "bgcolor": TRANSPARENT,
        },
    )
    return {"data": traces, "layout": layout}
