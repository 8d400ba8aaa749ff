"""Chart builders: rows in, a Plotly figure dict out. No database."""

import datetime as dt
import json
import random
import time
from decimal import Decimal

import plotly.graph_objects as go
import pytest
from django.core.serializers.json import DjangoJSONEncoder

from aipdash.charts import catalogue, dashboard_figures, page_figures, theme
from aipdash.charts.build import BUILDERS, build, figure_json
from aipdash.charts.data import ORDER, ChartData, Column

CHARTS = tuple(BUILDERS)
# The partner and project pages' charts; the rest are the dashboard's nine.
PAGE_CHARTS = (
    "partner_commitments",
    "partner_capacity",
    "project_phases",
    "project_participations",
)
DASHBOARD_CHARTS = tuple(chart for chart in CHARTS if chart not in PAGE_CHARTS)

TARGETS = [
    {
        "name": "Equity capital target",
        "scope": "equity",
        "amount_usd": Decimal("30000000000"),
        "source_title": "PYMNTS: partnership aims to raise $100 billion",
        "source_url": "https://example.org/pymnts",
        "as_of": dt.date(2024, 9, 17),
    },
    {
        "name": "Total investment potential, including debt",
        "scope": "total",
        "amount_usd": 100_000_000_000,
        "source_title": "APPA news item",
        "source_url": "https://example.org/appa",
        "as_of": dt.date(2024, 9, 17),
    },
]
INDIA = {
    "label": "India's annual electricity demand, FY2024-25 (1,694 billion units)",
    "value": 1694.0,
    "unit": "TWh",
    "year": 2025,
    "source_title": "Indian Energy Exchange: management discussion",
    "source_url": "https://example.org/iex",
    "as_of": dt.date(2025, 3, 31),
}
PARTNERS = {
    # slug: (short name, colour)
    "blackrock": ("BlackRock", "#0072B2"),
    "mgx": ("MGX", "#009E73"),
    "microsoft": ("Microsoft", "#E69F00"),
}


def chart_data(chart, rows, **extras):
    return ChartData(
        chart=chart,
        title=catalogue.TITLES[chart],
        columns=(Column("value", "Value"),),
        rows=tuple(rows),
        as_of=dt.date(2026, 1, 15),
        illustrative=True,
        extras=extras,
    )


def commitment(slug, instrument, status, amount_usd, **more):
    name, colour = PARTNERS[slug]
    return {
        "partner": name,
        "partner_slug": slug,
        "colour": colour,
        "instrument": instrument,
        "status": status,
        "amount_usd": amount_usd,
        **more,
    }


