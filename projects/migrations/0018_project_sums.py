"""projects_projectsum: the projects counted and summed per kind, stage, energy source, country,
expected-online year, source, as-of date and illustrative flag (see ProjectSum), kept by
triggers on projects_project; the existing projects are summed in once.

A project adds to its row when it is inserted, is taken off when it is deleted, and an update
does both (the old row off, the new one on). Statement-level on PostgreSQL, row-level on
SQLite (the builders of migration 0016).
"""

# ruff: noqa: S608  (SQL built from this file's constants only, no input)
import importlib

from django.db import migrations, models

kept = importlib.import_module("projects.migrations.0016_capacity_sums")
POSTGRESQL, SQLITE, Sums = kept.POSTGRESQL, kept.SQLITE, kept.Sums
PROJECTS = "projects_project"

PROJECT_SUMS = Sums(
    "projects_projectsum",
    (
        "kind",
        "stage",
        "energy_source",
        "country",
        "online_year",
        "source_id",
        "as_of",
        "illustrative",
    ),
    (
        "mw_tenths",
        "located",
        "located_mw_tenths",
        "latitude_sum",
        "longitude_sum",
        "projects",
    ),
)


def _year(d, column):
    if d.postgresql:
        return f"COALESCE(CAST(EXTRACT(YEAR FROM {column}) AS INTEGER), 0)"
    return f"COALESCE(CAST(strftime('%Y', {column}) AS INTEGER), 0)"


def _units(column):
    """Degrees in hundred-thousandths (five decimal places, as stored): sums stay exact."""
    return f"CAST(ROUND({column} * 100000) AS BIGINT)"


LOCATED = "r.latitude IS NOT NULL AND r.longitude IS NOT NULL"


def project_parts(d, projects):
    return kept.sourced(
        d,
        [
            ("r.kind", "kind"),
            ("r.stage", "stage"),
            ("r.energy_source", "energy_source"),
            ("r.country", "country"),
            (_year(d, "r.expected_online"), "online_year"),
            kept.SOURCE,
            ("r.as_of", "as_of"),
            ("r.illustrative", "illustrative"),
            (f"SUM({d.tenths('r.capacity_mw')})", "mw_tenths"),
            (f"COUNT(*) FILTER (WHERE {LOCATED})", "located"),
            (
                f"COALESCE(SUM({d.tenths('r.capacity_mw')}) FILTER (WHERE {LOCATED}), 0)",
                "located_mw_tenths",
            ),
            (f"COALESCE(SUM({_units('r.latitude')}) FILTER (WHERE {LOCATED}), 0)", "latitude_sum"),
            (
                f"COALESCE(SUM({_units('r.longitude')}) FILTER (WHERE {LOCATED}), 0)",
                "longitude_sum",
            ),
            ("COUNT(*)", "projects"),
        ],
        f"{projects} r",
        "true",
        8,
    )


P = POSTGRESQL
POSTGRESQL_FUNCTION = kept.plpgsql_function(
    "projects_project_sums",
    [
        (("UPDATE", "DELETE"), [PROJECT_SUMS.subtract(project_parts(P, "old_projects"))]),
        (
            ("INSERT", "UPDATE"),
            [P.sources_of("new_projects"), PROJECT_SUMS.add(project_parts(P, "new_projects"))],
        ),
        (("UPDATE", "DELETE"), [PROJECT_SUMS.prune()]),
    ],
)
POSTGRESQL_TRIGGERS = kept.statement_triggers(
    "projects_project_sums", PROJECTS, "projects_project_sums", ("old_projects", "new_projects")
)
POSTGRESQL_REVERSE = [
    *(f"DROP TRIGGER projects_project_sums_{op} ON {PROJECTS}" for op in ("insert", "update", "delete")),
    "DROP FUNCTION projects_project_sums()",
]

S = SQLITE
NEW_PROJECT = S.row("NEW", kept.PROJECT_COLUMNS)
OLD_PROJECT = S.row("OLD", kept.PROJECT_COLUMNS)
_NEW_SOURCE = (
    "INSERT OR IGNORE INTO projects_factsource (source_title, source_url) "
    "VALUES (NEW.source_title, NEW.source_url)"
)
SQLITE_TRIGGERS = [
    kept.row_trigger(
        "projects_project_sums_insert",
        "INSERT",
        PROJECTS,
        [_NEW_SOURCE, PROJECT_SUMS.add(project_parts(S, NEW_PROJECT))],
    ),
    kept.row_trigger(
        "projects_project_sums_update",
        "UPDATE",
        PROJECTS,
        [
            PROJECT_SUMS.subtract(project_parts(S, OLD_PROJECT)),
            _NEW_SOURCE,
            PROJECT_SUMS.add(project_parts(S, NEW_PROJECT)),
            PROJECT_SUMS.prune(),
        ],
    ),
    kept.row_trigger(
        "projects_project_sums_delete",
        "DELETE",
        PROJECTS,
        [PROJECT_SUMS.subtract(project_parts(S, OLD_PROJECT)), PROJECT_SUMS.prune()],
    ),
]
SQLITE_REVERSE = [f"DROP TRIGGER projects_project_sums_{op}" for op in ("insert", "update", "delete")]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [POSTGRESQL_FUNCTION, *POSTGRESQL_TRIGGERS, P.sources_of(PROJECTS)]
        d = P
    elif vendor == "sqlite":
        statements = [*SQLITE_TRIGGERS, S.sources_of(PROJECTS)]
        d = S
    else:
        raise NotImplementedError(f"No project-sum triggers for {vendor}.")
    for statement in [*statements, PROJECT_SUMS.add(project_parts(d, PROJECTS))]:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRESQL_REVERSE if postgresql else SQLITE_REVERSE:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0017_commitment_sums"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProjectSum",
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
                ("country", models.CharField(max_length=2)),
                ("online_year", models.IntegerField()),
                ("source_id", models.BigIntegerField()),
                ("as_of", models.DateField()),
                ("illustrative", models.BooleanField()),
                ("mw_tenths", models.BigIntegerField()),
                ("located", models.IntegerField()),
                ("located_mw_tenths", models.BigIntegerField()),
                ("latitude_sum", models.BigIntegerField()),
                ("longitude_sum", models.BigIntegerField()),
                ("projects", models.IntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=(
                            "kind",
                            "stage",
                            "energy_source",
                            "country",
                            "online_year",
                            "source_id",
                            "as_of",
                            "illustrative",
                        ),
                        name="projectsum_key",
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
