"""projects_capacitysum: the capacity coming online summed per project kind, stage and energy
source, month, source, as-of date and illustrative flag (see CapacitySum), kept by triggers on
projects_projectphase and projects_project; the existing rows are summed in once.

What a row sums: each phase that is not cancelled, under its project's kind, stage and energy
source and its own month and provenance; and each project without any phase that has an
expected-online date, as a whole, under its own. So a phase added to a project without phases
takes the project's whole capacity out, and the last phase deleted puts it back.

Both databases follow the same rules; each row a trigger adds is taken off again by the write
that undoes it (a delete, or the old side of an update), and a project's own triggers move
everything under it (its phases, its whole capacity) when its kind, stage or energy source
changes, or add and remove it with the project. A row whose count reaches zero goes. Phases
and projects are joined as they are when the trigger runs, so the order of writes inside a
transaction (foreign keys are checked at commit) does not matter: a phase written while its
project is missing counts nothing, and the project's insert adds it.

PostgreSQL: statement-level triggers with transition tables (a batch costs a few grouped
statements). SQLite: row-level triggers. The builders here are shared by the migrations of the
other sums (0014, 0015): they are history, like the migrations, and change only by a new module.
"""

# ruff: noqa: S608  (SQL built from this file's constants only, no input)
from dataclasses import dataclass

from django.db import migrations, models

# Provenance ----------------------------------------------------------------------------------

# A row's source is found in projects_factsource (migration 0007) by title and URL; on
# PostgreSQL through the hashed key of migration 0010 (the index), then by the text too.
_TEXT_MATCH = "k.source_title = {row}.source_title AND k.source_url = {row}.source_url"
_HASHED_MATCH = (
    "projects_source_key(k.source_title, k.source_url) "
    "= projects_source_key({row}.source_title, {row}.source_url) AND " + _TEXT_MATCH
)


@dataclass(frozen=True)
class Dialect:
    vendor: str

    @property
    def postgresql(self):
        return self.vendor == "postgresql"

    def month(self, column):
        if self.postgresql:
            return f"DATE_TRUNC('month', ({column})::timestamp)::date"
        return f"DATE({column}, 'start of month')"

    @staticmethod
    def tenths(column):
        """MW in whole tenths (capacity has one decimal place): sums stay exact."""
        return f"CAST(ROUND({column} * 10) AS BIGINT)"

    def source_match(self, row):
        return (_HASHED_MATCH if self.postgresql else _TEXT_MATCH).format(row=row)

    def sources_of(self, relation):
        """Make sure each source of `relation` (title, URL) has its projects_factsource row."""
        if self.postgresql:
            return (
                "INSERT INTO projects_factsource (source_title, source_url) "
                f"SELECT DISTINCT source_title, source_url FROM {relation} AS s "
                "ON CONFLICT DO NOTHING"
            )
        return (
            "INSERT OR IGNORE INTO projects_factsource (source_title, source_url) "
            f"SELECT DISTINCT source_title, source_url FROM {relation} AS s WHERE true"
        )

    def join_each(self, outer, outer_alias, table, alias, condition, *, left=False):
        """`outer` (a batch: a transition table, a trigger's row) joined to the rows of the
        large `table` that `condition` matches. On PostgreSQL each outer row looks its rows up
        through an index: a LATERAL subquery behind OFFSET 0, which the planner may not turn
        into a hash join over the whole table (it did: every phase read for each batch of
        5,000 projects, a load that slowed down as it grew)."""
        if not self.postgresql:
            join = "LEFT JOIN" if left else "JOIN"
            return f"{outer} {outer_alias} {join} {table} {alias} ON {condition}"
        join = "LEFT JOIN LATERAL" if left else "CROSS JOIN LATERAL"
        return (
            f"{outer} {outer_alias} {join} "
            f"(SELECT * FROM {table} {alias} WHERE {condition} OFFSET 0) AS {alias}"
            + (" ON true" if left else "")
        )

    @staticmethod
    def row(alias, columns):
        """SQLite: the trigger's NEW or OLD row as a one-row relation, so that the same
        builders read it as they read a table or a transition table."""
        return "(SELECT " + ", ".join(f"{alias}.{c} AS {c}" for c in columns) + ")"


POSTGRESQL, SQLITE = Dialect("postgresql"), Dialect("sqlite")