def sample(chart):
    """A small hand-made `ChartData` for each chart."""
    if chart == "commitments_by_partner":
        rows = [
            commitment("blackrock", "equity", "called", Decimal("12500000000")),
            commitment("blackrock", "debt", "committed", 5_000_000_000),
            commitment("mgx", "equity", "committed", 7_000_000_000.0),
            commitment("mgx", "equity", "announced", 1_000_000_000),
            commitment("microsoft", "equity", "announced", 2_000_000_000),
        ]
        return chart_data(chart, rows, targets=TARGETS)
    if chart == "commitments_over_time":
        rows = [
            {**commitment("blackrock", "equity", "", 10e9), "date": dt.date(2024, 9, 17)},
            {**commitment("mgx", "equity", "", 4e9), "date": dt.date(2024, 10, 1)},
            {**commitment("blackrock", "debt", "", 6e9), "date": dt.date(2025, 3, 19)},
            {**commitment("blackrock", "equity", "", 2.5e9), "date": dt.date(2026, 1, 15)},
        ]
        for row in rows:
            del row["status"]
        return chart_data(chart, rows, targets=TARGETS)
    if chart == "capacity_pipeline":
        rows = [
            {"stage": "operational", "kind": "data_centre", "mw": Decimal(600), "projects": 10},
            {"stage": "announced", "kind": "data_centre", "mw": 1580.0, "projects": 13},
            {"stage": "construction", "kind": "data_centre", "mw": 700.0, "projects": 9},
            {"stage": "construction", "kind": "generation", "mw": 1234.0, "projects": 1},
            {"stage": "development", "kind": "storage", "mw": 200.0, "projects": 2},
        ]
        return chart_data(chart, rows)
    if chart == "capacity_online":
        rows = [
            {"date": dt.date(2026, 6, 30), "side": "demand", "mw": 300.0},
            {"date": dt.date(2026, 3, 31), "side": "supply", "mw": 500.0},
            {"date": dt.date(2027, 6, 30), "side": "demand", "mw": 900.0},
            {"date": dt.date(2028, 1, 1), "side": "supply", "mw": 400.0},
        ]
        return chart_data(chart, rows)
    if chart == "energy_mix":
        rows = [
            {"energy_source": "solar", "stage": "construction", "mw": 400.0, "projects": 2},
            {"energy_source": "solar", "stage": "operational", "mw": 150.0, "projects": 1},
            {"energy_source": "natural_gas", "stage": "development", "mw": 700.0, "projects": 1},
            {"energy_source": "battery", "stage": "announced", "mw": 100.0, "projects": 1},
        ]
        return chart_data(chart, rows)
    if chart == "project_map":
        rows = [
            project(
                "ashburn",
                "data_centre",
                "operational",
                Decimal("100.0"),
                Decimal("39.04"),
                Decimal("-77.49"),
                "US",
            ),
            project("dallas", "data_centre", "construction", 25.0, 32.78, -96.80, "US"),
            project("solar-tx", "generation", "construction", 400.0, 31.0, -100.0, "US"),
            project("santiago", "data_centre", "announced", None, -33.45, -70.67, "CL"),
        ]
        return chart_data(chart, rows)
    if chart == "market_context":
        rows = [
            indicator("World", "historical", 2024, 415, "IEA via Business Standard"),
            indicator("World", "base", 2030, 945, "IEA via Business Standard"),
            indicator("World", "base", 2035, 1200, "Summary of IEA Energy and AI"),
            indicator("World", "high", 2035, 1720, "Data Centre Magazine"),
            indicator("World", "projection", 2034, 1580, "Bloomberg News"),
            indicator("United States", "historical", 2024, 183, "IEA: Energy and AI"),
            indicator("United States", "base", 2030, 426, "IEA: Energy and AI"),
        ]
        return chart_data(chart, rows, reference=INDIA)
    if chart == "power_balance":
        rows = [
            {"year": year, "case": case, "demand_mw": d, "supply_mw": s, "gap_mw": d - s}
            for case, values in (
                ("recorded", ((2026, 100.0, 300.0), (2027, 400.0, 300.0))),
                ("scenario", ((2026, 100.0, 150.0), (2027, 400.0, 150.0))),
            )
            for year, d, s in values
        ]
        return chart_data(
            chart, rows, scenario="Late", in_words={"recorded": "In 2027.", "scenario": "In 2026."}
        )
    if chart == "capital_bridge":
        rows = [
            {
                "year": 2027,
                "case": case,
                "needed_usd": need,
                "cumulative_needed_usd": need,
                "financed_usd": 20e9,
                "gap_to_committed_usd": need - 20e9,
                "gap_to_total_target_usd": need - 100e9,
                "projects_with_cost": 2,
                "projects_per_mw": 1,
                "projects_unpriced": 0,
            }
            for case, need in (("recorded", 30e9), ("scenario", 12e9))
        ]
        return chart_data(
            chart,
            rows,
            scenario="Late",
            leverage={"recorded": 7 / 3, "scenario": 1.5},
            financed_usd={"recorded": 20e9, "scenario": 15e9},
            total_target_usd=100e9,
        )
    if chart == "partner_commitments":
        rows = [
            {"date": dt.date(2025, 3, 1), "instrument": "equity", "amount_usd": 7.5e9},
            {"date": dt.date(2025, 11, 20), "instrument": "debt", "amount_usd": 2.4e9},
            {"date": dt.date(2026, 1, 15), "instrument": "equity", "amount_usd": Decimal("1e9")},
        ]
        return chart_data(chart, rows, **GIP)
    if chart == "partner_capacity":
        rows = [
            {"stage": "operational", "kind": "data_centre", "mw": 650.0, "projects": 1},
            {"stage": "construction", "kind": "data_centre", "mw": Decimal(1300), "projects": 1},
            {"stage": "announced", "kind": "data_centre", "mw": 300.0, "projects": 1},
            {"stage": "construction", "kind": "generation", "mw": 400.0, "projects": 2},
        ]
        return chart_data(chart, rows, **GIP)
    if chart == "project_phases":
        rows = [
            phase(2, "Building B", "construction", dt.date(2027, 6, 30), 700.0),
            phase(1, "Building A", "operational", dt.date(2025, 12, 1), Decimal(600)),
        ]
        return chart_data(chart, rows, capacity_mw=1300.0, kind="data_centre")
    if chart == "project_participations":
        rows = [
            stake("MGX", "mgx", "#d62728", 40.0, "Equity investor"),
            stake("GIP", "gip", "#2ca02c", Decimal("60"), "Equity investor, Operator"),
            stake("Cisco", "cisco", "#17becf", None, "Equipment supplier"),
        ]
        return chart_data(chart, rows)
    raise AssertionError(chart)


GIP = {"partner": "GIP", "partner_slug": "gip", "colour": "#2ca02c"}


def phase(sequence, name, stage, date, mw):
    return {
        "sequence": sequence,
        "phase": f"Phase {sequence}: {name}" if name else f"Phase {sequence}",
        "stage": stage,
        "date": date,
        "mw": mw,
    }


def stake(partner, slug, colour, stake_percent, roles):
    return {
        "partner": partner,
        "partner_slug": slug,
        "colour": colour,
        "stake_percent": stake_percent,
        "roles": roles,
    }


def project(slug, kind, stage, mw, latitude, longitude, country, illustrative=True):
    return {
        "slug": slug,
        "name": slug.replace("-", " ").title(),
        "kind": kind,
        "stage": stage,
        "country": country,
        "region": "Region of " + slug,
        "latitude": latitude,
        "longitude": longitude,
        "mw": mw,
        "illustrative": illustrative,
        "url": f"/projects/{slug}/",
    }


def indicator(region, scenario, year, value, source_title):
    return {
        "series": "dc-electricity",
        "label": f"Data-centre electricity consumption, {scenario}",
        "region": region,
        "scenario": scenario,
        "year": year,
        "value": float(value),
        "unit": "TWh",
        "source_title": source_title,
        "source_url": f"https://example.org/{source_title.split()[0].lower()}",
        "as_of": dt.date(2025, 4, 10),
    }


def traces_by_name(fig):
    return {trace["name"]: trace for trace in fig["data"]}


def test_every_chart_has_a_builder_a_title_and_a_unit():
    assert set(BUILDERS) == set(catalogue.TITLES) == set(catalogue.UNITS)
    assert len(DASHBOARD_CHARTS) == 9
    assert set(PAGE_CHARTS) == set(catalogue.PAGE_EMPTY_TEXT) < set(CHARTS)
    assert catalogue.TITLES["capacity_online"] == "Capacity coming online: the power balance"


