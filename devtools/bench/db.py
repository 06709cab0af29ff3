"""A benchmark's own database, emptied before each run: every table of the configured database is
dropped and the migrations run again, so a run never reads rows another run (or another checkout,
with another encryption key: "cannot decrypt: no configured key matches") left behind. Refuses
any database whose name does not say ``bench`` — this must never meet a real one. The database
itself must exist (the Makefile's bench targets create it)."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection


class NotABenchDatabase(CommandError):
    """The configured database is not a benchmark's own (its name lacks ``bench``)."""


def bench_schema_reset() -> str:
    """Drop every table of the configured database and migrate from empty; returns its name."""
    name = str(connection.settings_dict["NAME"])
    if "bench" not in name.rsplit("/", 1)[-1]:
        raise NotABenchDatabase(
            f"refusing to empty database {name!r}: a benchmark runs on a database of its own "
            "whose name contains 'bench' (e.g. DATABASE_URL=mysql://…/fleet_copy_bench)"
        )
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute("SET FOREIGN_KEY_CHECKS = 0")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys = OFF")
        for table in tables:
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)}")
        if connection.vendor == "mysql":
            cursor.execute("SET FOREIGN_KEY_CHECKS = 1")
    call_command("migrate", verbosity=0)
    return name
