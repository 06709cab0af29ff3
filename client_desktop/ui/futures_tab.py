"""The futures trading tab (「合约交易」): open positions with live PnL and a close button, the
trade history, a chart of cumulative net PnL, and the profit-share statements. Refreshes every
5 s while shown; every call runs off the GUI thread. ``open_trade`` shows the confirmation for a
signal (the signals screen calls it)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from client_desktop.core.futures_api import Pnl, PositionRow, StatementRow, TradeRequest, TradeRow
from client_desktop.core.i18n import tr
from client_desktop.ui.futures_confirm import TradeConfirmDialog, money
from client_desktop.ui.futures_key import KeyDialog
from client_desktop.ui.tasks import TaskRunner

GREEN, RED = QColor("#1b7f3b"), QColor("#c62828")
POSITION_COLS = ("symbol", "amount", "entry", "mark", "upnl")
TRADE_COLS = (
    "time",
    "symbol",
    "direction",
    "leverage",
    "amount",
    "entry",
    "sl",
    "tp",
    "net",
    "state",
)
STATEMENT_COLS = ("period", "net_pnl", "chargeable", "platform", "trader", "carry")


class PnlChart(QWidget):
    """Cumulative net PnL by day: a line on a zero axis, green above, red below."""

    def __init__(self, lang: str = "zh") -> None:
        super().__init__()
        self.lang = lang
        self.points: list[tuple[str, Decimal]] = []
        self.setMinimumHeight(170)

    def set_days(self, pnl: Pnl) -> None:
        self.points = [(d.day, d.cumulative) for d in pnl.days]
        self.update()

    def paintEvent(self, event: Any) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        w, h, pad = self.width(), self.height(), 28
        p.setPen(QColor("#5f6b7a"))
        p.drawText(8, 16, tr("futures.chart", self.lang))
        if not self.points:
            p.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, tr("futures.empty_chart", self.lang)
            )
            return
        values = [float(v) for _, v in self.points]
        low, high = min(0.0, *values), max(0.0, *values)
        span = (high - low) or 1.0

        def y(v: float) -> float:
            return pad + (high - v) / span * (h - 2 * pad)

        def x(i: int) -> float:
            return pad + i * (w - 2 * pad) / max(1, len(values) - 1)

        p.setPen(QPen(QColor("#c3cad3"), 1, Qt.PenStyle.DashLine))
        p.drawLine(QPointF(pad, y(0)), QPointF(w - pad, y(0)))
        path = QPainterPath(QPointF(x(0), y(values[0])))
        for i, v in enumerate(values[1:], start=1):
            path.lineTo(QPointF(x(i), y(v)))
        p.setPen(QPen(GREEN if values[-1] >= 0 else RED, 2))
        p.drawPath(path)
        p.setPen(QColor("#1f2933"))
        p.drawText(int(x(len(values) - 1)) - 60, int(y(values[-1])) - 6, f"{values[-1]:,.2f}")
        p.drawText(pad, h - 6, self.points[0][0])
        p.drawText(w - pad - 70, h - 6, self.points[-1][0])


def _table(columns: tuple[str, ...], lang: str) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels([tr(f"futures.col.{c}", lang) for c in columns])
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[list[tuple[str, QColor | None]]]) -> None:
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, (text, colour) in enumerate(cells):
            item = QTableWidgetItem(text)
            if colour is not None:
                item.setForeground(colour)
            table.setItem(r, c, item)


def signed(value: Decimal | None) -> tuple[str, QColor | None]:
    if value is None:
        return "-", None
    return f"{value:+,.2f}", GREEN if value >= 0 else RED


class FuturesTab(QWidget):
    """``api`` is a :class:`~client_desktop.core.futures_api.FuturesApi` (or a fake)."""

    def __init__(self, api: Any, lang: str = "zh", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.api, self.lang = api, lang
        self.runner = TaskRunner(self)
        self.positions: list[PositionRow] = []
        self.trades: list[TradeRow] = []
        self._build()
        self.timer = QTimer(self, interval=5000)
        self.timer.timeout.connect(self.refresh)

    def _build(self) -> None:
        self.totals = QLabel()
        self.refresh_button = QPushButton()
        self.close_button = QPushButton()
        self.key_button = QPushButton()
        self.key_button.clicked.connect(self.bind_key)
        self.refresh_button.clicked.connect(self.refresh)
        self.close_button.clicked.connect(self.close_selected)
        self.position_table = _table(POSITION_COLS, self.lang)
        self.trade_table = _table(TRADE_COLS, self.lang)
        self.statement_table = _table(STATEMENT_COLS, self.lang)
        self.chart = PnlChart(self.lang)
        self.titles = {k: QLabel() for k in ("positions", "trades", "statements")}
        top = QHBoxLayout()
        top.addWidget(self.totals, 1)
        top.addWidget(self.key_button)
        top.addWidget(self.close_button)
        top.addWidget(self.refresh_button)
        grid = QGridLayout()
        grid.addWidget(self.titles["positions"], 0, 0)
        grid.addWidget(self.position_table, 1, 0)
        grid.addWidget(self.chart, 1, 1)
        grid.addWidget(self.titles["trades"], 2, 0)
        grid.addWidget(self.titles["statements"], 2, 1)
        grid.addWidget(self.trade_table, 3, 0)
        grid.addWidget(self.statement_table, 3, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid)
        self.retranslate(self.lang)

    def retranslate(self, lang: str) -> None:
        self.lang = self.chart.lang = lang
        self.refresh_button.setText(tr("futures.refresh", lang))
        self.close_button.setText(tr("futures.close", lang))
        self.key_button.setText(tr("futures.key", lang))
        for key, label in self.titles.items():
            label.setText(f"<b>{tr(f'futures.{key}', lang)}</b>")
        for table, cols in ((self.position_table, POSITION_COLS), (self.trade_table, TRADE_COLS),
                            (self.statement_table, STATEMENT_COLS)):  # fmt: skip
            table.setHorizontalHeaderLabels([tr(f"futures.col.{c}", lang) for c in cols])
        self.show_trades(self.trades)
        self.chart.update()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()
        self.timer.start()

    def refresh(self) -> None:
        if self.runner.busy:
            return

        def load() -> tuple:  # type: ignore[type-arg]
            return (self.api.positions(), self.api.trades(), self.api.pnl(), self.api.statements())

        self.runner.start(load, self.show_all, lambda exc: self.totals.setText(str(exc)))

    def show_all(self, data: tuple) -> None:  # type: ignore[type-arg]
        positions, trades, pnl, statements = data
        self.show_positions(positions)
        self.show_trades(trades)
        self.show_pnl(pnl)
        self.show_statements(statements)

    def show_positions(self, rows: list[PositionRow]) -> None:
        self.positions = rows
        _fill(self.position_table, [
            [(r.symbol, None), (f"{r.amount.normalize():f}", None), (money(r.entry_price), None),
             (money(r.mark_price), None), signed(r.unrealized_pnl)]
            for r in rows
        ])  # fmt: skip

    def show_trades(self, rows: list[TradeRow]) -> None:
        self.trades = rows
        side = {"LONG": tr("futures.long", self.lang), "SHORT": tr("futures.short", self.lang)}
        _fill(self.trade_table, [
            [(r.clicked_at[5:16].replace("T", " "), None), (r.symbol, None),
             (side.get(r.direction, r.direction), GREEN if r.direction == "LONG" else RED),
             (f"{r.leverage}x", None), (f"{r.quantity.normalize():f}", None),
             (money(r.entry_price), None), (money(r.stop_loss), None),
             (money(r.take_profit), None), signed(r.net), (r.state_label, None)]
            for r in rows
        ])  # fmt: skip

    def show_pnl(self, pnl: Pnl) -> None:
        t = pnl.totals
        rate = f"{Decimal(str(t.get('win_rate') or 0)) * 100:.0f}%"
        self.totals.setText(tr("futures.totals", self.lang, trades=t.get("trades", 0), win_rate=rate,
                               net=t.get("net"), fees=t.get("fees"), funding=t.get("funding")))  # fmt: skip
        self.chart.set_days(pnl)

    def show_statements(self, rows: list[StatementRow]) -> None:
        _fill(self.statement_table, [
            [(f"{r.period_start} ~ {r.period_end}", None), signed(r.net_pnl),
             (money(r.chargeable), None), (money(r.platform_share), None),
             (money(r.trader_share), None), (money(r.carry_out), None)]
            for r in rows
        ])  # fmt: skip

    def close_selected(self) -> None:
        row = self.position_table.currentRow()
        if not 0 <= row < len(self.positions):
            return
        symbol = self.positions[row].symbol
        trade = next((t for t in self.trades if t.symbol == symbol and t.state in
                      ("protected", "entry_filled")), None)  # fmt: skip
        question = tr("futures.close_confirm", self.lang, symbol=symbol)
        if trade is None or QMessageBox.question(self, tr("futures.close", self.lang),
                                                 question) != QMessageBox.StandardButton.Yes:  # fmt: skip
            return
        self.runner.start(lambda: self.api.close(trade.id), lambda _: self.refresh(),
                          lambda exc: self.totals.setText(str(exc)))  # fmt: skip

    def bind_key(self) -> KeyDialog:
        dialog = KeyDialog(self.api, self.lang, self)
        dialog.open()
        return dialog

    def open_trade(self, trade: TradeRequest) -> TradeConfirmDialog:
        """Show the confirmation for a signal; the tab refreshes after a placed trade."""
        dialog = TradeConfirmDialog(self.api, trade, self.lang, self)
        dialog.placed.connect(lambda _: self.refresh())
        dialog.open()
        return dialog
