"""export_portfolio → wipe → import_portfolio gives back every record and every dashboard
figure exactly; a bad file changes nothing."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from aipdash.charts import build
from aipdash.dashboard import selectors
from aipdash.dashboard.filters import DashboardFilters
from aipdash.operations import backup
from partners.models import Partner
from projects.models import Commitment, Participation, Project
from tests.factories import (
    CommitmentFactory,
    FundraisingUpdateFactory,
    InvestmentFactory,
    MarketIndicatorFactory,
    ParticipationFactory,
    PartnerFactory,
    ProjectFactory,
    ProjectPhaseFactory,
)

pytestmark = pytest.mark.django_db

VIEWS = (
    "",  # the default view
    "partner=microsoft",
    "stage=construction&stage=operational",
    "kind=generation&kind=storage&online_from=2026&online_to=2030",
    "country=US&partner=blackrock&partner=mgx",
)


def figures():
    """Every chart's ChartData (rows, sources, as-of...) and figure, and the headline, for
    the default view and a few filtered ones."""
    slugs = {"microsoft", "blackrock", "mgx"}  # parsed alike with or without partners
    out = {}
    for query in VIEWS:
        filters = DashboardFilters.from_query(QueryDict(query), partner_slugs=slugs)
        out[query, "headline"] = selectors.headline(filters)
        for name, reader in selectors.CHARTS.items():
            data = reader(filters)
            out[query, name] = (data, build.build(data))
    return out


def records():
    """Every record's field values, related records by natural key (the ids change)."""
    return {kind.label: list(backup._rows(kind)) for kind in backup.KINDS}


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def small(db):
    """A few records of every kind (the demo takes ~20 s to load on a busy machine)."""
    parent = PartnerFactory(slug="parent")
    child = PartnerFactory(slug="child", parent=parent)
    project = ProjectFactory()
    ParticipationFactory(project=project, partner=parent, stake_percent=Decimal("60"))
    ParticipationFactory(project=project, partner=child, stake_percent=Decimal("30"))
    ProjectPhaseFactory(project=project)
    CommitmentFactory(partner=child, project=project)
    CommitmentFactory(partner=parent)
    FundraisingUpdateFactory()
    MarketIndicatorFactory()
    InvestmentFactory()


def export(path):
    call_command("export_portfolio", "--output", str(path), stderr=open("/dev/null", "w"))  # noqa: SIM115
    return path