@pytest.mark.parametrize("chart", CHARTS)
def test_plotly_accepts_the_figure(chart):
    fig = build(sample(chart))
    assert fig["data"]
    go.Figure(fig)  # raises ValueError on any invalid property or value


@pytest.mark.parametrize("chart", CHARTS)
def test_figure_is_json_and_keeps_the_common_look(chart):
    fig = build(sample(chart))
    text = figure_json(fig)
    assert json.loads(text) == json.loads(json.dumps(fig, cls=DjangoJSONEncoder))
    assert "Decimal" not in repr(fig)
    layout = fig["layout"]
    assert "title" not in layout  # the page renders the title
    assert "template" not in layout  # plotly's default template stays out of the payload
    assert layout["autosize"] is True
    assert layout["font"]["family"].startswith("system-ui")
    assert layout["paper_bgcolor"] == layout["plot_bgcolor"] == "rgba(0,0,0,0)"
    assert layout["legend"]["orientation"] == "h"
    assert layout["meta"]["chart"] == chart
    assert layout["meta"]["unit"] in {"$bn", "MW", "GW", "TWh", "%"}


def test_json_holds_no_float_noise_or_numpy():
    fig = build(sample("commitments_by_partner"))
    assert "12.5," in figure_json(fig)
    for trace in fig["data"]:
        assert all(type(x) is float for x in trace["x"])


@pytest.mark.parametrize("chart", DASHBOARD_CHARTS)
def test_empty_state(chart):
    fig = build(chart_data(chart, [], targets=TARGETS, reference=INDIA))
    assert fig["data"] == []
    (note,) = fig["layout"]["annotations"]
    assert note["text"] == "No data for these filters"
    assert (note["x"], note["y"], note["xref"], note["yref"]) == (0.5, 0.5, "paper", "paper")
    assert note["showarrow"] is False
    assert fig["layout"]["xaxis"]["visible"] is False
    assert fig["layout"]["yaxis"]["visible"] is False
    assert "shapes" not in fig["layout"]  # no target or reference line over an empty plot
    go.Figure(fig)
    figure_json(fig)


def test_build_refuses_an_unknown_chart():
    with pytest.raises(KeyError, match="nope"):
        build(chart_data("commitments_by_partner", []).__class__("nope", "", (), ()))


def test_builders_do_not_change_their_input():
    data = sample("commitments_by_partner")
    before = [dict(row) for row in data.rows]
    build(data)
    assert [dict(row) for row in data.rows] == before


# --- Commitments by partner ----------------------------------------------------------------


def test_commitments_by_partner_traces_by_instrument_and_status():
    fig = dashboard_figures.commitments_by_partner(sample("commitments_by_partner"))
    assert [trace["name"] for trace in fig["data"]] == [
        "Equity · Called / deployed",
        "Equity · Committed",
        "Equity · Announced",
        "Debt · Committed",
    ]
    for trace in fig["data"]:
        assert trace["type"] == "bar"
        assert trace["orientation"] == "h"
        assert "bn" in trace["hovertemplate"] and "$" in trace["hovertemplate"]
        assert "%{y}" in trace["hovertemplate"] and trace["name"] in trace["hovertemplate"]
    traces = traces_by_name(fig)
    # Status by opacity (the alpha of each colour, so the legend shows it): announced lighter,
    # called full; debt lighter and outlined, equity solid.
    assert traces["Equity · Called / deployed"]["marker"]["color"][0] == "#566275"
    assert traces["Equity · Committed"]["marker"]["color"][0] == "rgba(86,98,117,0.7)"
    assert traces["Equity · Announced"]["marker"]["color"][0] == "rgba(86,98,117,0.4)"
    # Debt: half the fill inside a full-colour outline; no hatch (costly to draw at scale).
    assert traces["Debt · Committed"]["marker"]["line"]["width"] == 1.5
    assert traces["Debt · Committed"]["marker"]["line"]["color"][0] == "#566275"
    assert traces["Debt · Committed"]["marker"]["color"][0] == "rgba(86,98,117,0.35)"
    assert "pattern" not in traces["Debt · Committed"]["marker"]
    assert traces["Equity · Committed"]["marker"]["line"]["width"] == 0
    assert fig["layout"]["barmode"] == "stack"


def test_commitments_by_partner_values_in_bn_with_partner_colours_and_drill_down():
    fig = dashboard_figures.commitments_by_partner(sample("commitments_by_partner"))
    called = traces_by_name(fig)["Equity · Called / deployed"]
    assert called["y"] == ["All partners", "BlackRock"]
    assert called["x"] == [12.5, 12.5]  # 12.5e9 USD on a $bn axis
    assert called["marker"]["color"] == [theme.ALL_PARTNERS_COLOUR, "#0072B2"]
    assert called["customdata"] == [[""], ["?partner=blackrock"]]
    committed = traces_by_name(fig)["Equity · Committed"]
    assert committed["y"] == ["All partners", "MGX"]
    assert committed["x"] == [7.0, 7.0]
    assert committed["marker"]["color"][1] == "rgba(0,158,115,0.7)"  # MGX's #009E73
    assert committed["customdata"][1] == ["?partner=mgx"]
    xaxis = fig["layout"]["xaxis"]
    assert "$bn" in xaxis["title"]["text"]
    assert (xaxis["tickprefix"], xaxis["ticksuffix"]) == ("$", "bn")


def test_commitments_by_partner_sorted_by_total_with_all_partners_on_top():
    fig = dashboard_figures.commitments_by_partner(sample("commitments_by_partner"))
    yaxis = fig["layout"]["yaxis"]
    # Plotly draws the first category at the bottom: smallest first, the total row last.
    assert yaxis["categoryorder"] == "array"
    assert yaxis["categoryarray"] == ["Microsoft", "MGX", "BlackRock", "All partners"]


