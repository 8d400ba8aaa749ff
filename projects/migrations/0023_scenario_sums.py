"""The two sums the scenario charts read (issue 16: the power balance's and the capital
bridge's cold SQL, ~350 ms each at 100k projects, grouped every phase and project):

- projects_phasegroupsum (PhaseGroupSum): capacity coming online per project kind, stage and
  energy source (what the filters are on), the phase's OWN stage (`item_stage`, what a
  scenario's slip and attrition go by), month, source, as-of date and illustrative flag. The
  rules of CapacitySum (migration 0016: a phase that is not cancelled under its project; a
  project without phases as a whole), but a project without phases counts without a date too
  (month NO_MONTH), as scenarios.selectors.phase_groups has it.
- projects_capitalsum (CapitalSum): projects per kind, stage, energy source and month of their
  expected online date (NO_MONTH: none): how many, how many with a capital cost, the costs in
  cents, and the MW of those without one. Kept by triggers on projects_project only.
- the index project_cost_per_mw: each kind's priced projects in order of cost per MW, with the
  two columns it is computed from, so that the median is read from the index alone.

Statement-level triggers on PostgreSQL, row-level on SQLite, on the builders of migration 0016;
the existing rows are summed in once. Self-contained: it changes no earlier table or trigger.
"""

# ruff: noqa: S608  (SQL built from this file's constants only, no input)
import importlib

from django.db import migrations, models
from django.db.models.functions import Cast

kept = importlib.import_module("projects.migrations.0016_capacity_sums")
POSTGRESQL, SQLITE, Sums, SOURCE = kept.POSTGRESQL, kept.SQLITE, kept.Sums, kept.SOURCE
PHASES, PROJECTS, phaseless = kept.PHASES, kept.PROJECTS, kept.phaseless

# The month of a project without an expected online date: key columns are never NULL (a NULL
# would never meet its own row in ON CONFLICT). projects.models.facts.NO_MONTH reads it back.
NO_MONTH = "'0001-01-01'"

PHASE_GROUPS = Sums(
    "projects_phasegroupsum",
    (
        "kind",
        "stage",
        "energy_source",
        "item_stage",
        "month",
        "source_id",
        "as_of",
        "illustrative",
    ),
    ("mw_tenths", "items"),
)


def phase_parts(d, phases, projects, where="true"):
    """The phases of `phases` that are not cancelled, under their project in `projects`."""
    return kept.sourced(
        d,
        [
            ("p.kind", "kind"),
            ("p.stage", "stage"),
            ("p.energy_source", "energy_source"),
            ("r.stage", "item_stage"),
            (d.month("r.expected_online"), "month"),
            SOURCE,
            ("r.as_of", "as_of"),
            ("r.illustrative", "illustrative"),
            (f"SUM({d.tenths('r.capacity_mw')})", "mw_tenths"),
            ("COUNT(*)", "items"),
        ],
        kept._phases_with_projects(d, phases, projects),
        f"r.stage <> 'cancelled' AND ({where})",
        8,
    )


def whole_parts(d, projects, where=None):
    """The projects of `projects` without a phase (unless `where` says otherwise), each as a
    whole, dated or not."""
    return kept.sourced(
        d,
        [
            ("r.kind", "kind"),
            ("r.stage", "stage"),
            ("r.energy_source", "energy_source"),
            ("r.stage", "item_stage"),
            (f"COALESCE({d.month('r.expected_online')}, {NO_MONTH})", "month"),
            SOURCE,
            ("r.as_of", "as_of"),
            ("r.illustrative", "illustrative"),
            (f"SUM({d.tenths('r.capacity_mw')})", "mw_tenths"),
            ("COUNT(*)", "items"),
        ],
        f"{projects} r",
        where or phaseless("r"),
        8,
    )


def _whole_changes(old, new):
    """PostgreSQL: the projects that gained their first phase lose their whole capacity; those
    that lost their last one get it back (migration 0016's rule)."""
    counts = kept._phase_counts(old, new)
    projects = POSTGRESQL.join_each(counts, "c", PROJECTS, "p", "p.id = c.id")
    relation = f"(SELECT p.*, c.before, c.now FROM {projects})"
    return [
        PHASE_GROUPS.subtract(whole_parts(POSTGRESQL, relation, "r.before = 0 AND r.now > 0")),
        POSTGRESQL.sources_of(relation),
        PHASE_GROUPS.add(whole_parts(POSTGRESQL, relation, "r.before > 0 AND r.now = 0")),
    ]


