"""The whole portfolio as one JSON file, and back (`export_portfolio`, `import_portfolio`).

The file names records by their natural keys (slugs; a phase's project and number...), never by
database ids, so it loads into any database. Every field of every record is in it (but the id
and the locking version, which a new database counts afresh): decimals as strings (exact),
dates in ISO form. Layout, one record a line, so that neither side holds the portfolio in
memory and the file is still plain JSON:

    {"format": "aipdash-portfolio", "format_version": 1, "exported_at": "…", "counts": {…},
    "records": [      ← (all on the first line)
    {"model": "partners.partner", "fields": {"name": "BlackRock", "slug": "blackrock", …}},
    …
    ]}

Partners come parents first; every record comes after the records it refers to.

The import goes into an EMPTY portfolio (or, with `replace`, one it empties first, keeping the
deleted records in the history), in ONE transaction: `full_clean()` on every record (its check
constraints left to the database, which refuses the insert), inserts in batches, the history
rows of every new record with a change reason naming the command, the counts checked against
the file's, and the dashboard's data version bumped once. Any error leaves the database as it
was.
"""

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO, TypedDict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Field, Model, Sum
from django.utils import timezone

from aipdash.audit.history import record_history, record_history_of_keys
from aipdash.core.cache.versions import bump_data_version
from aipdash.records import registry
from aipdash.records.locking import VERSION_FIELD
from partners.models import Partner
from projects.models import (
    Commitment,
    FundraisingUpdate,
    Investment,
    MarketIndicator,
    Note,
    Participation,
    Project,
    ProjectPhase,
    Target,
)

FORMAT = "aipdash-portfolio"
FORMAT_VERSION = 1
CHUNK = 2_000  # rows read per round trip when exporting, inserted per batch when importing


@dataclass(frozen=True)
class Kind:
    """One model in the file: its label and how its foreign keys are named (field → model
    whose slug names the related record)."""

    model: type[Model]
    references: dict[str, type[Model]]

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def fields(self) -> "list[Field[Any, Any]]":  # (quoted: Field is generic in the stubs only)
        return [
            f
            for f in self.model._meta.concrete_fields
            if not f.primary_key and f.name != VERSION_FIELD
        ]


# Each model's foreign keys, by field (the related model's slug names the record); the models
# and their load order are the registry's (aipdash/records/registry.py).
REFERENCES: dict[type[Model], dict[str, type[Model]]] = {
    Partner: {"parent": Partner},
    Investment: {},
    Target: {},
    FundraisingUpdate: {"target": Target},
    MarketIndicator: {},
    Project: {"investment": Investment},
    ProjectPhase: {"project": Project},
    Participation: {"project": Project, "partner": Partner},
    Commitment: {"partner": Partner, "project": Project},
    Note: {"partner": Partner, "project": Project},
}
KINDS = tuple(Kind(model, REFERENCES[model]) for model in registry.portfolio_models())
BY_LABEL = {kind.label: kind for kind in KINDS}
# Deleting with --replace: the rows that refer to others first.
DELETE_ORDER: tuple[type[Model], ...] = (
    Note,
    Commitment,
    Participation,
    ProjectPhase,
    Project,
    FundraisingUpdate,
    Target,
    MarketIndicator,
    Investment,
    Partner,
)


class ImportRefused(Exception):
    """The file cannot be imported as it is; nothing was changed."""


class ImportReport(TypedDict):
    """What an import did: records created and deleted, by model label."""

    created: dict[str, int]
    deleted: dict[str, int]


def counts() -> dict[str, int]:
    return {kind.label: kind.model._base_manager.count() for kind in KINDS}


