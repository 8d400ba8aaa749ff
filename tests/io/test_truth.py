"""The truth test of the past (issue 18): edits made on known days through the bulk import and
the admin (creations, changes, a stage move, a deletion, a restore), the dashboard's figures
and a CSV captured after each; afterwards, `as_of` each of those days gives exactly what was
captured then. The clock is set to each day while its edit is made (history is dated by it).
"""

import dataclasses
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from aipdash.dashboard import selectors
from aipdash.dashboard.filters import DashboardFilters
from projects.models import Project
from tests.nothing_lost.conftest import form_data

from .conftest import HEADER, csv_file, project_row

pytestmark = pytest.mark.django_db

DAYS = [dt.date(2025, month, 3 + month) for month in (2, 3, 4, 5, 6)]
DATED = {"announced_on": "2025-01-10", "as_of": "2025-01-15"}  # before the first step
CSVS = ("capacity_pipeline", "energy_mix", "project_map")
FILTERS = (DashboardFilters(), DashboardFilters(stage=("construction",)))


def figures(filters):
    """Every chart's rows and provenance and the headline. The map's `stale` flag is left out:
    it says how old a record's as-of date is against the reader's today, by design."""
    out = {}
    for name, chart in selectors.CHARTS.items():
        data = chart(filters)
        rows = tuple({k: v for k, v in row.items() if k != "stale"} for row in data.rows)
        out[name] = (rows, data.as_of, data.illustrative, data.sources)
    out["headline"] = selectors.headline_figures(selectors.headline(filters))
    return out


def csvs(client, query=""):
    out = {}
    for name in CSVS:
        response = client.get(reverse("chart-csv", args=[name]) + (f"?{query}" if query else ""))
        assert response.status_code == 200, name
        out[name] = b"".join(response.streaming_content)
    return out


def test_as_of_each_day_gives_what_was_captured_that_day(
    monkeypatch, upload, confirm, admin_client, editor_client, django_capture_on_commit_callbacks
):
    real_now = timezone.now
    captured = []

    def on(day, edit):
        """Make `edit` at noon UTC of `day`, then capture the dashboard as it is."""
        moment = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        with django_capture_on_commit_callbacks(execute=True):  # the data version moves on
            edit()
        captured.append((day, {f: figures(f) for f in FILTERS}, csvs(editor_client)))

    def import_projects(*rows):
        preview = upload("project", csv_file("projects.csv", HEADER, list(rows)))
        assert "confirm_form" in preview.context, preview.text[-3000:]
        slugs = {row[HEADER.index("slug")] for row in rows}
        assert confirm("project", preview).status_code in (200, 302)
        assert set(Project.objects.filter(slug__in=slugs).values_list("slug", flat=True)) == slugs

    def admin_change(slug, **values):
        project = Project.objects.get(slug=slug)
        url = reverse("admin:projects_project_change", args=[project.pk])
        data = form_data(admin_client.get(url))
        data.update(values)
        response = admin_client.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors

    lakeside = dict(
        slug="lakeside",
        name="Lakeside Storage",
        kind="storage",
        energy_source="battery",
        stage="construction",
        capacity_mw="200.0",
        region="Nevada",
        **DATED,
    )
    # 1. Two projects created by the bulk import.
    on(DAYS[0], lambda: import_projects(project_row(**DATED), project_row(**lakeside)))
    # 2. A stage move and a change of capacity through the admin.
    on(DAYS[1], lambda: admin_change("riverside", stage="construction", capacity_mw="450.0"))
    # 3. The import changes one project and creates another.
    on(
        DAYS[2],
        lambda: import_projects(
            project_row(**{**lakeside, "capacity_mw": "250.0"}),
            project_row(slug="hilltop", name="Hilltop Wind", energy_source="wind", **DATED),
        ),
    )
    # 4. The admin deletes one.
    gone = Project.objects.get(slug="lakeside").pk

    def delete():
        url = reverse("admin:projects_project_delete", args=[gone])
        assert admin_client.post(url, {"post": "yes"}).status_code == 302

    on(DAYS[3], delete)

    # 5. ... and restores it from its history.
    def restore():
        last = Project.history.filter(id=gone).latest()
        url = reverse("admin:projects_project_simple_history", args=[gone, last.history_id])
        assert admin_client.post(url, form_data(admin_client.get(url))).status_code == 302

    on(DAYS[4], restore)
    monkeypatch.setattr(timezone, "now", real_now)

    # The steps changed the figures each time (a test that could not fail otherwise).
    pipelines = [step[1][FILTERS[0]]["capacity_pipeline"][0] for step in captured]
    assert len({repr(p) for p in pipelines}) == len(DAYS) - 1  # the restore gives step 3 back
    assert pipelines[4] == pipelines[2] and pipelines[3] != pipelines[2]

    for day, then, files in captured:
        for filters in FILTERS:
            assert figures(dataclasses.replace(filters, as_of=day)) == then[filters], day
        assert csvs(editor_client, f"as_of={day.isoformat()}") == files, day
    # The page says so, with the day.
    page = editor_client.get(reverse("dashboard") + f"?as_of={DAYS[3].isoformat()}").text
    assert "The portfolio as it stood on 8 May 2025" in page