# The capital sums ------------------------------------------------------------------------------

CAPITAL = Sums(
    "projects_capitalsum",
    ("kind", "stage", "energy_source", "month"),
    ("with_cost", "cost_cents", "without_cost", "mw_without_cost_tenths", "projects"),
)
_COSTED = "r.capital_cost_usd IS NOT NULL"


def capital_parts(d, projects):
    return kept.grouped(
        [
            ("r.kind", "kind"),
            ("r.stage", "stage"),
            ("r.energy_source", "energy_source"),
            (f"COALESCE({d.month('r.expected_online')}, {NO_MONTH})", "month"),
            (f"COUNT(*) FILTER (WHERE {_COSTED})", "with_cost"),
            # Cents, so that sums stay exact on SQLite too (no decimal type there).
            (
                f"COALESCE(SUM(CAST(ROUND(r.capital_cost_usd * 100) AS BIGINT)) "
                f"FILTER (WHERE {_COSTED}), 0)",
                "cost_cents",
            ),
            (f"COUNT(*) FILTER (WHERE NOT ({_COSTED}))", "without_cost"),
            (
                f"COALESCE(SUM({d.tenths('r.capacity_mw')}) FILTER (WHERE NOT ({_COSTED})), 0)",
                "mw_without_cost_tenths",
            ),
            ("COUNT(*)", "projects"),
        ],
        f"{projects} r",
        "true",
        4,
    )


# PostgreSQL ------------------------------------------------------------------------------------

P = POSTGRESQL
_MOVED = (
    "p.id IN (SELECT o.id FROM old_projects o JOIN new_projects n "
    f"ON n.id = o.id WHERE {kept.dimensions_changed('o', 'n')})"
)
POSTGRESQL_FUNCTIONS = [
    kept.plpgsql_function(
        "projects_phase_groups_of_phases",
        [
            (("UPDATE", "DELETE"), [PHASE_GROUPS.subtract(phase_parts(P, "old_phases", PROJECTS))]),
            (
                ("INSERT", "UPDATE"),
                [
                    P.sources_of("new_phases"),
                    PHASE_GROUPS.add(phase_parts(P, "new_phases", PROJECTS)),
                ],
            ),
            (("INSERT",), _whole_changes(None, "new_phases")),
            (("UPDATE",), _whole_changes("old_phases", "new_phases")),
            (("DELETE",), _whole_changes("old_phases", None)),
            (("INSERT", "UPDATE", "DELETE"), [PHASE_GROUPS.prune()]),
        ],
    ),
    kept.plpgsql_function(
        "projects_phase_groups_of_projects",
        [
            (
                ("UPDATE",),
                [
                    # Phases move only with their project's kind, stage or energy source.
                    PHASE_GROUPS.subtract(phase_parts(P, PHASES, "old_projects", _MOVED)),
                    P.sources_of("new_projects"),
                    PHASE_GROUPS.add(phase_parts(P, PHASES, "new_projects", _MOVED)),
                ],
            ),
            (("DELETE",), [PHASE_GROUPS.subtract(phase_parts(P, PHASES, "old_projects"))]),
            (
                ("INSERT",),
                [
                    P.sources_of("new_projects"),
                    PHASE_GROUPS.add(phase_parts(P, PHASES, "new_projects")),
                ],
            ),
            (("UPDATE", "DELETE"), [PHASE_GROUPS.subtract(whole_parts(P, "old_projects"))]),
            (
                ("INSERT", "UPDATE"),
                [P.sources_of("new_projects"), PHASE_GROUPS.add(whole_parts(P, "new_projects"))],
            ),
            (("INSERT", "UPDATE", "DELETE"), [PHASE_GROUPS.prune()]),
        ],
    ),
    kept.plpgsql_function(
        "projects_capital_sums",
        [
            (("UPDATE", "DELETE"), [CAPITAL.subtract(capital_parts(P, "old_projects"))]),
            (("INSERT", "UPDATE"), [CAPITAL.add(capital_parts(P, "new_projects"))]),
            (("UPDATE", "DELETE"), [CAPITAL.prune()]),
        ],
    ),
]
POSTGRESQL_TRIGGERS = [
    *kept.statement_triggers(
        "projects_phase_groups_phases",
        PHASES,
        "projects_phase_groups_of_phases",
        ("old_phases", "new_phases"),
    ),
    *kept.statement_triggers(
        "projects_phase_groups_projects",
        PROJECTS,
        "projects_phase_groups_of_projects",
        ("old_projects", "new_projects"),
    ),
    *kept.statement_triggers(
        "projects_capital_sums", PROJECTS, "projects_capital_sums", ("old_projects", "new_projects")
    ),
]
_TRIGGERS = (
    ("projects_phase_groups_phases", PHASES),
    ("projects_phase_groups_projects", PROJECTS),
    ("projects_capital_sums", PROJECTS),
)
POSTGRESQL_REVERSE = [
    *(
        f"DROP TRIGGER {name}_{op} ON {table}"
        for name, table in _TRIGGERS
        for op in ("insert", "update", "delete")
    ),
    "DROP FUNCTION projects_phase_groups_of_phases()",
    "DROP FUNCTION projects_phase_groups_of_projects()",
    "DROP FUNCTION projects_capital_sums()",
]

