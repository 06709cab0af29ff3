"""The futures signals tab (合约信号): the latest signals, each with its strategy's scorecard, and a
candlestick chart of the selected signal with its entry, TP and SL.

The risk notice sits on top. The model's signals carry "试验中" while its out-of-sample record
does not beat the base rate, and every strategy shows its measured numbers next to its name — no
claim without a figure. Network calls run on the thread pool; the tab refreshes every 15 s.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from client_desktop.core.api_client import ApiClient
from client_desktop.core.i18n import tr
from client_desktop.core.server_http import ApiError
from client_desktop.core.signals_api import Candle, Card, SignalsApi, SignalsPage, SignalView
from client_desktop.ui.signals_chart import SignalChart
from client_desktop.ui.tasks import TaskRunner

POLL_MS = 15_000
MIN_SIGNALS = 20  # the server's bar for judging a record (trading.futures.presenters)
SYMBOLS = ("", "BTCUSDT", "ETHUSDT")
INTERVALS = ("", "1m", "5m", "15m", "1h")
COLUMNS = ("time", "market", "strategy", "direction", "card", "outcome", "confidence", "levels")
GREEN, RED, GREY, AMBER = "#1b7f3b", "#c62828", "#5f6b7a", "#8a6d00"


def named_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)  # styled by the main window's sheet
    return label


def reason_item(key: str, value: Any) -> str:
    """One indicator value behind a signal; the model's training cut-off as a time."""
    if key == "trained_until" and isinstance(value, int | float):
        return f"{key}={datetime.fromtimestamp(value / 1000, tz=UTC).astimezone():%m-%d %H:%M}"
    return f"{key}={value:.4g}" if isinstance(value, float) else f"{key}={value}"


def pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def signed(value: float | None) -> str:
    return "-" if value is None else f"{value:+.2f}"


def price(value: Any) -> str:
    return f"{value.normalize():f}"


def card_short(card: Card | None, lang: str) -> str:
    if card is None or card.signals == 0:
        return tr("signals.no_card", lang)
    return tr("signals.card_short", lang, n=card.signals, hit=pct(card.hit_rate),
              base=pct(card.base_rate), net=signed(card.expectancy_net_r))  # fmt: skip


class ScorecardPanel(QWidget):
    """Live and backtest figures of the selected signal's strategy, side by side."""

    ROWS = ("signals", "hit", "base", "exp", "pf", "mfe", "dd", "streak")

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self.title = named_label("caption")
        self.title.setWordWrap(True)
        self.grid = QGridLayout()
        self.cells: dict[tuple[str, int], QLabel] = {}
        self.heads = [QLabel(), QLabel()]
        self.names = {key: QLabel() for key in self.ROWS}
        for col, head in enumerate(self.heads, start=1):
            head.setStyleSheet("font-weight:600")
            self.grid.addWidget(head, 0, col)
        for row, key in enumerate(self.ROWS, start=1):
            self.grid.addWidget(self.names[key], row, 0)
            for col in (1, 2):
                self.cells[(key, col)] = QLabel("-")
                self.grid.addWidget(self.cells[(key, col)], row, col)
        self.reason = named_label("caption")
        self.reason.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addLayout(self.grid)
        layout.addWidget(self.reason)
        self.retranslate(lang)

    def retranslate(self, lang: str) -> None:
        self.lang = lang
        self.heads[0].setText(tr("signals.card.live", lang))
        self.heads[1].setText(tr("signals.card.backtest", lang))
        for key, label in self.names.items():
            label.setText(tr(f"signals.card.{key}", lang))

    def show_signal(self, s: SignalView | None) -> None:
        if s is None:
            self.title.setText("")
            return
        shown = s.live or s.backtest
        days = shown.window_days if shown is not None else 30
        tag = f"  [{tr('signals.experimental', self.lang)}]" if s.experimental else ""
        self.title.setText(tr("signals.card.title", self.lang, strategy=s.strategy_label,
                              market=f"{s.symbol} {s.interval}", days=days) + tag)  # fmt: skip
        for col, card in ((1, s.live), (2, s.backtest)):
            for key, text in self._values(card).items():
                self.cells[(key, col)].setText(text)
        items = ", ".join(reason_item(k, v) for k, v in list(s.reason.items())[:8])
        self.reason.setText(tr("signals.reason", self.lang, items=items))

    @staticmethod
    def _values(card: Card | None) -> dict[str, str]:
        if card is None:
            return dict.fromkeys(ScorecardPanel.ROWS, "-")
        return {
            "signals": str(card.signals), "hit": pct(card.hit_rate), "base": pct(card.base_rate),
            "exp": f"{signed(card.expectancy_r)} / {signed(card.expectancy_net_r)}",
            "pf": "-" if card.profit_factor is None else f"{card.profit_factor:.2f}",
            "mfe": f"{signed(card.avg_mfe_r)} / {signed(card.avg_mae_r)}",
            "dd": f"{card.max_drawdown_r:.1f}", "streak": str(card.longest_losing_streak),
        }  # fmt: skip