def test_commitments_by_partner_target_lines():
    fig = dashboard_figures.commitments_by_partner(sample("commitments_by_partner"))
    shapes = fig["layout"]["shapes"]
    assert [(s["x0"], s["x1"]) for s in shapes] == [(30.0, 30.0), (100.0, 100.0)]
    for shape in shapes:
        assert shape["type"] == "line"
        assert shape["yref"] == "paper" and (shape["y0"], shape["y1"]) == (0, 1)
        assert shape["line"]["dash"] == "dash"
    labels = fig["layout"]["annotations"]
    assert [label["text"] for label in labels] == [
        "$30bn equity target",
        "$100bn total incl. debt",
    ]
    assert [label["x"] for label in labels] == [30.0, 100.0]
    assert "PYMNTS" in labels[0]["hovertext"]  # the target cites its source


def test_commitments_by_partner_with_nothing_above_zero_is_empty():
    rows = [commitment("mgx", "equity", "called", 0), commitment("mgx", "debt", "called", None)]
    fig = dashboard_figures.commitments_by_partner(chart_data("commitments_by_partner", rows))
    assert fig["data"] == [] and fig["layout"]["annotations"][0]["text"] == catalogue.EMPTY_TEXT


def test_commitments_by_partner_without_targets_has_no_lines():
    data = sample("commitments_by_partner")
    fig = dashboard_figures.commitments_by_partner(chart_data(data.chart, data.rows))
    assert fig["layout"]["shapes"] == [] and fig["layout"]["annotations"] == []


# --- Commitments over time -----------------------------------------------------------------


def test_commitments_over_time_cumulative_stacked_by_partner():
    fig = dashboard_figures.commitments_over_time(sample("commitments_over_time"))
    traces = traces_by_name(fig)
    assert list(traces) == ["BlackRock", "MGX", "Equity, all partners"]  # largest at the bottom
    days = ["2024-09-17", "2024-10-01", "2025-03-19", "2026-01-15"]
    blackrock, mgx, equity = traces.values()
    assert blackrock["x"] == mgx["x"] == equity["x"] == days
    assert blackrock["y"] == [10.0, 10.0, 16.0, 18.5]  # equity and debt, cumulative, $bn
    assert mgx["y"] == [0.0, 4.0, 4.0, 4.0]
    assert equity["y"] == [10.0, 14.0, 14.0, 16.5]  # debt left out
    assert blackrock["stackgroup"] == mgx["stackgroup"] and "stackgroup" not in equity
    assert blackrock["line"]["color"] == "#0072B2" and mgx["line"]["color"] == "#009E73"
    assert blackrock["line"]["shape"] == "hv"
    assert "$,.2f}bn" in blackrock["hovertemplate"]
    layout = fig["layout"]
    assert "$bn" in layout["yaxis"]["title"]["text"]
    assert layout["hovermode"] == "x unified"
    assert layout["xaxis"]["type"] == "date" and layout["xaxis"]["hoverformat"]


def test_commitments_over_time_target_lines_are_horizontal():
    fig = dashboard_figures.commitments_over_time(sample("commitments_over_time"))
    shapes = fig["layout"]["shapes"]
    assert [(s["y0"], s["y1"]) for s in shapes] == [(30.0, 30.0), (100.0, 100.0)]
    assert all(s["xref"] == "paper" and s["line"]["dash"] == "dash" for s in shapes)
    texts = [label["text"] for label in fig["layout"]["annotations"]]
    assert texts == ["$30bn equity target", "$100bn total incl. debt"]


@pytest.mark.parametrize("chart", ["commitments_over_time", "capacity_online"])
def test_time_series_skip_undated_rows(chart):
    rows = [{**row, "date": None} for row in sample(chart).rows]
    assert build(chart_data(chart, rows))["data"] == []
    rows[0] = sample(chart).rows[0]
    assert all(
        trace["x"] == [rows[0]["date"].isoformat()]
        for trace in build(chart_data(chart, rows))["data"]
    )


# --- Capacity ------------------------------------------------------------------------------


def test_capacity_pipeline_stacked_by_kind_in_stage_order():
    fig = dashboard_figures.capacity_pipeline(sample("capacity_pipeline"))
    assert [trace["name"] for trace in fig["data"]] == [
        "Data-centre campus",
        "Power generation",
        "Energy storage",
    ]
    assert fig["layout"]["barmode"] == "stack"
    assert fig["layout"]["xaxis"]["categoryarray"] == [
        "Announced",
        "Development",
        "Construction",
        "Operational",
    ]
    data_centres, generation, storage = fig["data"]
    assert data_centres["x"] == ["Announced", "Construction", "Operational"]
    # The construction bar stacks to 1,934 MW: the chart speaks GW.
    assert data_centres["y"] == [1.58, 0.7, 0.6]
    assert generation["y"] == [1.234]
    assert fig["layout"]["yaxis"]["title"]["text"] == "Capacity (GW)"
    assert fig["layout"]["meta"]["unit"] == "GW"
    assert data_centres["marker"]["color"] == theme.KIND_COLOURS["data_centre"]
    assert generation["marker"]["color"] == theme.KIND_COLOURS["generation"]
    assert storage["customdata"] == [["?stage=development&kind=storage", "200 MW", "2 projects"]]
    assert generation["customdata"][0][1:] == ["1.23 GW", "1 project"]
    assert "%{customdata[1]} (%{customdata[2]})" in generation["hovertemplate"]


