"""Bulk import through the admin: the dry-run preview, all or nothing, history, cache."""

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aipdash.core.cache.versions import data_version
from aipdash.jobs.models import Job
from aipdash.jobs.services import prune_jobs, start_job
from aipdash.operations.imports.forms import sign_preview
from aipdash.operations.imports.jobs import PREVIEW
from aipdash.operations.imports.preview import error_message
from aipdash.records.provenance import AS_OF_IN_THE_FUTURE
from projects.models import Commitment, Participation, Project
from projects.resources import CommitmentResource, ParticipationResource, ProjectResource
from tests.factories import CommitmentFactory, InvestmentFactory, PartnerFactory, ProjectFactory

from .conftest import HEADER, csv_file, project_row, run_jobs

pytestmark = pytest.mark.django_db


def preview_of(response):
    assert response.status_code == 200
    return response.context["preview"]


def test_a_valid_file_previews_then_creates_and_updates_with_history(
    upload, confirm, editor, django_capture_on_commit_callbacks
):
    deal = InvestmentFactory(slug="aligned")
    ProjectFactory(slug="lakeside", name="Lakeside", capacity_mw=Decimal("200.0"))
    file = csv_file(
        "projects.csv",
        HEADER,
        [
            project_row(),  # new
            project_row(  # updates lakeside: capacity, stage, deal, now sourced
                slug="lakeside",
                name="Lakeside",
                kind="data_centre",
                energy_source="",
                capacity_mw="250.5",
                stage="construction",
                investment="aligned",
                region="Texas",
                latitude="32.7767",
                longitude="-96.797",
            ),
        ],
    )
    response = upload("project", file)
    shown = preview_of(response)
    assert shown["counts"] == {"new": 1, "update": 1, "skip": 0, "refused": 0}
    assert [row.label for row in shown["rows"]] == ["Create", "Update"]
    capacity = shown["headers"].index("capacity_mw")
    assert shown["rows"][1].cells[capacity].old == "200.0"
    assert shown["rows"][1].cells[capacity].value == "250.5"
    assert response.context["confirm_form"] is not None
    # The dry run wrote nothing.
    assert Project.objects.count() == 1
    assert Project.objects.get(slug="lakeside").capacity_mw == Decimal("200.0")
    assert not Project.objects.filter(slug="riverside").exists()

    before = data_version()
    with django_capture_on_commit_callbacks(execute=True):
        done = confirm("project", response)
    assert done.status_code == 302
    assert done["Location"] == reverse("admin:projects_project_changelist")
    assert data_version() != before  # the dashboard reads the new figures

    riverside = Project.objects.get(slug="riverside")
    assert riverside.capacity_mw == Decimal("400.0")
    assert riverside.country.code == "US"
    assert riverside.capital_cost_usd == Decimal("600000000")
    assert riverside.illustrative is False
    lakeside = Project.objects.get(slug="lakeside")
    assert lakeside.capacity_mw == Decimal("250.5")
    assert lakeside.investment == deal
    assert lakeside.source_url == "https://example.com/riverside"

    created = riverside.history.get()
    assert (created.history_type, created.history_change_reason) == ("+", "import projects.csv")
    assert created.history_user == editor
    changed = lakeside.history.order_by("-history_date").first()
    assert (changed.history_type, changed.history_change_reason) == ("~", "import projects.csv")
    assert lakeside.history.count() == 2
    logged = LogEntry.objects.filter(user=editor).values_list("object_repr", flat=True)
    assert sorted(logged) == ["Lakeside", "Riverside Solar"]


