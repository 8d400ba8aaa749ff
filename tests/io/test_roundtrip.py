"""Export → wipe → import gives the same records, every field (provenance included), in CSV
and in XLSX; the template files import as refused example rows until they are replaced."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from tablib import Dataset

from projects.models import Commitment, Participation, Project, ProjectPhase
from projects.resources import (
    CommitmentResource,
    ParticipationResource,
    ProjectPhaseResource,
    ProjectResource,
)
from tests.factories import (
    CommitmentFactory,
    InvestmentFactory,
    ParticipationFactory,
    PartnerFactory,
    ProjectFactory,
    ProjectPhaseFactory,
)

from .conftest import csv_file

pytestmark = pytest.mark.django_db

# In the order an import must follow (a phase names its project).
KINDS = [
    (Project, ProjectResource),
    (ProjectPhase, ProjectPhaseResource),
    (Participation, ParticipationResource),
    (Commitment, CommitmentResource),
]


def snapshot(model):
    """Every field of every record, related records by their slug; no database ids."""
    rows = []
    for record in model.objects.all():
        row = {}
        for field in model._meta.concrete_fields:
            if field.primary_key or field.name == "version":
                continue  # the database id; an optimistic-locking counter is bookkeeping
            value = getattr(record, field.name)
            if field.is_relation:
                value = value.slug if value is not None else None
            elif field.name == "country":
                value = value.code
            row[field.name] = value
        rows.append(row)
    return sorted(rows, key=repr)


@pytest.fixture
def portfolio():
    deal = InvestmentFactory(slug="aligned")
    gip, mgx = PartnerFactory(slug="gip"), PartnerFactory(slug="mgx")
    campus = ProjectFactory(
        slug="lakeside",
        name="Lakeside, Phase “A”",
        investment=deal,
        capital_cost_usd=Decimal("1234567890.12"),
        description="Two halls;\nline two",
        illustrative=False,
        source_title="Release, with a comma",
        source_url="https://example.com/a?b=1&c=2",
        as_of=dt.date(2025, 2, 28),
    )
    plant = ProjectFactory(
        slug="sunfield",
        kind="generation",
        energy_source="solar",
        latitude=None,
        longitude=None,
        expected_online=None,
        stage="announced",
        capacity_mw=Decimal("0.5"),
    )
    ProjectPhaseFactory(project=campus, sequence=1, name="Hall 1", capacity_mw=Decimal("99.9"))
    ProjectPhaseFactory(project=campus, sequence=2, stage="operational")
    ParticipationFactory(project=campus, partner=gip, stake_percent=Decimal("33.33"))
    ParticipationFactory(project=campus, partner=mgx, role="lender", stake_percent=None)
    ParticipationFactory(project=plant, partner=gip, role="sponsor")
    CommitmentFactory(partner=gip, reference="GIP-2025-01", note="=cmd|' /C calc'!A0")
    CommitmentFactory(
        partner=mgx,
        project=campus,
        reference="MGX-7",
        instrument="debt",
        status="called",
        amount_usd=Decimal("0.01"),
        illustrative=False,
    )


def _wipe():
    for model, _resource in reversed(KINDS):
        model.objects.all().delete()


def admin_export(client, model, fmt):
    """Every record of a kind through the changelist's export action."""
    url = reverse(f"admin:projects_{model._meta.model_name}_changelist")
    response = client.post(
        url,
        {
            "action": f"export_rows_{fmt}",
            "_selected_action": list(model.objects.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    return response.content.decode() if fmt == "csv" else response.content


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_wipe_import_gives_identical_records(portfolio, editor_client, fmt):
    before = {model: snapshot(model) for model, _resource in KINDS}
    files = {model: admin_export(editor_client, model, fmt) for model, _resource in KINDS}
    _wipe()
    assert not any(model.objects.exists() for model, _resource in KINDS)
    for model, resource in KINDS:
        dataset = Dataset().load(files[model], format=fmt)
        result = resource().import_data(
            dataset, file_name=f"roundtrip.{fmt}", rollback_on_validation_errors=True
        )
        assert not result.has_errors(), [e.error for _n, errs in result.row_errors() for e in errs]
        assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
        assert result.totals["new"] == len(before[model])
    for model, _resource in KINDS:
        assert snapshot(model) == before[model], model.__name__
    assert Commitment.objects.get(reference="GIP-2025-01").note == "=cmd|' /C calc'!A0"
    assert Project.history.filter(history_change_reason=f"import roundtrip.{fmt}").count() == 2


def test_importing_the_same_export_again_changes_nothing(portfolio):
    for model, resource in KINDS:
        dataset = resource().export()
        result = resource().import_data(dataset, file_name="again.csv")
        assert result.totals["skip"] == model.objects.count()
        assert result.totals["new"] == result.totals["update"] == 0


@pytest.mark.parametrize("model_name", ["project", "projectphase", "participation", "commitment"])
def test_each_kind_has_csv_and_xlsx_templates(editor_client, upload, model_name):
    url = reverse(f"admin:projects_{model_name}_import_template", args=["csv"])
    response = editor_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'-{model_name}-import-template.csv"')
    lines = response.content.decode().splitlines()
    assert len(lines) == 2
    assert "source_title,source_url,as_of,illustrative" in lines[0]
    assert "example-" in lines[1]
    # The template as it is: its example row is refused, nothing written.
    shown = upload(model_name, csv_file("template.csv", *_split(lines))).context["preview"]
    assert [row.label for row in shown["rows"]] == ["Refused"]
    assert any(
        message.startswith("This is the template's example row")
        for _c, message in shown["rows"][0].reasons
    )

    workbook_response = editor_client.get(
        reverse(f"admin:projects_{model_name}_import_template", args=["xlsx"])
    )
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header == lines[0].split(",")
    example = dict(zip(header, (cell.value for cell in sheet[2]), strict=True))
    assert isinstance(example["as_of"], dt.datetime)  # a real date cell
    assert "Example row" in sheet["A2"].comment.text


def _split(lines):
    import csv

    rows = list(csv.reader(lines))
    return rows[0], rows[1:]


def test_a_filled_in_xlsx_template_imports(editor_client, upload, confirm):
    PartnerFactory(slug="microsoft")
    response = editor_client.get(
        reverse("admin:projects_commitment_import_template", args=["xlsx"])
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=header.index("reference") + 1, value="MSFT-1")
    sheet.cell(row=2, column=header.index("note") + 1, value="")
    buffer = io.BytesIO()
    workbook.save(buffer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile("commitments.xlsx", buffer.getvalue())
    preview = upload("commitment", file)
    assert [row.label for row in preview.context["preview"]["rows"]] == ["Create"]
    confirm("commitment", preview)
    commitment = Commitment.objects.get(reference="MSFT-1")
    assert commitment.amount_usd == Decimal("1000000000")
    assert commitment.committed_on == dt.date(2025, 3, 19)
    assert commitment.project is None