class SignalsTab(QWidget):
    """``api`` returns the logged-in client (None before login). ``trade_requested`` carries the
    selected signal when the trader clicks 一键交易 (the app opens the futures confirmation)."""

    trade_requested = Signal(object)

    def __init__(self, api: Callable[[], ApiClient | None], lang: str = "zh") -> None:
        super().__init__()
        self.api, self.lang = api, lang
        self.runner = TaskRunner(self)
        self.rows: list[SignalView] = []
        self._build()
        self.timer = QTimer(self, interval=POLL_MS)
        self.timer.timeout.connect(self.refresh)
        self.retranslate(lang)

    def _build(self) -> None:
        self.risk = named_label("reason")
        self.risk.setWordWrap(True)
        self.symbol, self.interval = QComboBox(), QComboBox()
        self.symbol.addItems([s or "*" for s in SYMBOLS])
        self.interval.addItems([i or "*" for i in INTERVALS])
        self.refresh_button = QPushButton()
        self.status = named_label("caption")
        for box in (self.symbol, self.interval):
            box.currentIndexChanged.connect(self.refresh)
        self.refresh_button.clicked.connect(self.refresh)
        self.trade_button = QPushButton()
        self.trade_button.setEnabled(False)
        self.trade_button.clicked.connect(self._trade_clicked)
        filters = QHBoxLayout()
        for w in (self.symbol, self.interval, self.refresh_button):
            filters.addWidget(w)
        filters.addWidget(self.status, 1)
        filters.addWidget(self.trade_button)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selected)
        self.chart = SignalChart(self.lang)
        self.card = ScorecardPanel(self.lang)
        self.note = named_label("caption")
        self.note.setWordWrap(True)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.chart, 3)
        right_layout.addWidget(self.card, 2)
        right_layout.addWidget(self.note)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(right)
        split.setSizes([700, 540])
        layout = QVBoxLayout(self)
        layout.addWidget(self.risk)
        layout.addLayout(filters)
        layout.addWidget(split, 1)

    # --- data -------------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        self.timer.start()
        self.refresh()

    def hideEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().hideEvent(event)
        self.timer.stop()

    def refresh(self) -> None:
        api = self.api()
        if api is None:
            self.status.setText(tr("signals.login_first", self.lang))
            return
        symbol, interval = (
            SYMBOLS[self.symbol.currentIndex()],
            INTERVALS[self.interval.currentIndex()],
        )
        client = SignalsApi(api)
        self.runner.start(lambda: client.signals(symbol=symbol or None, interval=interval or None),
                          self.show_page, self._failed)  # fmt: skip

    def _failed(self, exc: Exception) -> None:
        message = exc.message if isinstance(exc, ApiError) and exc.message else str(exc)
        self.status.setText(tr("signals.error", self.lang, message=message))

    def show_page(self, page: SignalsPage, *, now_text: str | None = None) -> None:
        self.rows = page.signals
        self.table.setRowCount(len(self.rows))
        for r, s in enumerate(self.rows):
            for c, (text, colour) in enumerate(self._cells(s)):
                item = QTableWidgetItem(text)
                if colour:
                    item.setForeground(QColor(colour))
                self.table.setItem(r, c, item)
        stamp = now_text or datetime.now(UTC).astimezone().strftime("%H:%M:%S")
        key = "signals.updated" if self.rows else "signals.empty"
        self.status.setText(tr(key, self.lang, time=stamp, n=len(self.rows)))
        if self.rows and not self.table.selectedItems():
            self.table.selectRow(0)

    def _cells(self, s: SignalView) -> list[tuple[str, str | None]]:
        lang = self.lang
        short = s.strategy_label.replace("：", ":").split(":")[0]  # full name above the scorecard
        strategy = short + (f" · {tr('signals.experimental', lang)}" if s.experimental else "")
        record = s.record
        enough = record is not None and record.signals >= MIN_SIGNALS
        edge = tr(
            "signals.edge" if s.has_edge else "signals.no_edge" if enough else "signals.too_few",
            lang,
        )
        outcome = tr(f"signals.{s.outcome or 'open'}", lang)
        if s.outcome_r is not None:
            outcome += f" {s.outcome_r:+.2f}R"
        outcome_colour = {"tp": GREEN, "sl": RED}.get(s.outcome or "", GREY)
        return [
            (s.decision_time.astimezone().strftime("%m-%d %H:%M"), None),
            (f"{s.symbol} {s.interval}", None),
            (strategy, AMBER if s.experimental else None),
            (tr(f"signals.{s.direction}", lang), GREEN if s.direction == "LONG" else RED),
            (f"{card_short(s.record, lang)} · {edge}", GREEN if s.has_edge else GREY),
            (outcome, outcome_colour),
            (f"{float(s.confidence) * 100:.0f}%", None),
            (f"{price(s.entry_ref)} / {price(s.tp)} / {price(s.sl)}", None),
        ]

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        s = self.rows[rows[0].row()]
        self.card.show_signal(s)
        self.trade_button.setEnabled(s.outcome is None)  # a graded signal is history
        api = self.api()
        if api is None:
            return
        client = SignalsApi(api)
        self.runner.start(lambda: client.candles(s.symbol, s.interval),
                          lambda candles: self.show_chart(candles, s), self._failed)  # fmt: skip

    def selected_signal(self) -> SignalView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def _trade_clicked(self) -> None:
        s = self.selected_signal()
        if s is not None and s.outcome is None:
            self.trade_requested.emit(s)

    def show_chart(self, candles: list[Candle], s: SignalView) -> None:
        self.chart.show_signal(candles, s)

    # --- language ---------------------------------------------------------------------------
    def retranslate(self, lang: str) -> None:
        self.lang = lang
        self.chart.lang = lang
        self.risk.setText(tr("signals.risk", lang))
        self.refresh_button.setText(tr("signals.refresh", lang))
        self.trade_button.setText(tr("signals.trade", lang))
        self.trade_button.setToolTip(tr("signals.trade_tip", lang))
        self.symbol.setItemText(0, tr("signals.all", lang))
        self.interval.setItemText(0, tr("signals.all", lang))
        self.table.setHorizontalHeaderLabels([tr(f"signals.col.{c}", lang) for c in COLUMNS])
        self.note.setText(tr("signals.model_note", lang))
        self.card.retranslate(lang)
        if self.rows:
            self.show_page(SignalsPage("", self.rows))