def test_a_broken_file_is_refused_row_by_row_and_nothing_is_written(upload, confirm):
    InvestmentFactory(slug="aligned")
    ProjectFactory(slug="lakeside")
    file = csv_file(
        "broken.csv",
        HEADER,
        [
            project_row(),  # valid on its own
            project_row(slug="negative", capacity_mw="-5"),
            project_row(slug="unsourced", source_title="", source_url=""),
            project_row(slug="orphan", investment="nowhere"),
        ],
    )
    projects, history = Project.objects.count(), Project.history.count()
    response = upload("project", file)
    shown = preview_of(response)
    assert shown["counts"] == {"new": 1, "update": 0, "skip": 0, "refused": 3}
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert b"Confirm import" not in response.content
    reasons = {row.number: row.reasons for row in shown["rows"]}
    assert reasons[2] == []
    assert reasons[3] == [("capacity_mw", "Capacity cannot be negative.")]
    assert sorted(reasons[4]) == [
        ("source_title", "Give the title of the source of this row's figures."),
        ("source_url", "A record that is not illustrative needs a source URL."),
    ]
    assert reasons[5] == [("investment", "No investment has the slug “nowhere”.")]
    assert [row.label for row in shown["rows"]] == ["Create", "Refused", "Refused", "Refused"]
    # The refused cells are marked, and the page says nothing will be imported.
    assert shown["rows"][1].cells[HEADER.index("capacity_mw")].error
    assert b"Nothing will be imported" in response.content
    assert (Project.objects.count(), Project.history.count()) == (projects, history)


def test_a_forged_confirmation_of_a_broken_file_writes_nothing(editor_client, editor):
    """The confirming job imports again, all or nothing: the valid row is rolled back."""
    file = csv_file("broken.csv", HEADER, [project_row(), project_row(slug="bad", kind="moon")])
    # The file waits as an upload does (in a preview job of the editor's), never previewed.
    waiting = start_job(
        owner=editor,
        kind=PREVIEW,
        params={"model": "projects.project", "file_name": "broken.csv", "format": "0"},
        files=[("input", "broken.csv", file.read(), "text/csv")],
    )
    Job.objects.filter(pk=waiting.pk).update(state=Job.State.DONE)
    history = Project.history.count()
    fields = {
        "import_file_name": str(waiting.id),
        "original_file_name": "broken.csv",
        "format": "0",
        "resource": "0",
    }
    # Signed as a preview of two new records would be (the test holds the secret key).
    previewed = sign_preview(Project, fields, [None, None])
    response = editor_client.post(
        reverse("admin:projects_project_process_import"), {**fields, "previewed": previewed}
    )
    run_jobs()
    response = editor_client.get(response["Location"], follow=True)
    assert not Project.objects.exists()
    assert Project.history.count() == history
    assert "Nothing was imported" in next(str(m) for m in response.context["messages"])


def test_an_unknown_partner_refuses_a_participation(upload):
    ProjectFactory(slug="lakeside")
    PartnerFactory(slug="gip")
    header = ParticipationResource().get_export_headers()
    row = ["lakeside", "{partner}", "equity_investor", "30", "Release", "", "2025-01-01", "true"]
    file = csv_file(
        "participations.csv",
        header,
        [[v.format(partner="gip") for v in row], [v.format(partner="nobody") for v in row]],
    )
    shown = preview_of(upload("participation", file))
    assert [row.label for row in shown["rows"]] == ["Create", "Refused"]
    assert shown["rows"][1].reasons == [("partner", "No partner has the slug “nobody”.")]
    assert not Participation.objects.exists()


def test_a_slug_named_by_many_rows_is_read_once(upload):
    """24 participations in one project (3 partners, each in every role): the project and
    each partner are looked up by slug once for the whole file, not once a row."""
    ProjectFactory(slug="lakeside")
    partners = [PartnerFactory(slug=f"p{i}").slug for i in range(3)]
    header = ParticipationResource().get_export_headers()
    rows = [
        ["lakeside", partner, role, "1", "Release", "", "2025-01-01", "true"]
        for role in Participation.Role.values
        for partner in partners
    ]
    with CaptureQueriesContext(connection) as queries:
        shown = preview_of(upload("participation", csv_file("many.csv", header, rows)))
    assert shown["counts"]["new"] == len(rows) > 20
    by_slug = [q["sql"] for q in queries if re.search(r'_(project|partner)"\."slug" = ', q["sql"])]
    assert len(by_slug) == 1 + len(partners), by_slug