# SQLite: row-level triggers on the same builders (migration 0016's, NEW and OLD as relations).
S = SQLITE
NEW_PHASE, OLD_PHASE = S.row("NEW", kept.PHASE_COLUMNS), S.row("OLD", kept.PHASE_COLUMNS)
PROJECT_COLUMNS = (*kept.PROJECT_COLUMNS, "capital_cost_usd")
NEW_PROJECT, OLD_PROJECT = S.row("NEW", PROJECT_COLUMNS), S.row("OLD", PROJECT_COLUMNS)
NEW_SOURCE = kept.FACT_SOURCE_OF.format(row="NEW")
_project_by_id, _count_phases = kept._project_by_id, kept._count_phases

SQLITE_TRIGGERS = [
    kept.row_trigger(
        "projects_phase_groups_phases_insert",
        "INSERT",
        PHASES,
        [
            # The project's only phase now: it had none before, and counted as a whole.
            PHASE_GROUPS.subtract(
                whole_parts(
                    S, _project_by_id("NEW.project_id"), f"{_count_phases('NEW.project_id')} = 1"
                )
            ),
            NEW_SOURCE,
            PHASE_GROUPS.add(phase_parts(S, NEW_PHASE, PROJECTS)),
            PHASE_GROUPS.prune(),
        ],
    ),
    kept.row_trigger(
        "projects_phase_groups_phases_update",
        "UPDATE",
        PHASES,
        [
            PHASE_GROUPS.subtract(phase_parts(S, OLD_PHASE, PROJECTS)),
            NEW_SOURCE,
            PHASE_GROUPS.add(phase_parts(S, NEW_PHASE, PROJECTS)),
            # Moved to another project: the old one may have lost its last phase, the new one
            # gained its first.
            kept._project_sources("OLD.project_id"),
            PHASE_GROUPS.add(
                whole_parts(
                    S,
                    _project_by_id("OLD.project_id"),
                    f"OLD.project_id <> NEW.project_id AND {phaseless('r')}",
                )
            ),
            PHASE_GROUPS.subtract(
                whole_parts(
                    S,
                    _project_by_id("NEW.project_id"),
                    f"OLD.project_id <> NEW.project_id AND {_count_phases('NEW.project_id')} = 1",
                )
            ),
            PHASE_GROUPS.prune(),
        ],
    ),
    kept.row_trigger(
        "projects_phase_groups_phases_delete",
        "DELETE",
        PHASES,
        [
            PHASE_GROUPS.subtract(phase_parts(S, OLD_PHASE, PROJECTS)),
            kept._project_sources("OLD.project_id"),
            PHASE_GROUPS.add(whole_parts(S, _project_by_id("OLD.project_id"))),
            PHASE_GROUPS.prune(),
        ],
    ),
    kept.row_trigger(
        "projects_phase_groups_projects_insert",
        "INSERT",
        PROJECTS,
        [
            NEW_SOURCE,
            PHASE_GROUPS.add(phase_parts(S, PHASES, NEW_PROJECT)),
            PHASE_GROUPS.add(whole_parts(S, NEW_PROJECT)),
        ],
    ),
    kept.row_trigger(
        "projects_phase_groups_projects_update",
        "UPDATE",
        PROJECTS,
        [
            PHASE_GROUPS.subtract(
                phase_parts(S, PHASES, OLD_PROJECT, kept.dimensions_changed("OLD", "NEW"))
            ),
            PHASE_GROUPS.subtract(whole_parts(S, OLD_PROJECT)),
            NEW_SOURCE,
            PHASE_GROUPS.add(
                phase_parts(S, PHASES, NEW_PROJECT, kept.dimensions_changed("OLD", "NEW"))
            ),
            PHASE_GROUPS.add(whole_parts(S, NEW_PROJECT)),
            PHASE_GROUPS.prune(),
        ],
    ),
    kept.row_trigger(
        "projects_phase_groups_projects_delete",
        "DELETE",
        PROJECTS,
        [
            PHASE_GROUPS.subtract(phase_parts(S, PHASES, OLD_PROJECT)),
            PHASE_GROUPS.subtract(whole_parts(S, OLD_PROJECT)),
            PHASE_GROUPS.prune(),
        ],
    ),
    kept.row_trigger(
        "projects_capital_sums_insert",
        "INSERT",
        PROJECTS,
        [CAPITAL.add(capital_parts(S, NEW_PROJECT))],
    ),
    kept.row_trigger(
        "projects_capital_sums_update",
        "UPDATE",
        PROJECTS,
        [
            CAPITAL.subtract(capital_parts(S, OLD_PROJECT)),
            CAPITAL.add(capital_parts(S, NEW_PROJECT)),
            CAPITAL.prune(),
        ],
    ),
    kept.row_trigger(
        "projects_capital_sums_delete",
        "DELETE",
        PROJECTS,
        [CAPITAL.subtract(capital_parts(S, OLD_PROJECT)), CAPITAL.prune()],
    ),
]
SQLITE_REVERSE = [
    f"DROP TRIGGER {name}_{op}" for name, _ in _TRIGGERS for op in ("insert", "update", "delete")
]