@dataclass(frozen=True)
class Sums:
    """A table of sums: `key` columns (never NULL) and additive `measures`, the last of which
    counts the rows summed (a row whose count reaches zero goes)."""

    table: str
    key: tuple
    measures: tuple

    def add(self, select):
        """Add the rows of `select` (its columns named as key and measures), making new rows."""
        columns = ", ".join((*self.key, *self.measures))
        added = ", ".join(f"{m} = {self.table}.{m} + excluded.{m}" for m in self.measures)
        return (
            f"INSERT INTO {self.table} ({columns}) {select} "
            f"ON CONFLICT ({', '.join(self.key)}) DO UPDATE SET {added}"
        )

    def subtract(self, select):
        """Take the rows of `select` off the rows that exist (never makes a row: a missing row
        means the sums were emptied first, as Django's flush on SQLite may do)."""
        taken = ", ".join(f"{m} = {self.table}.{m} - g.{m}" for m in self.measures)
        mine = ", ".join(f"{self.table}.{k}" for k in self.key)
        theirs = ", ".join(f"g.{k}" for k in self.key)
        return f"UPDATE {self.table} SET {taken} FROM ({select}) AS g WHERE ({mine}) = ({theirs})"

    def prune(self):
        return f"DELETE FROM {self.table} WHERE {self.measures[-1]} = 0"


def grouped(columns, relations, where, group_count):
    """SELECT columns (expression, name) FROM relations WHERE where, grouped by the first
    `group_count` columns."""
    select = ", ".join(f"{expression} AS {name}" for expression, name in columns)
    group = ", ".join(expression for expression, _ in columns[:group_count])
    return f"SELECT {select} FROM {relations} WHERE {where} GROUP BY {group}"


SOURCE = ("SOURCE", "source_id")  # in a column list of `sourced`: where the source's id goes


def sourced(d, columns, relations, where, group_count, row="r"):
    """grouped(), with the SOURCE column found in projects_factsource by the title and URL of
    `row`: the rows are grouped by the text first, then each group's source is looked up. (A
    lookup per row, joined first, led PostgreSQL to join every phase to its source before
    narrowing them to the few of a batch: minutes per batch at a million phases.)"""
    at = columns.index(SOURCE)
    inner = [
        *columns[:at],
        (f"{row}.source_title", "source_title"),
        (f"{row}.source_url", "source_url"),
        *columns[at + 1 :],
    ]
    outer = ", ".join("k.id AS source_id" if c == SOURCE else f"g.{c[1]}" for c in columns)
    return (
        f"SELECT {outer} FROM ({grouped(inner, relations, where, group_count + 1)}) AS g "
        f"JOIN projects_factsource k ON {d.source_match('g')} WHERE true"
    )


def plpgsql_function(name, body_by_op):
    """A statement-level trigger function running the statements of its operation."""
    branches = []
    for ops, statements in body_by_op:
        condition = " OR ".join(f"TG_OP = '{op}'" for op in ops)
        branches.append(f"IF {condition} THEN\n" + "".join(f"    {s};\n" for s in statements))
    body = "\nEND IF;\n".join(branches) + "\nEND IF;"
    return f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{body}
