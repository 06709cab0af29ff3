"""Benchmarks own their database: :func:`fresh_database` drops and re-creates the configured one
and migrates it, so every run starts from an empty schema (no rows left by an earlier run — e.g.
secrets encrypted under another checkout's key, which made a reused database fail with "cannot
decrypt: no configured key matches"). Refuses any database whose name does not contain
``bench``: a benchmark must never be pointed at real data.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection


def fresh_database() -> str:
    """Drop, re-create (utf8mb4) and migrate the default database; returns its name."""
    s = connection.settings_dict
    name = str(s["NAME"])
    if "bench" not in Path(name).name:
        raise CommandError(
            f"benchmarks drop their database: point DATABASE_URL at a *_bench database, not {name!r}"
        )
    connection.close()
    if s["ENGINE"].endswith("mysql"):
        if not re.fullmatch(r"[A-Za-z0-9_]+", name):
            raise CommandError(f"unexpected database name {name!r}")
        _recreate_mysql(s, name)
    elif s["ENGINE"].endswith("sqlite3"):
        Path(name).unlink(missing_ok=True)
    else:
        raise CommandError(f"unsupported database engine for benchmarks: {s['ENGINE']}")
    call_command("migrate", verbosity=0)
    return name


def _recreate_mysql(s: dict, name: str) -> None:
    import MySQLdb

    server = MySQLdb.connect(
        host=s["HOST"] or "127.0.0.1",
        port=int(s["PORT"] or 3306),
        user=s["USER"],
        password=s["PASSWORD"] or "",
    )
    try:
        cursor = server.cursor()
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    finally:
        server.close()
