"""Store the PostgreSQL session settings (settings.PG_SESSION_SETTINGS) for the app's role in its
database, so that every new connection starts with them: through PgBouncer too, which refuses
the startup options a direct connection sends (docs/operations.md, "Scaling out").

`ALTER ROLE CURRENT_USER IN DATABASE ... SET`: any role may set its own defaults for these
settings (no superuser, no ownership of the database needed), and they apply to this database
only. Run once per database, after `migrate`; connections already open keep what they had
(PgBouncer's server_lifetime renews them). `--check` reports, from a new connection, whether
they are in force, and fails when one is not.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from psycopg import sql


class Command(BaseCommand):
    help = "Store the PostgreSQL session settings for the app's role in its database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--check", action="store_true", help="only report whether they are in force"
        )

    def handle(self, *args: Any, database: str, check: bool, **options: Any) -> None:
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError(f"Database “{database}” is {connection.vendor}, not PostgreSQL.")
        wanted: dict[str, str] = settings.PG_SESSION_SETTINGS
        if not check:
            name = connection.settings_dict["NAME"]
            with connection.cursor() as cursor:
                for setting, value in wanted.items():
                    cursor.execute(
                        sql.SQL("ALTER ROLE CURRENT_USER IN DATABASE {} SET {} = {}").format(
                            sql.Identifier(name), sql.Identifier(setting), sql.Literal(value)
                        )
                    )
            self.stdout.write(f"Stored for the role in database {name}: {describe(wanted)}")
        # A new connection reads what it starts with (this one may have older values).
        connection.close()
        with connection.cursor() as cursor:
            found = {}
            for setting in wanted:
                cursor.execute("SELECT current_setting(%s)", [setting])
                found[setting] = cursor.fetchone()[0]
        differ = {s: v for s, v in found.items() if not same(v, wanted[s])}
        if differ:
            raise CommandError(f"Not in force on a new connection: {describe(differ)}")
        self.stdout.write(f"In force on a new connection: {describe(found)}")


def same(found: str, wanted: str) -> bool:
    # PostgreSQL answers in its own spelling: "32MB" as "32MB", "1.1" as "1.1", "off" as "off".
    return found.replace(" ", "").lower() == wanted.replace(" ", "").lower()


def describe(values: dict[str, str]) -> str:
    return ", ".join(f"{name}={value}" for name, value in values.items())
