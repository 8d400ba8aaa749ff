"""Every money field holds at most $1 trillion (projects.models.MAX_USD): a validator on the
field and a check constraint in the database.

On SQLite each new check constraint rebuilds its table, and SQLite drops a table's triggers
with it: the commitment-fact triggers of 0007 on projects_commitment are made again after its
rebuild (and, when this migration is unapplied, after the rebuild that removes the constraint).
On PostgreSQL adding a constraint checks the rows already there: a record over $1 trillion
stops the migration, naming the constraint, until it is corrected.
"""

import importlib

import django.core.validators
from decimal import Decimal
from django.db import migrations, models


facts = importlib.import_module("projects.migrations.0007_commitment_facts")


def commitment_fact_triggers(apps, schema_editor):
    """The triggers of 0007 on SQLite, made again after projects_commitment was rebuilt."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for operation in ("insert", "update", "delete"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS projects_commitment_facts_{operation}")
    for statement in facts.SQLITE:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0003_optimistic_locking_version"),
        ("projects", "0010_factsource_hashed_key"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, commitment_fact_triggers),
        migrations.AlterField(
            model_name="commitment",
            name="amount_usd",
            field=models.DecimalField(
                decimal_places=2,
                max_digits=18,
                validators=[
                    django.core.validators.MinValueValidator(
                        Decimal("0"), "An amount cannot be negative."
                    ),
                    django.core.validators.MaxValueValidator(
                        Decimal("1000000000000"),
                        "An amount cannot be more than $1 trillion (1,000,000,000,000 USD).",
                    ),
                ],
                verbose_name="amount (USD)",
            ),
        ),
        migrations.AlterField(
            model_name="fundraisingupdate",
            name="amount_raised_usd",
            field=models.DecimalField(
                decimal_places=2,
                max_digits=18,
                validators=[
                    django.core.validators.MinValueValidator(
                        Decimal("0"), "An amount cannot be negative."
                    ),
                    django.core.validators.MaxValueValidator(
                        Decimal("1000000000000"),
                        "An amount cannot be more than $1 trillion (1,000,000,000,000 USD).",
                    ),
                ],
                verbose_name="amount raised (USD)",
            ),
        ),
        migrations.AlterField(
            model_name="historicalcommitment",
            name="amount_usd",
            field=models.DecimalField(
                decimal_places=2,
                max_digits=18,
                validators=[
                    django.core.validators.MinValueValidator(
                        Decimal("0"), "An amount cannot be negative."
                    ),
                    django.core.validators.MaxValueValidator(
                        Decimal("1000000000000"),
                        "An amount cannot be more than $1 trillion (1,000,000,000,000 USD).",
                    ),
                ],
                verbose_name="amount (USD)",
            ),
        ),
        migrations.AlterField(
            model_name="historicalfundraisingupdate",
            name="amount_raised_usd",
            field=models.DecimalField(
                decimal_places=2,
                max_digits=18,
                validators=[
                    django.core.validators.MinValueValidator(
                        Decimal("0"), "An amount cannot be negative."
                    ),
                    django.core.validators.MaxValueValidator(
                        Decimal("1000000000000"),
                        "An amount cannot be more than $1 trillion (1,000,000,000,000 USD).",
                    ),
                ],
                verbose_name="amount raised (USD)",
            ),
        ),
        migrations.AlterField(
            model_name="historicalinvestment",
            name="enterprise_value_usd",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=18,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        Decimal("0"), "An amount cannot be negative."
                    ),
                    django.core.validators.MaxValueValidator(
                        Decimal("1000000000000"),
                        "An amount cannot be more than $1 trillion (1,000,000,000,000 USD).",
                    ),
                ],
                verbose_name="enterprise value (USD)",
            ),
        ),
        migrations.AlterField(
            model_name="historicalproject",
            name="capital_cost_usd",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=18,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        Decimal("0"), "An amount cannot be negative."
                    ),
                    django.core.validators.MaxValueValidator(
                        Decimal("1000000000000"),
                        "An amount cannot be more than $1 trillion (1,000,000,000,000 USD).",
                    ),
                ],
                verbose_name="capital cost (USD)",
            ),
        ),
        migrations.AlterField(
            model_name="historicaltarget",
            name="amount_usd",
            field=models.DecimalField(
                decimal_places=2,
                max_digits=18,
                validators=[
                    django.core.validators.MinValueValidator(
                        Decimal("0"), "An amount cannot be negative."
                    ),
                    django.core.validators.MaxValueValidator(
                        Decimal("1000000000000"),
                        "An amount cannot be more than $1 trillion (1,000,000,000,000 USD).",
                    ),
                ],
                verbose_name="amount (USD)",
            ),
        ),
        migrations.AlterField(
            model_name="investment",
            name="enterprise_value_usd",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=18,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        Decimal("0"), "An amount cannot be negative."
                    ),
                    django.core.validators.MaxValueValidator(
                        Decimal("1000000000000"),
                        "An amount cannot be more than $1 trillion (1,000,000,000,000 USD).",
                    ),
                ],
                verbose_name="enterprise value (USD)",
            ),
        ),
        migrations.AlterField(
            model_name="project",
            name="capital_cost_usd",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=18,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        Decimal("0"), "An amount cannot be negative."
                    ),
                    django.core.validators.MaxValueValidator(
                        Decimal("1000000000000"),
                        "An amount cannot be more than $1 trillion (1,000,000,000,000 USD).",
                    ),
                ],
                verbose_name="capital cost (USD)",
            ),
        ),
        migrations.AlterField(
            model_name="target",
            name="amount_usd",
            field=models.DecimalField(
                decimal_places=2,
                max_digits=18,
                validators=[
                    django.core.validators.MinValueValidator(
                        Decimal("0"), "An amount cannot be negative."
                    ),
                    django.core.validators.MaxValueValidator(
                        Decimal("1000000000000"),
                        "An amount cannot be more than $1 trillion (1,000,000,000,000 USD).",
                    ),
                ],
                verbose_name="amount (USD)",
            ),
        ),
        migrations.AddConstraint(
            model_name="commitment",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount_usd__lte", Decimal("1000000000000"))),
                name="commitment_amount_usd_at_most_1_trillion",
                violation_error_message="An amount cannot be more than $1 trillion (1,000,000,000,000 USD).",
            ),
        ),
        migrations.AddConstraint(
            model_name="fundraisingupdate",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount_raised_usd__lte", Decimal("1000000000000"))),
                name="fundraising_amount_raised_usd_at_most_1_trillion",
                violation_error_message="An amount cannot be more than $1 trillion (1,000,000,000,000 USD).",
            ),
        ),
        migrations.AddConstraint(
            model_name="investment",
            constraint=models.CheckConstraint(
                condition=models.Q(("enterprise_value_usd__lte", Decimal("1000000000000"))),
                name="investment_enterprise_value_usd_at_most_1_trillion",
                violation_error_message="An amount cannot be more than $1 trillion (1,000,000,000,000 USD).",
            ),
        ),
        migrations.AddConstraint(
            model_name="project",
            constraint=models.CheckConstraint(
                condition=models.Q(("capital_cost_usd__lte", Decimal("1000000000000"))),
                name="project_capital_cost_usd_at_most_1_trillion",
                violation_error_message="An amount cannot be more than $1 trillion (1,000,000,000,000 USD).",
            ),
        ),
        migrations.AddConstraint(
            model_name="target",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount_usd__lte", Decimal("1000000000000"))),
                name="target_amount_usd_at_most_1_trillion",
                violation_error_message="An amount cannot be more than $1 trillion (1,000,000,000,000 USD).",
            ),
        ),
        migrations.RunPython(commitment_fact_triggers, migrations.RunPython.noop),
    ]