# --- export ---------------------------------------------------------------------------------


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _partner_rows(columns: list[str]) -> list[dict[str, Any]]:
    """Every partner, parents before their subsidiaries (a few hundred rows at most)."""
    rows = list(Partner._base_manager.order_by("pk").values(*columns, "pk", "parent_id"))
    placed: set[int] = set()
    ordered: list[dict[str, Any]] = []
    left = rows
    while left:
        ready = [r for r in left if r["parent_id"] is None or r["parent_id"] in placed]
        if not ready:  # a cycle (the model refuses one): keep the rest as they are
            ready = left
        ordered += ready
        placed |= {r["pk"] for r in ready}
        left = [r for r in left if r["pk"] not in placed]
    return ordered


def _rows(kind: Kind) -> Iterator[dict[str, object]]:
    columns = []
    for f in kind.fields():
        columns.append(f"{f.name}__slug" if f.name in kind.references else f.name)
    rows: Iterator[dict[str, Any]] | list[dict[str, Any]]
    if kind.model is Partner:
        rows = _partner_rows(columns)
    else:
        rows = kind.model._base_manager.order_by("pk").values(*columns).iterator(CHUNK)
    for row in rows:
        yield {
            f.name: _json_value(row[f"{f.name}__slug" if f.name in kind.references else f.name])
            for f in kind.fields()
        }


def export_lines() -> Iterator[str]:
    """The export file, line by line (text), read from the database in chunks. Run it inside
    a transaction (REPEATABLE READ on PostgreSQL) for a consistent snapshot."""
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "counts": counts(),
    }
    yield json.dumps(header, ensure_ascii=False)[:-1] + ', "records": [\n'
    first = True
    for kind in KINDS:
        for fields in _rows(kind):
            line = json.dumps({"model": kind.label, "fields": fields}, ensure_ascii=False)
            yield ("" if first else ",\n") + line
            first = False
    yield "\n]}\n"


# --- import ---------------------------------------------------------------------------------


def read_records(stream: TextIO) -> tuple[dict[str, object], Iterator[object]]:
    """(header, records) of an export file; records is an iterator of dicts. Reads line by line
    when the file has the export's own layout; any other JSON layout is read whole."""
    first = stream.readline()
    try:
        header = json.loads(first.rstrip().removesuffix('"records": [').rstrip().rstrip(",") + "}")
        if not first.rstrip().endswith('"records": ['):
            raise ValueError
    except ValueError:
        try:
            document = json.loads(first + stream.read())
        except ValueError as error:
            raise ImportRefused(f"Not a JSON export of the portfolio: {error}.") from error
        if not isinstance(document, dict):
            raise ImportRefused("Not an export of the portfolio (no header).") from None
        records = document.get("records", [])
        if not isinstance(records, list):
            raise ImportRefused(
                "Not an export of the portfolio (its records are not a list)."
            ) from None
        return _checked(document), iter(records)
    return _checked(header), _lines(stream)


def _lines(stream: TextIO) -> Iterator[object]:
    for number, line in enumerate(stream, start=2):
        text = line.strip().removesuffix(",")
        if not text or text == "]}":
            continue
        try:
            yield json.loads(text)
        except ValueError as error:
            raise ImportRefused(f"Line {number} is not a record: {error}.") from error


def _checked(header: dict[str, object]) -> dict[str, object]:
    if header.get("format") != FORMAT:
        raise ImportRefused(f"Not an export of the portfolio (format is not “{FORMAT}”).")
    if header.get("format_version") != FORMAT_VERSION:
        raise ImportRefused(
            f"Format version {header.get('format_version')} is not supported "
            f"(this version reads {FORMAT_VERSION})."
        )
    return header


def _describe(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(m)}" for field, m in error.message_dict.items())
    return " ".join(error.messages)