def test_capacity_pipeline_speaks_mw_below_a_gigawatt():
    rows = [{"stage": "construction", "kind": "data_centre", "mw": 999.0, "projects": 3}]
    fig = dashboard_figures.capacity_pipeline(chart_data("capacity_pipeline", rows))
    assert fig["layout"]["yaxis"]["title"]["text"] == "Capacity (MW)"
    assert fig["data"][0]["y"] == [999.0]
    assert fig["data"][0]["customdata"][0][1:] == ["999 MW", "3 projects"]


def test_capacity_online_cumulative_steps_demand_against_supply():
    fig = dashboard_figures.capacity_online(sample("capacity_online"))
    demand, supply = fig["data"]
    assert demand["name"] == "Data-centre demand (IT load)"
    assert supply["name"] == "Generation secured"
    days = ["2026-03-31", "2026-06-30", "2027-06-30", "2028-01-01"]
    assert demand["x"] == supply["x"] == days
    # Demand reaches 1,200 MW: the chart speaks GW (the largest cumulative value decides).
    assert demand["y"] == [0.0, 0.3, 1.2, 1.2]
    assert supply["y"] == [0.5, 0.5, 0.5, 0.9]
    assert demand["line"]["shape"] == supply["line"]["shape"] == "hv"
    assert demand["line"]["color"] != supply["line"]["color"]
    assert demand["text"][2] == "1.2 GW" and supply["text"][0] == "500 MW"
    assert "%{text}" in demand["hovertemplate"]
    assert fig["layout"]["yaxis"]["title"]["text"] == "Cumulative capacity online (GW)"
    assert fig["layout"]["meta"]["unit"] == "GW"


def test_energy_mix_by_source_stacked_by_stage():
    fig = dashboard_figures.energy_mix(sample("energy_mix"))
    assert [trace["name"] for trace in fig["data"]] == [
        "Announced",
        "Development",
        "Construction",
        "Operational",
    ]
    stages = ["announced", "development", "construction", "operational"]
    for trace, stage in zip(fig["data"], stages, strict=True):
        assert trace["type"] == "bar" and trace["orientation"] == "h"
        assert trace["marker"]["color"] == theme.STAGE_COLOURS[stage]
    # Largest on top: plotly draws the first category at the bottom.
    assert fig["layout"]["yaxis"]["categoryarray"] == ["Battery storage", "Solar", "Natural gas"]
    construction = traces_by_name(fig)["Construction"]
    assert construction["x"] == [400.0] and construction["y"] == ["Solar"]
    assert construction["customdata"] == [["?energy_source=solar", "400 MW", "2 projects"]]
    assert fig["layout"]["xaxis"]["title"]["text"] == "Capacity (MW)"


# --- Map -----------------------------------------------------------------------------------


def test_project_map_one_trace_per_stage_sized_by_mw():
    fig = dashboard_figures.project_map(sample("project_map"))
    assert [trace["name"] for trace in fig["data"]] == ["Announced", "Construction", "Operational"]
    traces = traces_by_name(fig)
    construction = traces["Construction"]
    assert construction["type"] == "scattergeo"
    assert construction["lat"] == [32.78, 31.0] and construction["lon"] == [-96.80, -100.0]
    assert construction["marker"]["color"] == theme.STAGE_COLOURS["construction"]
    marker = construction["marker"]
    assert marker["sizemode"] == "area" and marker["sizemin"] >= 4
    assert marker["size"] == [25.0, 400.0]
    # The largest project (400 MW) gets the largest diameter.
    assert marker["sizeref"] == pytest.approx(400 / dashboard_figures.MAP_MAX_DIAMETER**2)
    assert traces["Operational"]["marker"]["sizeref"] == marker["sizeref"]
    assert construction["customdata"][0] == [
        "/projects/dallas/",
        "Dallas",
        "Data-centre campus",
        "25 MW",
        "Region of dallas, US",
        "<br>Illustrative data",
    ]
    assert traces["Announced"]["customdata"][0][3] == "capacity not stated"
    assert traces["Announced"]["marker"]["size"] == [0.0]
    assert "Construction" in construction["hovertemplate"]


def test_project_map_geo_layout():
    geo = dashboard_figures.project_map(sample("project_map"))["layout"]["geo"]
    assert geo["projection"]["type"] == "natural earth"
    assert geo["resolution"] == 110  # the app serves only world_110m
    assert geo["fitbounds"] == "locations"
    assert geo["showcountries"] is True and geo["showland"] is True
    assert "topojsonURL" not in json.dumps(geo)


def test_project_map_without_coordinates_is_empty():
    row = project("nowhere", "grid", "announced", 10.0, None, None, "US")
    fig = dashboard_figures.project_map(chart_data("project_map", [row]))
    assert fig["data"] == [] and fig["layout"]["annotations"][0]["text"] == catalogue.EMPTY_TEXT


# --- Market context ------------------------------------------------------------------------


def test_market_context_lines_by_region_and_scenario():
    fig = dashboard_figures.market_context(sample("market_context"))
    traces = traces_by_name(fig)
    assert list(traces) == [
        "World · Historical",
        "World · Base case",
        "World · High case",
        "World · Projection",
        "United States · Historical",
        "United States · Base case",
    ]
    assert traces["World · Historical"]["line"]["dash"] == "solid"
    assert traces["World · Base case"]["line"]["dash"] == "dash"
    assert traces["World · High case"]["line"]["dash"] == "dot"
    assert traces["World · Projection"]["mode"] == "markers"
    # A scenario starts from the last historical point of its region.
    assert traces["World · Base case"]["x"] == [2024, 2030, 2035]
    assert traces["World · Base case"]["y"] == [415.0, 945.0, 1200.0]
    assert traces["United States · Base case"]["y"] == [183.0, 426.0]
    assert (
        traces["World · Base case"]["line"]["color"]
        != traces["United States · Base case"]["line"]["color"]
    )
    assert "TWh" in fig["layout"]["yaxis"]["title"]["text"]


