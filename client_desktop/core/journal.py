"""The local order journal (SQLite in the user's data directory): every order the server
delivered, recorded BEFORE it is placed, so a crash anywhere neither loses a report nor places
an order twice.

Life of an entry (``state``)::

    received ──► placing ──► placed | failed        (outcome known)
        │           └──────► unknown ──► placed | failed   (reply lost: resolved from open orders)
        └──────────────────► skipped_expired        (validity passed before placing)

and, independently, ``reported_at`` once the server stored the execution report. On restart
(:meth:`Journal.recover_work`): ``received`` entries are placed if still valid, else skipped;
``placing`` / ``unknown`` entries are NEVER re-sent — they are resolved against Binance's open
orders (a crash may have happened after the send); final but unreported entries are reported.

SQLite runs in WAL mode with ``synchronous=FULL``: a committed state survives a power cut.
The journal is keyed by (server, trader id, order id): one file per data directory serves every
trader who logs in on this machine.

For the UI (h6): :meth:`Journal.rows` / :class:`OrderView` are what the table shows; the field
names match ``client_desktop.ui.orders_model.OrderRow`` (``OrderRow(**view.as_dict())``).
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from client_desktop.core.api_client import PulledOrder

RECEIVED: Final = "received"
PLACING: Final = "placing"
UNKNOWN: Final = "unknown"
PLACED: Final = "placed"
FAILED: Final = "failed"
SKIPPED: Final = "skipped_expired"
FINAL_STATES: Final = frozenset({PLACED, FAILED, SKIPPED})
IN_FLIGHT: Final = frozenset({PLACING, UNKNOWN})

SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS entries (
    server TEXT NOT NULL,
    trader_id INTEGER NOT NULL,
    order_id INTEGER NOT NULL,
    symbol TEXT NOT NULL,
    direction TEXT NOT NULL,
    time_increment TEXT NOT NULL,
    payout_ratio TEXT NOT NULL,
    amount TEXT NOT NULL,
    created_at TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    received_at REAL NOT NULL,
    state TEXT NOT NULL,
    send_started_at REAL,
    binance_order_id TEXT NOT NULL DEFAULT '',
    error_code TEXT NOT NULL DEFAULT '',
    error_message TEXT NOT NULL DEFAULT '',
    latency_ms INTEGER,
    finished_at REAL,
    reported_at REAL,
    PRIMARY KEY (server, trader_id, order_id)
);
CREATE INDEX IF NOT EXISTS entries_open ON entries (server, trader_id, reported_at);
"""


@dataclass(frozen=True)
class Entry:
    """One journal row."""

    server: str
    trader_id: int
    order_id: int
    symbol: str
    direction: str
    time_increment: str
    payout_ratio: Decimal
    amount: Decimal
    created_at: str
    valid_until: str
    received_at: float
    state: str
    send_started_at: float | None = None
    binance_order_id: str = ""
    error_code: str = ""
    error_message: str = ""
    latency_ms: int | None = None
    finished_at: float | None = None
    reported_at: float | None = None

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES

    def view(self) -> OrderView:
        return OrderView(
            order_id=self.order_id,
            received_at=datetime.fromtimestamp(self.received_at, tz=UTC).astimezone(),
            symbol=self.symbol,
            direction=self.direction,
            time_increment=self.time_increment,
            amount=self.amount,
            state=self.state,
            binance_order_id=self.binance_order_id,
            error=self.error_message,
        )

    def report_body(self) -> dict[str, Any]:
        """The ``POST .../executions`` body for a final entry."""
        return {
            "outcome": self.state,
            "binance_order_id": self.binance_order_id,
            "error_code": self.error_code[:64],
            "error_message": self.error_message[:500],
            "amount": str(self.amount),
            "latency_ms": self.latency_ms,
        }


@dataclass(frozen=True)
class OrderView:
    """A table row (times local, aware). Same field names as the UI's ``OrderRow``."""

    order_id: int
    received_at: datetime
    symbol: str
    direction: str
    time_increment: str
    amount: Decimal | None
    state: str = RECEIVED
    binance_order_id: str = ""
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_COLUMNS: Final = [f for f in Entry.__dataclass_fields__]


def _entry(row: sqlite3.Row) -> Entry:
    values = dict(row)
    values["payout_ratio"] = Decimal(values["payout_ratio"])
    values["amount"] = Decimal(values["amount"])
    return Entry(**values)