class _Importer:
    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.keys: defaultdict[type[Model], dict[str, int]] = defaultdict(dict)  # slug → pk
        self.batch: list[Model] = []
        self.batch_kind: Kind | None = None
        # (record number, partner, parent's slug): inserted level by level (by `depth`)
        self.partners: list[tuple[int, Partner, str | None]] = []
        self.depth: dict[str | None, int] = {}  # partner's slug → how many parents above it
        self.made: Counter[str] = Counter()

    def add(self, number: int, record: object) -> None:
        if not isinstance(record, dict) or not isinstance(record.get("fields"), dict):
            raise ImportRefused(
                f"Record {number} is not an object with a “model” and its “fields”."
            )
        label = record.get("model")
        kind = BY_LABEL.get(label) if isinstance(label, str) else None
        if kind is None:
            raise ImportRefused(f"Record {number}: unknown model “{record.get('model')}”.")
        if kind is not self.batch_kind:
            self.flush()
            if kind.model is not Partner and self.partners:
                self.flush_partners()
            self.batch_kind = kind
        fields = dict(record["fields"])
        values: dict[str, object] = {}
        for f in kind.fields():
            if f.name not in fields:
                raise ImportRefused(f"Record {number} ({kind.label}): no “{f.name}” field.")
            value = fields.pop(f.name)
            if kind.model is Partner and f.name == "parent":
                values["parent_id"] = None  # set once the parents have their keys
            elif f.name in kind.references:
                values[f.attname] = self.resolve(number, kind, f.name, value)
            else:
                values[f.name] = value
        if fields:
            raise ImportRefused(
                f"Record {number} ({kind.label}): unknown field “{sorted(fields)[0]}”."
            )
        if kind.model is Partner:
            self.add_partner(number, Partner(**values), record["fields"]["parent"])
            return
        obj = kind.model(**values)
        self.clean(number, kind, obj)
        self.batch.append(obj)
        if len(self.batch) >= CHUNK:
            self.flush()

    def add_partner(self, number: int, partner: Partner, parent: object) -> None:
        """A partner waits until the file's partners are read: parents are inserted first."""
        # Slugs name partners before they are checked: text, or nothing (which full_clean
        # refuses, naming the field); a list or an object would name no partner.
        slug: object = partner.slug  # as the file gives it
        if slug is not None and not isinstance(slug, str):
            raise ImportRefused(f"Record {number} (partner): its slug “{slug}” is not text.")
        if parent is not None and not isinstance(parent, str):
            raise ImportRefused(
                f"Record {number} (partner “{slug}”): its parent “{parent}” is not text."
            )
        if parent is not None and parent not in self.depth:
            raise ImportRefused(
                f"Record {number} (partner “{slug}”): its parent “{parent}” "
                "comes later or not at all; parents come first."
            )
        self.depth[partner.slug] = 0 if parent is None else self.depth[parent] + 1
        self.partners.append((number, partner, parent))

    def resolve(self, number: int, kind: Kind, name: str, slug: object) -> int | None:
        if slug is None:
            return None
        target = kind.references[name]
        key = self.keys[target].get(slug) if isinstance(slug, str) else None
        if key is None:
            raise ImportRefused(
                f"Record {number} ({kind.label}): no {target._meta.verbose_name} “{slug}” "
                "before it in the file."
            )
        return key

    def clean(self, number: int, kind: Kind, obj: Model) -> None:
        """Field validators, clean() and unique fields, each failure named by record and
        field. The check constraints are left to the database (the insert): each repeats a
        field validator or a clean() rule, and checking them here cost a query and two
        savepoints per constraint per record (some 19 queries a record)."""
        try:
            obj.full_clean(validate_constraints=False)
        except ValidationError as error:
            raise ImportRefused(
                f"Record {number} ({kind.label} “{obj}”): {_describe(error)}"
            ) from error

    def flush_partners(self) -> None:
        levels: defaultdict[int, list[tuple[int, Partner, str | None]]] = defaultdict(list)
        for number, obj, parent in self.partners:
            levels[self.depth[obj.slug]].append((number, obj, parent))
        self.partners = []
        for depth in sorted(levels):
            rows = levels[depth]
            for number, obj, parent in rows:
                obj.parent_id = None if parent is None else self.keys[Partner][parent]
                self.clean(number, BY_LABEL["partners.partner"], obj)
            self.insert(Partner, [obj for _number, obj, _parent in rows])

    def flush(self) -> None:
        if self.batch and self.batch_kind is not None:  # a batch is of its kind
            self.insert(self.batch_kind.model, self.batch)
            self.batch = []

    def insert(self, model: type[Model], objs: Sequence[Model]) -> None:
        try:
            with transaction.atomic():
                model._base_manager.bulk_create(objs)
        except IntegrityError as error:
            raise ImportRefused(
                f"{str(model._meta.verbose_name_plural).capitalize()}: the database refused a row "
                f"({' '.join(str(error).split())}); the file repeats a record or breaks a rule."
            ) from error
        if any(obj.pk is None for obj in objs):
            raise RuntimeError("the database did not return the new rows' ids")
        record_history_of_keys(
            model, [obj.pk for obj in objs], history_type="+", reason=self.reason
        )
        self.keys[model].update((obj.slug, obj.pk) for obj in objs if hasattr(obj, "slug"))
        self.made[model._meta.label_lower] += len(objs)

    def finish(self) -> None:
        self.flush()
        if self.partners:
            self.flush_partners()