def test_market_context_every_point_cites_its_source():
    fig = dashboard_figures.market_context(sample("market_context"))
    for trace in fig["data"]:
        assert "Source: %{customdata[1]}" in trace["hovertemplate"]
        assert "TWh" in trace["hovertemplate"] and "%{x}" in trace["hovertemplate"]
        assert "%{customdata[3]}" in trace["hovertemplate"]  # the scenario
        for url, title, *_ in trace["customdata"]:
            assert url.startswith("https://example.org/") and title
    projection = traces_by_name(fig)["World · Projection"]
    assert projection["customdata"] == [
        [
            "https://example.org/bloomberg",
            "Bloomberg News",
            "Data-centre electricity consumption, projection",
            "Projection",
        ]
    ]


def test_market_context_india_reference_line():
    fig = dashboard_figures.market_context(sample("market_context"))
    (shape,) = fig["layout"]["shapes"]
    assert (shape["y0"], shape["y1"], shape["xref"]) == (1694.0, 1694.0, "paper")
    assert shape["line"]["dash"] == "dash"
    (label,) = fig["layout"]["annotations"]
    assert label["text"] == "India's annual electricity demand (1,694 TWh)"
    assert label["y"] == 1694.0
    assert "Indian Energy Exchange" in label["hovertext"]


def test_market_context_reference_from_a_row_when_extras_lack_it():
    rows = [*sample("market_context").rows, {**INDIA, "series": "india", "scenario": "reference"}]
    fig = dashboard_figures.market_context(chart_data("market_context", rows))
    assert len(fig["data"]) == 6  # the reference row is a line, not a trace
    assert fig["layout"]["shapes"][0]["y0"] == 1694.0


def test_long_source_titles_wrap_in_hover():
    row = indicator("World", "historical", 2024, 415, "word " * 40)
    fig = dashboard_figures.market_context(chart_data("market_context", [row]))
    assert "<br>" in fig["data"][0]["customdata"][0][1]
    assert "shapes" not in fig["layout"] or fig["layout"]["shapes"] == []


# --- Partner and project pages ---------------------------------------------------------------


@pytest.mark.parametrize("chart", PAGE_CHARTS)
def test_page_chart_empty_state_says_what_is_not_recorded(chart):
    fig = build(chart_data(chart, [], **GIP, capacity_mw=1300.0, kind="data_centre"))
    assert fig["data"] == []
    (note,) = fig["layout"]["annotations"]
    assert note["text"] == catalogue.PAGE_EMPTY_TEXT[chart]
    assert note["text"].startswith("No ") and note["text"].endswith(" recorded")
    assert fig["layout"]["xaxis"]["visible"] is False
    assert "shapes" not in fig["layout"]  # no capacity line over an empty plot
    assert fig["layout"]["meta"] == {"chart": chart, "unit": catalogue.UNITS[chart]}
    go.Figure(fig)


@pytest.mark.parametrize("chart", [*catalogue.TITLES, *PAGE_CHARTS])
def test_hover_text_has_no_styling_tags(chart):
    """plotly.js draws <b>, <i>, <sup>... as SVG style attributes, which the strict CSP blocks."""
    text = figure_json(build(sample(chart)))
    for tag in ("<b>", "<i>", "<em>", "<sup>", "<sub>", "<span"):
        assert tag not in text


def test_partner_commitments_cumulative_by_instrument_in_the_partner_colour():
    fig = page_figures.partner_commitments(sample("partner_commitments"))
    equity, debt, equity_tail, debt_tail = fig["data"]
    assert (equity["name"], debt["name"]) == ("Equity", "Debt")
    days = ["2025-03-01", "2025-11-20", "2026-01-15"]
    assert equity["x"] == debt["x"] == days
    assert equity["y"] == [7.5, 7.5, 8.5]  # cumulative, $bn
    assert debt["y"] == [0.0, 2.4, 2.4]
    assert equity["stackgroup"] == debt["stackgroup"]  # the top of the stack is the total
    assert equity["line"]["color"] == debt["line"]["color"] == "#2ca02c"
    assert equity["fillcolor"] == "rgba(44,160,44,0.55)"
    assert debt["fillcolor"] == "rgba(44,160,44,0.22)"
    assert (equity["line"]["dash"], debt["line"]["dash"]) == ("solid", "dot")
    assert equity["line"]["shape"] == "hv"
    # A marker on each day the instrument grew, none where it stayed flat.
    assert equity["marker"]["size"] == [7, 0, 7] and debt["marker"]["size"] == [0, 7, 0]
    assert equity["hovertemplate"] == "Equity: %{y:$,.2f}bn<extra></extra>"
    assert "customdata" not in equity  # a time series: read, not clicked
    # After the last commitment the stack runs on, flat, to the plot's edge, without hover.
    end = fig["layout"]["xaxis"]["range"][1]
    assert equity_tail["x"] == debt_tail["x"] == ["2026-01-15", end]
    assert equity_tail["y"] == [8.5, 8.5] and debt_tail["y"] == [10.9, 10.9]  # stacked
    assert (equity_tail["fill"], debt_tail["fill"]) == ("tozeroy", "tonexty")
    assert equity_tail["fillcolor"] == equity["fillcolor"]
    assert equity_tail["hoverinfo"] == debt_tail["hoverinfo"] == "skip"
    assert equity_tail["showlegend"] is False and equity_tail["legendgroup"] == "equity"
    layout = fig["layout"]
    assert layout["yaxis"]["title"]["text"] == "Cumulative commitments ($bn)"
    assert (layout["yaxis"]["tickprefix"], layout["yaxis"]["ticksuffix"]) == ("$", "bn")
    assert layout["meta"] == {"chart": "partner_commitments", "unit": "$bn"}
    assert layout["hovermode"] == "x unified"
    assert "shapes" not in layout  # no partnership targets on one partner's chart