def test_a_file_of_saved_records_reads_their_partners_with_them(upload):
    """20 saved commitments, exported and uploaded again: each row is compared with its
    record without a query per row for the record's partner or project."""
    partners = PartnerFactory.create_batch(3)
    projects = ProjectFactory.create_batch(4)
    for i in range(20):
        CommitmentFactory(reference=f"ref-{i}", partner=partners[i % 3], project=projects[i % 4])
    exported = CommitmentResource().export(Commitment.objects.all())
    file = csv_file("again.csv", exported.headers, [list(row) for row in exported])
    with CaptureQueriesContext(connection) as queries:
        shown = preview_of(upload("commitment", file))
    assert shown["counts"]["skip"] == 20
    tables = re.compile(r'FROM "(partners_partner|projects_project)"')
    related = [q["sql"] for q in queries if tables.search(q["sql"])]
    assert len(related) == len(partners) + len(projects), related  # each slug, once


def test_stakes_over_100_across_rows_of_one_file_are_refused(upload):
    """Earlier rows are saved inside the dry run's transaction: the model's rule sees them."""
    ProjectFactory(slug="lakeside")
    PartnerFactory(slug="a")
    PartnerFactory(slug="b")
    header = ParticipationResource().get_export_headers()
    file = csv_file(
        "stakes.csv",
        header,
        [
            ["lakeside", "a", "equity_investor", "60", "Release", "", "2025-01-01", "true"],
            ["lakeside", "b", "equity_investor", "50", "Release", "", "2025-01-01", "true"],
        ],
    )
    shown = preview_of(upload("participation", file))
    assert [row.label for row in shown["rows"]] == ["Create", "Refused"]
    assert shown["rows"][1].reasons[0][0] == "stake_percent"
    # 110% on SQLite, 110.00% on PostgreSQL (the sum keeps the column's scale)
    assert re.search(r"would add up to 110(\.00)?%", shown["rows"][1].reasons[0][1])


def test_a_file_without_provenance_columns_is_refused_as_a_whole(upload):
    header = [c for c in HEADER if c not in ("source_url", "as_of")]
    row = dict(zip(HEADER, project_row(), strict=True))
    file = csv_file("old.csv", header, [[row[c] for c in header]])
    response = upload("project", file)
    shown = preview_of(response)
    assert len(shown["base_errors"]) == 1
    assert "source_url, as_of" in shown["base_errors"][0]
    assert b"Confirm import" not in response.content
    assert not Project.objects.exists()


def test_unchanged_rows_are_shown_and_not_saved_again(upload):
    ProjectFactory(slug="lakeside")
    resource = ProjectResource()
    dataset = resource.export()
    file = csv_file("same.csv", dataset.headers, list(dataset))
    shown = preview_of(upload("project", file))
    assert shown["counts"] == {"new": 0, "update": 0, "skip": 1, "refused": 0}
    assert shown["rows"][0].label == "Unchanged"


def test_values_that_are_not_numbers_dates_or_booleans_are_named(upload):
    file = csv_file(
        "typos.csv",
        HEADER,
        [project_row(capacity_mw="lots", announced_on="01/04/2025", illustrative="maybe")],
    )
    reasons = dict(preview_of(upload("project", file))["rows"][0].reasons)
    assert reasons["capacity_mw"] == "“lots” is not a number."
    assert reasons["announced_on"] == "“01/04/2025” is not a date: write it as YYYY-MM-DD."
    assert reasons["illustrative"] == "“maybe” is not true or false."


def test_an_amount_over_a_trillion_is_refused_on_its_cell(upload):
    file = csv_file("dear.csv", HEADER, [project_row(capital_cost_usd="9999999999999999.99")])
    shown = preview_of(upload("project", file))
    assert shown["counts"]["refused"] == 1
    assert shown["rows"][0].reasons == [
        ("capital_cost_usd", "An amount cannot be more than $1 trillion (1,000,000,000,000 USD).")
    ]


def test_an_as_of_date_in_the_future_is_refused_on_its_cell(upload):
    file = csv_file("ahead.csv", HEADER, [project_row(as_of="2100-01-01")])
    shown = preview_of(upload("project", file))
    assert shown["counts"]["refused"] == 1
    assert shown["rows"][0].reasons == [("as_of", AS_OF_IN_THE_FUTURE)]


