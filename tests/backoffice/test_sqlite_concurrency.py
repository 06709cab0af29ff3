"""The demo's database (SQLite) under concurrent writers: transactions that read then write — a
login (lock check, then session and audit rows), an order created while clients report — must
wait for each other, never fail with "database is locked".

Each thread opens its own Django connection to one SQLite file configured exactly as
``database_from_url`` configures the demo's; without WAL + ``BEGIN IMMEDIATE`` + a busy timeout,
two deferred transactions that both read and then both write fail at once (SQLite cannot wait on
a read-to-write upgrade), which a web request turns into a 500.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from django.db.utils import ConnectionHandler

from backoffice.settings.base import database_from_url

THREADS = 8
ROUNDS = 15


def _writer(handler: ConnectionHandler, errors: list[BaseException]) -> None:
    conn = handler["default"]
    try:
        for _ in range(ROUNDS):
            conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
            try:
                with conn.cursor() as cursor:
                    cursor.execute("SELECT COUNT(*) FROM hits")
                    (count,) = cursor.fetchone()
                    time.sleep(0.002)  # the request's work between its read and its write
                    cursor.execute("INSERT INTO hits (seen) VALUES (%s)", [count])
                conn.commit()
            finally:
                conn.set_autocommit(True)
    except BaseException as exc:  # reported to the test thread
        errors.append(exc)
    finally:
        conn.close()


def test_concurrent_read_then_write_transactions_wait_instead_of_failing(
    tmp_path: Path, django_db_blocker
):
    with django_db_blocker.unblock():  # its own database file, not the test database
        _run(tmp_path)


def _run(tmp_path: Path) -> None:
    config = database_from_url(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    handler = ConnectionHandler({"default": config})
    setup = handler["default"]
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE hits (id INTEGER PRIMARY KEY, seen INTEGER)")
    errors: list[BaseException] = []
    threads = [threading.Thread(target=_writer, args=(handler, errors)) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with setup.cursor() as cursor:
        cursor.execute("SELECT COUNT(*), COUNT(DISTINCT seen) FROM hits")
        total, distinct = cursor.fetchone()
        cursor.execute("PRAGMA journal_mode")
        (journal,) = cursor.fetchone()
    setup.close()
    assert errors == []
    assert total == THREADS * ROUNDS
    assert distinct == total  # serialised: every transaction saw all the earlier ones
    assert journal == "wal"  # readers (pulls, pages) never wait for a writer