def test_partner_commitments_one_day_still_has_a_readable_date_range():
    rows = [{"date": dt.date(2025, 3, 1), "instrument": "equity", "amount_usd": 7.5e9}]
    fig = page_figures.partner_commitments(chart_data("partner_commitments", rows, **GIP))
    equity, _tail = fig["data"]
    assert equity["x"] == ["2025-03-01"] and equity["marker"]["size"] == [7]
    assert fig["layout"]["xaxis"]["range"] == ["2025-01-15", "2025-04-15"]  # 45 days each side


def test_partner_commitments_skip_undated_rows_and_fall_back_to_grey():
    rows = [{"date": None, "instrument": "equity", "amount_usd": 1e9}]
    assert page_figures.partner_commitments(chart_data("partner_commitments", rows))["data"] == []
    rows.append({"date": dt.date(2025, 3, 1), "instrument": "debt", "amount_usd": 1e9})
    debt, _tail = page_figures.partner_commitments(chart_data("partner_commitments", rows))["data"]
    assert debt["y"] == [1.0] and debt["line"]["color"] == theme.OTHER_COLOUR


def test_partner_capacity_by_stage_split_by_kind_with_drill_down():
    fig = page_figures.partner_capacity(sample("partner_capacity"))
    data_centres, generation = fig["data"]
    assert (data_centres["name"], generation["name"]) == ("Data-centre campus", "Power generation")
    assert fig["layout"]["barmode"] == "stack"
    assert fig["layout"]["showlegend"] is True  # even with one kind, the colour is named
    assert fig["layout"]["xaxis"]["categoryarray"] == ["Announced", "Construction", "Operational"]
    # Construction stacks to 1,700 MW: the chart speaks GW.
    assert data_centres["x"] == ["Announced", "Construction", "Operational"]
    assert data_centres["y"] == [0.3, 1.3, 0.65]
    assert generation["x"] == ["Construction"] and generation["y"] == [0.4]
    assert fig["layout"]["yaxis"]["title"]["text"] == "Capacity (GW)"
    assert fig["layout"]["meta"] == {"chart": "partner_capacity", "unit": "GW"}
    assert data_centres["marker"]["color"] == theme.KIND_COLOURS["data_centre"]
    assert generation["customdata"] == [
        ["?kind=generation&partner=gip&stage=construction", "400 MW", "2 projects"]
    ]
    assert data_centres["customdata"][1][1:] == ["1.3 GW", "1 project"]


def test_partner_capacity_speaks_mw_below_a_gigawatt():
    rows = [{"stage": "development", "kind": "storage", "mw": 250.0, "projects": 1}]
    fig = page_figures.partner_capacity(chart_data("partner_capacity", rows, **GIP))
    assert fig["data"][0]["y"] == [250.0]
    assert fig["layout"]["yaxis"]["title"]["text"] == "Capacity (MW)"


def test_project_phases_cumulative_step_line_with_a_marker_per_phase():
    fig = page_figures.project_phases(sample("project_phases"))
    line, construction, operational = fig["data"]
    # The step line rises from zero at the first phase and runs flat to the plot's edge.
    assert line["line"]["shape"] == "hv" and line["mode"] == "lines"
    assert line["x"][:3] == ["2025-12-01", "2025-12-01", "2027-06-30"]
    assert line["x"][3] == fig["layout"]["xaxis"]["range"][1]
    assert line["y"] == [0.0, 0.6, 1.3, 1.3]  # GW: the project reaches 1,300 MW
    assert line["hoverinfo"] == "skip" and line["showlegend"] is False
    assert line["line"]["color"] == theme.KIND_COLOURS["data_centre"]
    # One marker trace per phase stage (the legend reads by stage), in stage order.
    assert (construction["name"], operational["name"]) == ("Construction", "Operational")
    assert operational["mode"] == construction["mode"] == "markers"
    assert operational["x"] == ["2025-12-01"] and operational["y"] == [0.6]
    assert construction["x"] == ["2027-06-30"] and construction["y"] == [1.3]
    assert operational["marker"]["color"] == theme.STAGE_COLOURS["operational"]
    assert construction["marker"]["color"] == theme.STAGE_COLOURS["construction"]
    assert construction["customdata"] == [["", "Phase 2: Building B", "+700 MW", "1.3 GW"]]
    assert "Construction, online %{x|" in construction["hovertemplate"]
    layout = fig["layout"]
    assert layout["yaxis"]["title"]["text"] == "Cumulative capacity (GW)"
    assert layout["meta"] == {"chart": "project_phases", "unit": "GW"}
    assert layout["xaxis"]["type"] == "date"
    # The stated capacity as a dashed line; no "today" line: only data decides the figure.
    (shape,) = layout["shapes"]
    assert (shape["y0"], shape["y1"], shape["xref"]) == (1.3, 1.3, "paper")
    assert [a["text"] for a in layout["annotations"]] == ["Project capacity 1.3 GW"]
    assert layout["yaxis"]["range"][1] > 1.3  # room for the line's label


def test_project_phases_is_deterministic():
    first = figure_json(page_figures.project_phases(sample("project_phases")))
    assert figure_json(page_figures.project_phases(sample("project_phases"))) == first
    assert dt.date.today().isoformat() not in first