def test_a_round_trip_reproduces_every_record_and_every_figure(
    demo, tmp_path, django_capture_on_commit_callbacks
):
    before_figures, before_records = figures(), records()
    assert sum(len(rows) for rows in before_records.values()) > 500
    assert any(
        data.rows
        for key, value in before_figures.items()
        if key[1] != "headline"
        for data in [value[0]]
    )
    path = export(tmp_path / "portfolio.json")

    backup.wipe("test wipe")
    assert not Project.objects.exists() and not Partner.objects.exists()
    assert figures() != before_figures

    with django_capture_on_commit_callbacks(execute=True) as bumps:
        call_command("import_portfolio", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(bumps) == 1  # the data version, once

    after_figures, after_records = figures(), records()
    assert after_records == before_records
    assert after_figures.keys() == before_figures.keys()
    for key, value in before_figures.items():
        assert after_figures[key] == value, key
    # And the file of the imported portfolio is the same file (but its date).
    again = export(tmp_path / "again.json")
    assert path.read_text().split("\n")[1:] == again.read_text().split("\n")[1:]


def test_the_file_is_plain_json_with_natural_keys_exact_decimals_and_iso_dates(demo, tmp_path):
    document = json.loads(export(tmp_path / "p.json").read_text())
    assert (document["format"], document["format_version"]) == ("aipdash-portfolio", 1)
    assert document["counts"]["projects.commitment"] == Commitment.objects.count()
    by_model = {}
    for record in document["records"]:
        by_model.setdefault(record["model"], []).append(record["fields"])
    gip = next(p for p in by_model["partners.partner"] if p["slug"] == "gip")
    assert gip["parent"] == "blackrock"
    slugs = [p["slug"] for p in by_model["partners.partner"]]
    assert slugs.index("blackrock") < slugs.index("gip")  # parents first
    commitment = Commitment.objects.exclude(project=None).order_by("pk").first()
    fields = next(
        c for c in by_model["projects.commitment"] if c["reference"] == commitment.reference
    )
    assert fields["partner"] == commitment.partner.slug
    assert fields["project"] == commitment.project.slug
    assert fields["amount_usd"] == str(commitment.amount_usd)  # "150000000.00": exact
    assert fields["committed_on"] == commitment.committed_on.isoformat()
    assert "id" not in fields and "version" not in fields


def test_an_import_into_a_portfolio_with_data_is_refused_unless_replace(small, tmp_path):
    path = export(tmp_path / "p.json")
    Project.objects.update(name="Changed")
    with pytest.raises(
        CommandError, match=r"not empty \(2 partners, 1 investment, 1 target.*--replace"
    ):
        call_command("import_portfolio", str(path))
    assert Project.objects.filter(name="Changed").count() == 1

    call_command("import_portfolio", "--replace", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not Project.objects.filter(name="Changed").exists()
    assert records() == json_records(path)


def json_records(path):
    out = {}
    for record in json.loads(path.read_text())["records"]:
        out.setdefault(record["model"], []).append(record["fields"])
    return {kind.label: out.get(kind.label, []) for kind in backup.KINDS}


def edited(path, tmp_path, change):
    lines = path.read_text().split("\n")
    lines = change(lines)
    broken = tmp_path / "broken.json"
    broken.write_text("\n".join(lines))
    return broken


def test_a_record_that_breaks_a_rule_leaves_nothing_imported(small, tmp_path):
    path = export(tmp_path / "p.json")
    backup.wipe("test wipe")

    def negative_amount(lines):
        last = max(i for i, line in enumerate(lines) if '"projects.commitment"' in line)
        record = json.loads(lines[last].rstrip(","))
        record["fields"]["amount_usd"] = "-5.00"
        lines[last] = json.dumps(record)
        return lines

    with pytest.raises(
        CommandError,
        match=r"Nothing imported\. Record \d+ \(projects.commitment"
        r".*amount_usd: An amount cannot be negative",
    ):
        call_command("import_portfolio", str(edited(path, tmp_path, negative_amount)))
    assert backup.counts() == dict.fromkeys(backup.counts(), 0)


def test_a_file_cut_short_or_repeating_a_record_is_refused(small, tmp_path):
    path = export(tmp_path / "p.json")
    backup.wipe("test wipe")
    cut = edited(path, tmp_path, lambda lines: [*lines[:-4], "]}"])
    with pytest.raises(CommandError, match=r"do not match its own counts.*cut short"):
        call_command("import_portfolio", str(cut))
    assert not Partner.objects.exists()

    def repeat_a_project(lines):
        at = next(i for i, line in enumerate(lines) if '"model": "projects.project"' in line)
        return [*lines[: at + 1], lines[at], *lines[at + 1 :]]

    with pytest.raises(
        CommandError, match=r"Projects: the database refused a row .*slug.*repeats a record"
    ):
        call_command("import_portfolio", str(edited(path, tmp_path, repeat_a_project)))
    assert not Partner.objects.exists()


def test_stakes_over_100_percent_in_the_file_are_refused(small, tmp_path):
    path = export(tmp_path / "p.json")
    backup.wipe("test wipe")

    def inflate(lines):
        for i, line in enumerate(lines):
            if '"projects.participation"' in line and '"stake_percent": "' in line:
                record = json.loads(line.rstrip(","))
                record["fields"]["stake_percent"] = "100.00"
                lines[i] = json.dumps(record) + ("," if line.endswith(",") else "")
        return lines

    with pytest.raises(CommandError, match=r"Stakes in project “.*” add up to"):
        call_command("import_portfolio", str(edited(path, tmp_path, inflate)))
    assert not Participation.objects.exists()


def test_another_file_is_refused_with_a_clear_message(db, tmp_path):
    other = tmp_path / "other.json"
    other.write_text('{"format": "something-else", "records": []}')
    with pytest.raises(CommandError, match="Not an export of the portfolio"):
        call_command("import_portfolio", str(other))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_portfolio", str(tmp_path / "missing.json"))


def test_the_import_costs_a_few_queries_per_record_not_one_per_rule(db):
    """The check constraints are left to the database (each repeats a field validator or a
    clean() rule, which still name the record and field): checking them in Python cost a
    query and two savepoints per constraint per record, some 19 queries a record, hours at
    the 100k portfolio's million records."""
    partners = PartnerFactory.create_batch(5)
    for i, project in enumerate(ProjectFactory.create_batch(40)):
        ProjectPhaseFactory(project=project)
        ParticipationFactory(project=project, partner=partners[i % 5])
        CommitmentFactory(partner=partners[i % 5], project=project)
    text = "".join(backup.export_lines())
    records = sum(backup.counts().values())
    with CaptureQueriesContext(connection) as queries:
        backup.import_portfolio(io.StringIO(text), name="queries.json", replace=True)
    assert sum(backup.counts().values()) == records
    assert len(queries) <= 3 * records, f"{len(queries)} queries for {records} records"


@pytest.mark.parametrize("record", ["1", '"a text"', "[1, 2]", "null"])
def test_a_record_that_is_not_an_object_is_refused_by_number(db, record):
    text = f'{{"format": "aipdash-portfolio", "format_version": 1, "records": [{record}]}}'
    with pytest.raises(backup.ImportRefused, match=r"Record 1 is not an object"):
        backup.import_portfolio(io.StringIO(text))


def _file(*records, counts=None):
    header = {"format": "aipdash-portfolio", "format_version": 1}
    if counts is not None:
        header["counts"] = counts
    return json.dumps(header | {"records": list(records)})


def _partner(**fields):
    kind = backup.BY_LABEL["partners.partner"]
    return {"model": kind.label, "fields": {f.name: None for f in kind.fields()} | fields}


def _project(**fields):
    kind = backup.BY_LABEL["projects.project"]
    return {"model": kind.label, "fields": {f.name: None for f in kind.fields()} | fields}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_file({"model": ["partners.partner"], "fields": {}}), r"Record 1: unknown model"),
        (
            _file(_project(investment=["x"])),
            r"Record 1 \(projects.project\): no investment “\['x'\]”",
        ),
        (_file(_partner(slug=["a"])), r"Record 1 \(partner\): its slug “\['a'\]” is not text"),
        (_file(_partner(slug="a", parent={"b": 1})), r"its parent “\{'b': 1\}” is not text"),
        (_file(counts=[1]), r"counts are not an object"),
        ('{"format": "aipdash-portfolio", "format_version": 1, "records": 5}', r"not a list"),
    ],
)
def test_a_file_with_values_of_the_wrong_json_type_is_refused_not_a_crash(db, text, message):
    """A name that is a list or an object (keys, references, counts) is refused by the
    import, naming the record, rather than stopping it with a TypeError."""
    with pytest.raises(backup.ImportRefused, match=message):
        backup.import_portfolio(io.StringIO(text))
    assert backup.counts() == dict.fromkeys(backup.counts(), 0)