RETURN NULL;
END $$"""


def statement_triggers(prefix, table, function, transitions):
    """PostgreSQL statement-level AFTER triggers of `table` for INSERT, UPDATE and DELETE,
    with transition tables named by `transitions` (old, new)."""
    old, new = transitions
    refs = {
        "INSERT": f"REFERENCING NEW TABLE AS {new}",
        "UPDATE": f"REFERENCING OLD TABLE AS {old} NEW TABLE AS {new}",
        "DELETE": f"REFERENCING OLD TABLE AS {old}",
    }
    return [
        f"CREATE TRIGGER {prefix}_{op.lower()} AFTER {op} ON {table} {ref} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        for op, ref in refs.items()
    ]


def row_trigger(name, op, table, statements, when=None):
    when = f" WHEN {when}" if when else ""
    body = "".join(f"    {s};\n" for s in statements)
    return f"CREATE TRIGGER {name} AFTER {op} ON {table} FOR EACH ROW{when}\nBEGIN\n{body}END"


PROJECT_COLUMNS = (
    "id",
    "kind",
    "stage",
    "energy_source",
    "country",
    "latitude",
    "longitude",
    "capacity_mw",
    "expected_online",
    "source_title",
    "source_url",
    "as_of",
    "illustrative",
)
PHASE_COLUMNS = (
    "id",
    "project_id",
    "stage",
    "capacity_mw",
    "expected_online",
    "source_title",
    "source_url",
    "as_of",
    "illustrative",
)
# A project's columns that place whatever is under it (its phases, its commitments).
PROJECT_DIMENSIONS = ("kind", "stage", "energy_source")


def dimensions_changed(old, new, columns=PROJECT_DIMENSIONS):
    return " OR ".join(f"{old}.{c} <> {new}.{c}" for c in columns)


# The capacity sums ---------------------------------------------------------------------------

CAPACITY = Sums(
    "projects_capacitysum",
    ("kind", "stage", "energy_source", "month", "source_id", "as_of", "illustrative"),
    ("mw_tenths", "items"),
)
PHASES, PROJECTS = "projects_projectphase", "projects_project"


def _phases_with_projects(d, phases, projects):
    """Phases `r` with their project `p`, looked up from whichever side is the batch."""
    if phases == PHASES and projects != PROJECTS:
        return d.join_each(projects, "p", PHASES, "r", "r.project_id = p.id")
    if projects == PROJECTS and phases != PHASES:
        return d.join_each(phases, "r", PROJECTS, "p", "p.id = r.project_id")
    return f"{phases} r JOIN {projects} p ON p.id = r.project_id"


def phase_parts(d, phases, projects, where="true"):
    """The phases of `phases` that are not cancelled, under their project in `projects`."""
    return sourced(
        d,
        [
            ("p.kind", "kind"),
            ("p.stage", "stage"),
            ("p.energy_source", "energy_source"),
            (d.month("r.expected_online"), "month"),
            SOURCE,
            ("r.as_of", "as_of"),
            ("r.illustrative", "illustrative"),
            (f"SUM({d.tenths('r.capacity_mw')})", "mw_tenths"),
            ("COUNT(*)", "items"),
        ],
        _phases_with_projects(d, phases, projects),
        f"r.stage <> 'cancelled' AND ({where})",
        7,
    )


def phaseless(alias):
    return f"NOT EXISTS (SELECT 1 FROM {PHASES} ph WHERE ph.project_id = {alias}.id)"


def whole_parts(d, projects, where=None):
    """The projects of `projects` with an expected-online date and (unless `where` says
    otherwise) no phase, each as a whole."""
    return sourced(
        d,
        [
            ("r.kind", "kind"),
            ("r.stage", "stage"),
            ("r.energy_source", "energy_source"),
            (d.month("r.expected_online"), "month"),
            SOURCE,
            ("r.as_of", "as_of"),
            ("r.illustrative", "illustrative"),
            (f"SUM({d.tenths('r.capacity_mw')})", "mw_tenths"),
            ("COUNT(*)", "items"),
        ],
        f"{projects} r",
        f"r.expected_online IS NOT NULL AND ({where or phaseless('r')})",
        7,
    )


# PostgreSQL: a phase statement changes which projects have phases. `counts` holds, per project
# it touched, its phases before the statement and now (now - inserted + deleted = before).
def _phase_counts(old, new):
    parts = []
    if old:
        parts.append(f"SELECT project_id, 1 AS o, 0 AS n FROM {old}")
    if new:
        parts.append(f"SELECT project_id, 0 AS o, 1 AS n FROM {new}")
    touched = " UNION ALL ".join(parts)
    return f"""(SELECT t.project_id AS id,
            (SELECT COUNT(*) FROM {PHASES} ph WHERE ph.project_id = t.project_id) AS now,
            (SELECT COUNT(*) FROM {PHASES} ph WHERE ph.project_id = t.project_id)
                - SUM(t.n) + SUM(t.o) AS before
        FROM ({touched}) t GROUP BY t.project_id)"""


def _whole_changes(old, new):
    """The projects that gained their first phase lose their whole capacity; those that lost
    their last one get it back."""
    counts = _phase_counts(old, new)
    projects = POSTGRESQL.join_each(counts, "c", PROJECTS, "p", "p.id = c.id")
    relation = f"(SELECT p.*, c.before, c.now FROM {projects})"
    return [
        CAPACITY.subtract(whole_parts(POSTGRESQL, relation, "r.before = 0 AND r.now > 0")),
        POSTGRESQL.sources_of(relation),
        CAPACITY.add(whole_parts(POSTGRESQL, relation, "r.before > 0 AND r.now = 0")),
    ]


P = POSTGRESQL
POSTGRESQL_FUNCTIONS = [
    plpgsql_function(
        "projects_capacity_of_phases",
        [
            (("UPDATE", "DELETE"), [CAPACITY.subtract(phase_parts(P, "old_phases", PROJECTS))]),
            (
                ("INSERT", "UPDATE"),
                [P.sources_of("new_phases"), CAPACITY.add(phase_parts(P, "new_phases", PROJECTS))],
            ),
            (("INSERT",), _whole_changes(None, "new_phases")),
            (("UPDATE",), _whole_changes("old_phases", "new_phases")),
            (("DELETE",), _whole_changes("old_phases", None)),
            (("INSERT", "UPDATE", "DELETE"), [CAPACITY.prune()]),
        ],
    ),
    plpgsql_function(
        "projects_capacity_of_projects",
        [
            (
                ("UPDATE",),
                [
                    # Phases move only with their project's kind, stage or energy source.
                    CAPACITY.subtract(
                        phase_parts(
                            P,
                            PHASES,
                            "old_projects",
                            "p.id IN (SELECT o.id FROM old_projects o JOIN new_projects n "
                            f"ON n.id = o.id WHERE {dimensions_changed('o', 'n')})",
                        )
                    ),
                    P.sources_of("new_projects"),
                    CAPACITY.add(
                        phase_parts(
                            P,
                            PHASES,
                            "new_projects",
                            "p.id IN (SELECT o.id FROM old_projects o JOIN new_projects n "
                            f"ON n.id = o.id WHERE {dimensions_changed('o', 'n')})",
                        )
                    ),
                ],
            ),
            (("DELETE",), [CAPACITY.subtract(phase_parts(P, PHASES, "old_projects"))]),
            (
                ("INSERT",),
                [P.sources_of("new_projects"), CAPACITY.add(phase_parts(P, PHASES, "new_projects"))],
            ),
            (("UPDATE", "DELETE"), [CAPACITY.subtract(whole_parts(P, "old_projects"))]),
            (
                ("INSERT", "UPDATE"),
                [P.sources_of("new_projects"), CAPACITY.add(whole_parts(P, "new_projects"))],
            ),
            (("INSERT", "UPDATE", "DELETE"), [CAPACITY.prune()]),
        ],
    ),
]
POSTGRESQL_TRIGGERS = [
    *statement_triggers(
        "projects_capacity_phases", PHASES, "projects_capacity_of_phases", ("old_phases", "new_phases")
    ),
    *statement_triggers(
        "projects_capacity_projects",
        PROJECTS,
        "projects_capacity_of_projects",
        ("old_projects", "new_projects"),
    ),
]
POSTGRESQL_REVERSE = [
    *(
        f"DROP TRIGGER projects_capacity_{t}_{op} ON {table}"
        for t, table in (("phases", PHASES), ("projects", PROJECTS))
        for op in ("insert", "update", "delete")
    ),
    "DROP FUNCTION projects_capacity_of_phases()",
    "DROP FUNCTION projects_capacity_of_projects()",
]

# SQLite: row-level triggers on the same builders, NEW and OLD read as one-row relations.
S = SQLITE
NEW_PHASE, OLD_PHASE = S.row("NEW", PHASE_COLUMNS), S.row("OLD", PHASE_COLUMNS)
NEW_PROJECT, OLD_PROJECT = S.row("NEW", PROJECT_COLUMNS), S.row("OLD", PROJECT_COLUMNS)
FACT_SOURCE_OF = (
    "INSERT OR IGNORE INTO projects_factsource (source_title, source_url) "
    "VALUES ({row}.source_title, {row}.source_url)"
)


def _project_by_id(expression):
    return f"(SELECT * FROM {PROJECTS} WHERE id = {expression})"


def _project_sources(expression):
    return (
        "INSERT OR IGNORE INTO projects_factsource (source_title, source_url) "
        f"SELECT source_title, source_url FROM {PROJECTS} WHERE id = {expression}"
    )


def _count_phases(expression):
    return f"(SELECT COUNT(*) FROM {PHASES} WHERE project_id = {expression})"


SQLITE_TRIGGERS = [
    row_trigger(
        "projects_capacity_phases_insert",
        "INSERT",
        PHASES,
        [
            # The project's only phase now: it had none before, and counted as a whole.
            CAPACITY.subtract(
                whole_parts(
                    S, _project_by_id("NEW.project_id"), f"{_count_phases('NEW.project_id')} = 1"
                )
            ),
            FACT_SOURCE_OF.format(row="NEW"),
            CAPACITY.add(phase_parts(S, NEW_PHASE, PROJECTS)),
            CAPACITY.prune(),
        ],
    ),
    row_trigger(
        "projects_capacity_phases_update",
        "UPDATE",
        PHASES,
        [
            CAPACITY.subtract(phase_parts(S, OLD_PHASE, PROJECTS)),
            FACT_SOURCE_OF.format(row="NEW"),
            CAPACITY.add(phase_parts(S, NEW_PHASE, PROJECTS)),
            # Moved to another project: the old one may have lost its last phase, the new one
            # gained its first.
            _project_sources("OLD.project_id"),
            CAPACITY.add(
                whole_parts(
                    S,
                    _project_by_id("OLD.project_id"),
                    f"OLD.project_id <> NEW.project_id AND {phaseless('r')}",
                )
            ),
            CAPACITY.subtract(
                whole_parts(
                    S,
                    _project_by_id("NEW.project_id"),
                    "OLD.project_id <> NEW.project_id "
                    f"AND {_count_phases('NEW.project_id')} = 1",
                )
            ),
            CAPACITY.prune(),
        ],
    ),
    row_trigger(
        "projects_capacity_phases_delete",
        "DELETE",
        PHASES,
        [
            CAPACITY.subtract(phase_parts(S, OLD_PHASE, PROJECTS)),
            _project_sources("OLD.project_id"),
            CAPACITY.add(whole_parts(S, _project_by_id("OLD.project_id"))),
            CAPACITY.prune(),
        ],
    ),
    row_trigger(
        "projects_capacity_projects_insert",
        "INSERT",
        PROJECTS,
        [
            FACT_SOURCE_OF.format(row="NEW"),
            CAPACITY.add(phase_parts(S, PHASES, NEW_PROJECT)),
            CAPACITY.add(whole_parts(S, NEW_PROJECT)),
        ],
    ),
    row_trigger(
        "projects_capacity_projects_update",
        "UPDATE",
        PROJECTS,
        [
            CAPACITY.subtract(phase_parts(S, PHASES, OLD_PROJECT, dimensions_changed("OLD", "NEW"))),
            CAPACITY.subtract(whole_parts(S, OLD_PROJECT)),
            FACT_SOURCE_OF.format(row="NEW"),
            CAPACITY.add(phase_parts(S, PHASES, NEW_PROJECT, dimensions_changed("OLD", "NEW"))),
            CAPACITY.add(whole_parts(S, NEW_PROJECT)),
            CAPACITY.prune(),
        ],
    ),
    row_trigger(
        "projects_capacity_projects_delete",
        "DELETE",
        PROJECTS,
        [
            CAPACITY.subtract(phase_parts(S, PHASES, OLD_PROJECT)),
            CAPACITY.subtract(whole_parts(S, OLD_PROJECT)),
            CAPACITY.prune(),
        ],
    ),
]
SQLITE_REVERSE = [
    f"DROP TRIGGER projects_capacity_{t}_{op}"
    for t in ("phases", "projects")
    for op in ("insert", "update", "delete")
]


def backfill(d):
    return [
        d.sources_of(PROJECTS),
        d.sources_of(PHASES),
        CAPACITY.add(phase_parts(d, PHASES, PROJECTS)),
        CAPACITY.add(whole_parts(d, PROJECTS)),
    ]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [*POSTGRESQL_FUNCTIONS, *POSTGRESQL_TRIGGERS, *backfill(POSTGRESQL)]
    elif vendor == "sqlite":
        statements = [*SQLITE_TRIGGERS, *backfill(SQLITE)]
    else:
        raise NotImplementedError(f"No capacity-sum triggers for {vendor}.")
    for statement in statements:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRESQL_REVERSE if postgresql else SQLITE_REVERSE:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0015_history_asof_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="CapacitySum",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=20)),
                ("stage", models.CharField(max_length=20)),
                ("energy_source", models.CharField(max_length=20)),
                ("month", models.DateField()),
                ("source_id", models.BigIntegerField()),
                ("as_of", models.DateField()),
                ("illustrative", models.BooleanField()),
                ("mw_tenths", models.BigIntegerField()),
                ("items", models.IntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=(
                            "kind",
                            "stage",
                            "energy_source",
                            "month",
                            "source_id",
                            "as_of",
                            "illustrative",
                        ),
                        name="capacitysum_key",
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