def test_project_phases_a_cancelled_phase_adds_nothing():
    rows = [
        phase(1, "", "operational", dt.date(2026, 1, 1), 200.0),
        phase(2, "", "cancelled", dt.date(2026, 6, 1), 300.0),
        phase(3, "", "development", dt.date(2027, 1, 1), 100.0),
    ]
    fig = page_figures.project_phases(chart_data("project_phases", rows, capacity_mw=None))
    line = fig["data"][0]
    assert line["y"] == [0.0, 200.0, 200.0, 300.0, 300.0]  # MW: below a gigawatt
    cancelled = traces_by_name(fig)["Cancelled"]
    assert cancelled["customdata"] == [["", "Phase 2", "not counted", "200 MW"]]
    assert "shapes" not in fig["layout"] or fig["layout"]["shapes"] == []  # no stated capacity


def test_project_participations_bars_of_stake_in_partner_colours():
    fig = page_figures.project_participations(sample("project_participations"))
    (bars,) = fig["data"]
    assert bars["orientation"] == "h"
    assert bars["y"] == ["GIP", "MGX"]  # Cisco holds no stake: in the table only
    assert bars["x"] == [60.0, 40.0]
    assert bars["marker"]["color"] == ["#2ca02c", "#d62728"]
    assert bars["text"] == ["60%", "40%"]
    assert bars["customdata"] == [
        ["?partner=gip", "Equity investor, Operator"],
        ["?partner=mgx", "Equity investor"],
    ]
    assert "%{customdata[1]}" in bars["hovertemplate"]  # the roles
    layout = fig["layout"]
    assert layout["yaxis"]["categoryarray"] == ["MGX", "GIP"]  # the largest stake on top
    assert layout["xaxis"]["range"] == [0, 104] and layout["xaxis"]["ticksuffix"] == "%"
    assert layout["xaxis"]["title"]["text"] == "Stake (%)"
    assert layout["meta"] == {"chart": "project_participations", "unit": "%"}


def test_project_participations_without_any_stake_is_empty():
    rows = [stake("Cisco", "cisco", "#17becf", None, "Equipment supplier")]
    fig = page_figures.project_participations(chart_data("project_participations", rows))
    assert fig["data"] == []
    assert fig["layout"]["annotations"][0]["text"] == "No stakes recorded"


# --- Speed ---------------------------------------------------------------------------------


def many(chart, n, rng):
    """A few hundred rows of one chart, shaped like the demo portfolio."""
    slugs = list(PARTNERS)
    stages = list(ORDER["stage"])
    kinds = list(ORDER["kind"])
    sources = list(ORDER["energy_source"])
    day = dt.date(2024, 9, 17)
    rows = []
    for i in range(n):
        if chart == "commitments_by_partner":
            instrument, status = rng.choice(ORDER["instrument"]), rng.choice(ORDER["status"])
            rows.append(commitment(rng.choice(slugs), instrument, status, rng.random() * 1e9))
        elif chart == "commitments_over_time":
            row = commitment(rng.choice(slugs), rng.choice(ORDER["instrument"]), "", 1e8 * i)
            rows.append({**row, "date": day + dt.timedelta(days=3 * i)})
        elif chart == "capacity_pipeline":
            rows.append({"stage": stages[i % 6], "kind": kinds[i % 4], "mw": 50.0, "projects": 1})
        elif chart == "capacity_online":
            side = "demand" if i % 2 else "supply"
            rows.append({"date": day + dt.timedelta(days=7 * i), "side": side, "mw": 40.0})
        elif chart == "energy_mix":
            rows.append(
                {"energy_source": sources[i % 7], "stage": stages[i % 6], "mw": 80.0, "projects": 1}
            )
        elif chart == "project_map":
            rows.append(
                project(
                    f"p-{i}",
                    rng.choice(kinds),
                    rng.choice(stages),
                    rng.uniform(10, 500),
                    rng.uniform(-40, 50),
                    rng.uniform(-120, 10),
                    "US",
                )
            )
        elif chart == "market_context":
            scenario = ("historical", "base", "high", "projection")[i % 4]
            region = ("World", "United States", "Europe")[i % 3]
            rows.append(indicator(region, scenario, 2000 + i % 40, 100 + i, f"Source {i}"))
    return chart_data(chart, rows, targets=TARGETS, reference=INDIA)


def test_all_seven_figures_build_fast():
    rng = random.Random(7)
    datasets = [many(chart, 300, rng) for chart in DASHBOARD_CHARTS]
    for data in datasets:  # warm up; each must also be valid at this size
        go.Figure(build(data))
    start = time.perf_counter()
    for data in datasets:
        figure_json(build(data))
    elapsed = time.perf_counter() - start
    print(f"\nseven figures of 300 rows each, built and serialised: {elapsed * 1000:.1f} ms")
    assert elapsed < 0.5


def test_project_map_hover_flags_stale_projects_and_grouped_points():
    stale = {
        **project("old", "data_centre", "operational", 50.0, 10.0, 10.0, "US"),
        "stale": True,
        "confirmed": dt.date(2024, 3, 5),
    }
    group = {
        **project("x", None, "construction", 900.0, 20.0, 20.0, "BR", illustrative=False),
        "slug": "",
        "name": "1,234 projects",
        "projects": 1234,
        "url": "?country=BR&stage=construction",
    }
    fig = dashboard_figures.project_map(chart_data("project_map", [stale, group]))
    traces = traces_by_name(fig)
    assert traces["Operational"]["customdata"][0][5] == (
        "<br>Illustrative data<br>Stale: not confirmed since 5 Mar 2024"
    )
    grouped = traces["Construction"]["customdata"][0]
    assert grouped[0] == "?country=BR&stage=construction"  # a click filters the dashboard
    assert grouped[1:3] == ["1,234 projects", "All kinds"]
    assert grouped[5] == ""