def test_an_oversized_file_is_refused_with_a_clear_message(upload, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    file = csv_file("big.csv", HEADER, [project_row(description="x" * 2000)])
    response = upload("project", file)
    assert response.status_code == 200
    errors = response.context["form"].errors["import_file"]
    assert errors == [
        "This file is 2.3\xa0KB; an import takes at most 1.0\xa0KB. Split it into several files."
    ]
    assert not Project.objects.exists()


def test_a_file_that_is_neither_csv_nor_xlsx_needs_its_format(upload):
    file = csv_file("projects.txt", HEADER, [project_row()])
    response = upload("project", file)
    assert "Choose the file's format" in response.context["form"].errors["format"][0]


def test_the_viewer_cannot_import(viewer_client):
    response = viewer_client.get(reverse("admin:projects_project_import"))
    assert response.status_code in (302, 403)


def test_import_link_on_the_changelist(editor_client):
    response = editor_client.get(reverse("admin:projects_project_changelist"))
    assert reverse("admin:projects_project_import").encode() in response.content


def test_the_day_after_the_as_of_date_is_kept_as_a_date(upload, confirm):
    file = csv_file("one.csv", HEADER, [project_row(as_of="2025-04-02")])
    response = upload("project", file)
    confirm("project", response)
    assert Project.objects.get().as_of == dt.date(2025, 4, 2)


def test_a_confirmation_after_the_file_expired_says_so(upload, editor_client):
    response = upload("project", csv_file("one.csv", HEADER, [project_row()]))
    form = response.context["confirm_form"]
    # The waiting file is gone: its preview job was pruned (JOB_RESULT_DAYS after it finished).
    prune_jobs(now=timezone.now() + dt.timedelta(days=settings.JOB_RESULT_DAYS, hours=1))
    done = editor_client.post(
        reverse("admin:projects_project_process_import"),
        {name: form.initial.get(name, "") for name in form.fields},
        follow=True,
    )
    assert "no longer waiting" in next(str(m) for m in done.context["messages"])
    assert not Project.objects.exists()


def test_a_database_constraint_is_named_by_its_message():
    """Check constraints are enforced by the database on save; its error reads as the
    constraint's message (every one of them also has a field validator or a clean() rule)."""
    error = IntegrityError("CHECK constraint failed: project_capacity_mw_not_negative")
    assert error_message(Project, error) == "Capacity mw cannot be negative."
    assert error_message(Project, IntegrityError("disk full")) == "disk full"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("format", "abc"),
        ("format", "99"),
        ("format", "-1"),
        ("format", "1"),  # XLSX's index, for the CSV file that was previewed
        ("resource", "7"),
        ("resource", "-5"),
    ],
)
def test_a_tampered_confirmation_is_the_forms_error(upload, editor_client, field, value):
    preview = upload("project", csv_file("one.csv", HEADER, [project_row()]))
    form = preview.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    data[field] = value
    response = editor_client.post(reverse("admin:projects_project_process_import"), data)
    assert response.status_code == 400
    assert b"Nothing was imported" in response.content
    assert response.context["confirm_errors"]
    assert not Project.objects.exists()


def test_a_csv_format_given_for_a_previewed_xlsx_is_the_forms_error(upload, editor_client):
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append(project_row())
    content = io.BytesIO()
    book.save(content)
    preview = upload("project", SimpleUploadedFile("one.xlsx", content.getvalue()))
    form = preview.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    assert data["format"] == "1"
    data["format"] = "0"  # CSV's index
    response = editor_client.post(reverse("admin:projects_project_process_import"), data)
    assert response.status_code == 400
    assert response.context["confirm_errors"] == ["The confirmation does not match its preview."]
    assert not Project.objects.exists()


def test_a_workbook_saved_on_its_chart_sheet_imports_its_worksheet(upload, confirm):
    """A workbook saved with a chart sheet in front (its active sheet) is read from its
    worksheet, not refused as unreadable: a chart sheet has no rows."""
    book = openpyxl.Workbook()
    data = book.active
    data.append(HEADER)
    data.append(project_row())
    chart = openpyxl.chart.BarChart()
    chart.add_data(openpyxl.chart.Reference(data, min_col=9, min_row=1, max_row=2))
    book.create_chartsheet("Chart", 0).add_chart(chart)
    book.active = 0
    content = io.BytesIO()
    book.save(content)
    preview = upload("project", SimpleUploadedFile("charted.xlsx", content.getvalue()))
    assert preview.context["form"].errors == {}
    assert preview.context["preview"]["counts"]["new"] == 1
    assert confirm("project", preview).status_code == 302
    assert Project.objects.get().slug == "riverside"
