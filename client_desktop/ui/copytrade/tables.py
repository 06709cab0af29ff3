"""The copy-trading tab's two read-only tables (followers, leader events): built with headers in
the catalogue's words, filled from rows of cells (``cells``) with the follower id on each row."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from client_desktop.core.i18n import tr


def headers(columns: tuple[str, ...], lang: str) -> list[str]:
    return [tr(f"copy.col.{c}", lang) for c in columns]


def make_table(name: str, columns: tuple[str, ...], lang: str) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers(columns, lang))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def fill(
    table: QTableWidget,
    rows: list[list[str]],
    keys: list[int] | None = None,
    tips: dict[tuple[int, int], str] | None = None,
) -> None:
    """Replace the table's rows; ``keys[r]`` is stored on row r's first cell (its follower id),
    ``tips[(r, c)]`` becomes that cell's tooltip."""
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            item = QTableWidgetItem(value)
            if keys is not None and c == 0:
                item.setData(Qt.ItemDataRole.UserRole, keys[r])
            if tips and (r, c) in tips:
                item.setToolTip(tips[(r, c)])
            table.setItem(r, c, item)