def _number_of(model: type[Model], n: int) -> str:
    return f"{n:,} {model._meta.verbose_name if n == 1 else model._meta.verbose_name_plural}"


def wipe(reason: str) -> dict[str, int]:
    """Delete the whole portfolio, keeping each record's last values in the history."""
    deleted = {}
    for model in DELETE_ORDER:
        queryset = model._base_manager.all()
        record_history(queryset, history_type="-", reason=reason)
        if model is Partner:  # no PROTECT between partners while they all go
            Partner._base_manager.update(parent=None)
        deleted[model._meta.label_lower] = queryset._raw_delete(queryset.db)
    return deleted


def import_portfolio(stream: TextIO, *, name: str = "", replace: bool = False) -> ImportReport:
    """Load an export file into an empty portfolio (with `replace`, empty it first); return
    {"created": counts, "deleted": counts}. Raises ImportRefused; nothing is changed then."""
    name = Path(name).name if name else ""  # the history's reason holds 100 characters
    reason = f"Portfolio import (import_portfolio {name})".replace(" )", ")")[:100]
    header, records = read_records(stream)
    with transaction.atomic():
        present = {label: n for label, n in counts().items() if n}
        deleted = {}
        if present and not replace:
            listed = ", ".join(_number_of(BY_LABEL[label].model, n) for label, n in present.items())
            raise ImportRefused(
                f"The portfolio is not empty ({listed}). import_portfolio loads into an empty "
                "portfolio; give --replace to delete the current portfolio first (the history "
                "keeps the deleted records)."
            )
        if present:
            deleted = wipe(f"Portfolio replaced (import_portfolio --replace {name})"[:100])
        importer = _Importer(reason)
        for number, record in enumerate(records, start=1):
            importer.add(number, record)
        importer.finish()
        made = {kind.label: importer.made[kind.label] for kind in KINDS}
        expected = header.get("counts")
        if expected is not None and not isinstance(expected, dict):
            raise ImportRefused("The file's counts are not an object of counts by model.")
        if expected is not None and expected != made:
            differ = [label for label in made if made[label] != expected.get(label)]
            raise ImportRefused(
                "The file's records do not match its own counts ("
                + ", ".join(
                    f"{label}: {made[label]} read, {expected.get(label)} stated" for label in differ
                )
                + "); is it cut short?"
            )
        _check_stakes()
        bump_data_version()
    return {"created": made, "deleted": deleted}


def _check_stakes() -> None:
    """The rule that spans rows and has no database constraint: stakes in one project add up
    to at most 100 % (each participation's full_clean saw only the rows already inserted)."""
    over = (
        Participation._base_manager.values("project__slug")
        .annotate(total=Sum("stake_percent"))
        .filter(total__gt=100)
        .order_by("project__slug")
        .first()
    )
    if over:
        raise ImportRefused(
            f"Stakes in project “{over['project__slug']}” add up to {over['total']}%; the most "
            "is 100%."
        )
