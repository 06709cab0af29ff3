"""The live table of received event orders: one row per order id, updated in place as the order
moves from received to placed / failed / skipped."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from client_desktop.core.i18n import tr
from trading.exchanges.venue_errors import split_detail

COLUMNS = (
    "col.time",
    "col.symbol",
    "col.direction",
    "col.increment",
    "col.amount",
    "col.result",
    "col.binance_id",
    "col.error",
)
PLACED, FAILED, SKIPPED = "placed", "failed", "skipped_expired"
STATE_COLOURS = {
    PLACED: "#1b7f3b",
    FAILED: "#c62828",
    SKIPPED: "#8a6d00",
    "unknown": "#8a6d00",
    "placing": "#1f5fbf",
}
DIRECTION_COLOURS = {"LONG": "#1b7f3b", "SHORT": "#c62828"}

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class OrderRow:
    """What the trader sees of one received order (times are local, aware)."""

    order_id: int
    received_at: datetime
    symbol: str
    direction: str
    time_increment: str
    amount: Decimal | None
    state: str = "received"
    binance_order_id: str = ""
    error: str = ""


@dataclass(frozen=True)
class Counters:
    received: int = 0
    placed: int = 0
    failed: int = 0


def counters_for(rows: list[OrderRow], day: date) -> Counters:
    """Today's counters from the table's rows (a skipped order counts as received only)."""
    today = [row for row in rows if row.received_at.date() == day]
    return Counters(
        received=len(today),
        placed=sum(row.state == PLACED for row in today),
        failed=sum(row.state == FAILED for row in today),
    )


def amount_text(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:.2f}"


class OrdersModel(QAbstractTableModel):
    """Newest first; :meth:`upsert` adds a row or updates the one with the same order id."""

    def __init__(self, lang: str = "zh", max_rows: int = 500) -> None:
        super().__init__()
        self.lang = lang
        self.max_rows = max_rows
        self.rows: list[OrderRow] = []

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self.rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.rows) - 1, len(COLUMNS) - 1)
            )

    def upsert(self, row: OrderRow) -> None:
        for number, existing in enumerate(self.rows):
            if existing.order_id == row.order_id:
                self.rows[number] = replace(row, received_at=existing.received_at)
                self.dataChanged.emit(self.index(number, 0), self.index(number, len(COLUMNS) - 1))
                return
        self.beginInsertRows(QModelIndex(), 0, 0)
        self.rows.insert(0, row)
        self.endInsertRows()
        if len(self.rows) > self.max_rows:
            last = len(self.rows) - 1
            self.beginRemoveRows(QModelIndex(), last, last)
            self.rows.pop()
            self.endRemoveRows()

    def clear(self) -> None:
        self.beginResetModel()
        self.rows.clear()
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(COLUMNS[section], self.lang)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell_text(row, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = self._colour(row, column)
            return QColor(colour) if colour else None
        if role == Qt.ItemDataRole.ToolTipRole and column == 7 and row.error:
            return row.error
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def cell_text(self, row: OrderRow, column: int) -> str:
        values = (
            row.received_at.strftime("%H:%M:%S"),
            row.symbol,
            tr(f"dir.{row.direction}", self.lang),
            tr(f"inc.{row.time_increment}", self.lang),
            amount_text(row.amount),
            tr(f"state.{row.state}", self.lang),
            row.binance_order_id,
            split_detail(row.error)[0],  # the words; the raw venue code and message on hover
        )
        return values[column]

    def _colour(self, row: OrderRow, column: int) -> str | None:
        if column == 2:
            return DIRECTION_COLOURS.get(row.direction)
        if column == 5:
            return STATE_COLOURS.get(row.state)
        if column == 7:
            return STATE_COLOURS[FAILED]
        return None