class Journal:
    """The SQLite journal of one trader on one server. Thread-safe (one connection, a lock)."""

    def __init__(self, path: Path, server: str, trader_id: int) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.server = server.rstrip("/")
        self.trader_id = trader_id
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _key(self) -> tuple[str, int]:
        return self.server, self.trader_id

    # --- writes -----------------------------------------------------------------------------
    def record(self, order: PulledOrder, amount: Decimal, now: float) -> tuple[Entry, bool]:
        """Record a delivered order (state ``received``) BEFORE anything is sent. Returns the
        entry and whether it is new (an order already journaled is never handled twice)."""
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO entries (server, trader_id, order_id, symbol, direction,"
                " time_increment, payout_ratio, amount, created_at, valid_until, received_at,"
                " state) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    *self._key(),
                    order.id,
                    order.symbol,
                    order.direction,
                    order.time_increment,
                    str(order.payout_ratio),
                    str(amount),
                    order.created_at,
                    order.valid_until,
                    now,
                    RECEIVED,
                ),
            )
            created = cursor.rowcount == 1
        entry = self.get(order.id)
        assert entry is not None
        return entry, created

    def mark_sending(self, order_id: int, now: float) -> Entry:
        """About to send the placement: from here on a crash means "outcome unknown"."""
        return self._update(order_id, state=PLACING, send_started_at=now)

    def mark_unknown(self, order_id: int, message: str) -> Entry:
        return self._update(order_id, state=UNKNOWN, error_message=message)

    def finish(
        self,
        order_id: int,
        state: str,
        now: float,
        *,
        binance_order_id: str = "",
        error_code: str = "",
        error_message: str = "",
        latency_ms: int | None = None,
    ) -> Entry:
        """The outcome is known (``placed`` / ``failed`` / ``skipped_expired``)."""
        if state not in FINAL_STATES:
            raise ValueError(f"not a final state: {state}")
        return self._update(
            order_id,
            state=state,
            binance_order_id=binance_order_id,
            error_code=error_code,
            error_message=error_message,
            latency_ms=latency_ms,
            finished_at=now,
        )

    def mark_reported(self, order_id: int, now: float) -> Entry:
        return self._update(order_id, reported_at=now)

    def _update(self, order_id: int, **values: Any) -> Entry:
        unknown = set(values) - set(_COLUMNS)
        if unknown:
            raise ValueError(f"unknown journal columns: {sorted(unknown)}")
        names = ", ".join(f"{name} = ?" for name in values)  # checked column names only
        with self._lock:
            self._db.execute(
                f"UPDATE entries SET {names} WHERE server = ? AND trader_id = ? AND order_id = ?",  # noqa: S608
                (*values.values(), *self._key(), order_id),
            )
        entry = self.get(order_id)
        if entry is None:
            raise KeyError(order_id)
        return entry

    def prune(self, before: float) -> int:
        """Forget reported entries received before ``before`` (epoch s); the journal only has to
        remember what is unfinished, plus recent history for the table."""
        with self._lock:
            cursor = self._db.execute(
                "DELETE FROM entries WHERE server = ? AND trader_id = ?"
                " AND reported_at IS NOT NULL AND received_at < ?",
                (*self._key(), before),
            )
        return int(cursor.rowcount)

    # --- reads ------------------------------------------------------------------------------
    def get(self, order_id: int) -> Entry | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM entries WHERE server = ? AND trader_id = ? AND order_id = ?",
                (*self._key(), order_id),
            ).fetchone()
        return _entry(row) if row is not None else None

    def _select(self, where: str, params: tuple[Any, ...] = (), tail: str = "") -> list[Entry]:
        with self._lock:
            rows = self._db.execute(
                # ``where`` / ``tail`` are literals of this module, never input
                f"SELECT * FROM entries WHERE server = ? AND trader_id = ? AND {where} {tail}",  # noqa: S608
                (*self._key(), *params),
            ).fetchall()
        return [_entry(row) for row in rows]

    def recover_work(self) -> list[Entry]:
        """Everything not yet reported, oldest first: what a (re)started client must finish."""
        return self._select("reported_at IS NULL", tail="ORDER BY received_at, order_id")

    def unreported_final(self) -> list[Entry]:
        return self._select(
            "reported_at IS NULL AND state IN (?, ?, ?)",
            tuple(sorted(FINAL_STATES)),
            "ORDER BY received_at, order_id",
        )

    def owned_binance_ids(self) -> set[str]:
        """Binance order ids already attributed to some journal entry (never match them twice
        when resolving an unknown outcome)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT binance_order_id FROM entries WHERE server = ? AND trader_id = ?"
                " AND binance_order_id != ''",
                self._key(),
            ).fetchall()
        return {str(row[0]) for row in rows}

    def rows(self, limit: int = 500) -> list[OrderView]:
        """The newest ``limit`` entries for the table, newest first."""
        entries = self._select(
            "1 = 1", tail=f"ORDER BY received_at DESC, order_id DESC LIMIT {int(limit)}"
        )
        return [e.view() for e in entries]

    def counts_since(self, since: float) -> dict[str, int]:
        """Entries received since ``since`` (epoch s) by state."""
        with self._lock:
            rows = self._db.execute(
                "SELECT state, COUNT(*) FROM entries WHERE server = ? AND trader_id = ?"
                " AND received_at >= ? GROUP BY state",
                (*self._key(), since),
            ).fetchall()
        return {str(state): int(count) for state, count in rows}