def backfill(d):
    return [
        d.sources_of(PROJECTS),
        d.sources_of(PHASES),
        PHASE_GROUPS.add(phase_parts(d, PHASES, PROJECTS)),
        PHASE_GROUPS.add(whole_parts(d, PROJECTS)),
        CAPITAL.add(capital_parts(d, PROJECTS)),
    ]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [*POSTGRESQL_FUNCTIONS, *POSTGRESQL_TRIGGERS, *backfill(POSTGRESQL)]
    elif vendor == "sqlite":
        statements = [*SQLITE_TRIGGERS, *backfill(SQLITE)]
    else:
        raise NotImplementedError(f"No scenario-sum triggers for {vendor}.")
    for statement in statements:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRESQL_REVERSE if postgresql else SQLITE_REVERSE:
        schema_editor.execute(statement)


def _id():
    return models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0022_history_spans"),
    ]

    operations = [
        migrations.CreateModel(
            name="PhaseGroupSum",
            fields=[
                ("id", _id()),
                ("kind", models.CharField(max_length=20)),
                ("stage", models.CharField(max_length=20)),
                ("energy_source", models.CharField(max_length=20)),
                ("item_stage", models.CharField(max_length=20)),
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
                            "item_stage",
                            "month",
                            "source_id",
                            "as_of",
                            "illustrative",
                        ),
                        name="phasegroupsum_key",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="CapitalSum",
            fields=[
                ("id", _id()),
                ("kind", models.CharField(max_length=20)),
                ("stage", models.CharField(max_length=20)),
                ("energy_source", models.CharField(max_length=20)),
                ("month", models.DateField()),
                ("with_cost", models.IntegerField()),
                ("cost_cents", models.BigIntegerField()),
                ("without_cost", models.IntegerField()),
                ("mw_without_cost_tenths", models.BigIntegerField()),
                ("projects", models.IntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "stage", "energy_source", "month"), name="capitalsum_key"
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        # The median cost per MW of each kind, read from the index alone (projects.Project).
        migrations.AddIndex(
            model_name="project",
            index=models.Index(
                models.F("kind"),
                Cast("capital_cost_usd", models.FloatField())
                / Cast("capacity_mw", models.FloatField()),
                models.F("id"),
                condition=models.Q(capacity_mw__gt=0, capital_cost_usd__isnull=False),
                include=("capital_cost_usd", "capacity_mw"),
                name="project_cost_per_mw",
            ),
        ),
    ]
