"""The event-contract tab: the order amount (saved to the server, within the range the server
allows), the auto-trading switch, the live table of received orders, today's counters and the last
error in plain words."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from client_desktop.core.amounts import FALLBACK, OUT_OF_RANGE, AmountRange, AmountSettings
from client_desktop.core.i18n import tr
from client_desktop.core.server_http import ApiError
from client_desktop.ui.common import named
from client_desktop.ui.login_window import refusal_text
from client_desktop.ui.orders_model import COLUMNS, Counters, OrderRow, OrdersModel, counters_for
from client_desktop.ui.tasks import TaskRunner
from trading.exchanges.venue_errors import split_detail

log = logging.getLogger("fleet.client.ui")

SaveAmount = Callable[[Decimal], Any]
FetchSettings = Callable[[], AmountSettings]


class CounterBox(QFrame):
    """One big number with a caption."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName("counter")
        self.value = named(QLabel("0"), f"counter_{name}")
        self.caption = named(QLabel(), "caption")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)


class TradeTab(QWidget):
    """``save_amount`` and ``fetch_settings`` are blocking server calls (run on the pool). The
    allowed amount range is the server's (fetched with the settings when the tab is shown, and
    taken from an ``amount_out_of_range`` refusal); :data:`FALLBACK` until the first answer.
    Signals: the saved amount (takes effect at once) and the auto-trading switch."""

    amount_changed = Signal(object)
    auto_toggled = Signal(bool)

    def __init__(
        self,
        *,
        save_amount: SaveAmount,
        fetch_settings: FetchSettings | None = None,
        amount: Decimal = Decimal("10"),
        amount_range: AmountRange = FALLBACK,
        lang: str = "zh",
        device_id: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.save_amount = save_amount
        self.fetch_settings = fetch_settings
        self.amount = amount
        self.amount_range = amount_range
        self.lang = lang
        self.device_id = device_id
        self.runner = TaskRunner(self)
        self.settings_runner = TaskRunner(self)  # its own: a refresh never holds up a save
        self.model = OrdersModel(lang)
        self.counters = Counters()
        self.last_error: str | None = None
        # Standalone, counters and last error come from the table's rows; the controller turns
        # this off when the auto-trader reports them (from the whole journal).
        self.derive_summary = True
        self._amount_message: Callable[[str], str] | None = None
        self._build()
        self.retranslate(lang)

    def _build(self) -> None:
        self.amount_label = QLabel()
        self.amount_edit = QLineEdit(f"{self.amount:.2f}")
        self.amount_edit.setFixedWidth(110)
        self.amount_save = QPushButton()
        self.amount_status = named(QLabel(), "hint")
        self.auto_switch = named(QPushButton(), "auto")
        self.auto_switch.setCheckable(True)
        self.auto_switch.setMinimumWidth(150)
        controls = QHBoxLayout()
        for widget in (self.amount_label, self.amount_edit, self.amount_save, self.amount_status):
            controls.addWidget(widget)
        controls.addStretch(1)
        controls.addWidget(self.auto_switch)
        self.boxes = {name: CounterBox(name) for name in ("received", "placed", "failed")}
        counters = QGridLayout()
        for column, box in enumerate(self.boxes.values()):
            counters.addWidget(box, 0, column)
        self.error_label = named(QLabel(wordWrap=True), "last_error")
        self.table = QTableView()
        self.table.setAlternatingRowColors(True)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)  # error
        self.table.verticalHeader().setDefaultSectionSize(28)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addLayout(counters)
        layout.addWidget(self.error_label)
        layout.addWidget(self.table, 1)
        self.amount_save.clicked.connect(self.save)
        self.amount_edit.returnPressed.connect(self.save)
        self.auto_switch.toggled.connect(self._auto_toggled)

    def _fit_columns(self) -> None:
        """Fit every column but the last (the error text stretches over the rest)."""
        for column in range(len(COLUMNS) - 1):
            self.table.resizeColumnToContents(column)

    def retranslate(self, lang: str) -> None:
        self.lang = lang
        self.model.set_language(lang)
        self._fit_columns()
        self.amount_label.setText(tr("trade.amount", lang))
        self.amount_save.setText(tr("trade.amount_save", lang))
        self._render_range()
        self._render_auto()
        for name, box in self.boxes.items():
            box.caption.setText(tr(f"trade.{name}", lang))
        if self._amount_message is not None:
            self.amount_status.setText(self._amount_message(lang))
        self._render_error()

    # --- amount range (the server's) -------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        """Coming into view: refresh the range (the admin may have changed it meanwhile)."""
        super().showEvent(event)
        self.load_settings()

    def load_settings(self) -> None:
        """Fetch the saved amount and the allowed range (off the GUI thread); a failure keeps
        the range we have."""
        if self.fetch_settings is None or self.settings_runner.busy:
            return
        self.settings_runner.start(self.fetch_settings, self.set_settings, self._settings_failed)

    def set_settings(self, settings: AmountSettings) -> None:
        """The server's settings: the range, and the amount unless the trader is typing one."""
        typing = self.amount_edit.text() != f"{self.amount:.2f}"
        self.set_amount_range(settings.range)
        self.amount = settings.order_amount
        if not typing:
            self.amount_edit.setText(f"{settings.order_amount:.2f}")

    def _settings_failed(self, exc: Exception) -> None:
        log.info("settings not loaded, keeping the amount range %s: %s", self.amount_range, exc)

    def set_amount_range(self, allowed: AmountRange) -> None:
        """The range the server allows now: validation, input length, hint and any message."""
        self.amount_range = allowed
        self._render_range()
        if self._amount_message is not None:
            self.amount_status.setText(self._amount_message(self.lang))

    def _render_range(self) -> None:
        allowed = self.amount_range
        hint = tr("trade.amount_range", self.lang, low=allowed.low_text, high=allowed.high_text)
        self.amount_edit.setMaxLength(allowed.max_length)
        self.amount_edit.setPlaceholderText(f"{allowed.low_text}–{allowed.high_text}")
        for widget in (self.amount_label, self.amount_edit):
            widget.setToolTip(hint)

    def _invalid_text(self, lang: str) -> str:
        """Rendered when shown, so a range that arrives later (or another language) rewords it."""
        allowed = self.amount_range
        return tr("trade.amount_invalid", lang, low=allowed.low_text, high=allowed.high_text)

    # --- amount ------------------------------------------------------------------------------
    def save(self) -> None:
        """Validate the typed amount and save it on the server (off the GUI thread)."""
        amount = self.amount_range.parse(self.amount_edit.text())
        if amount is None:
            self._amount_note("error", self._invalid_text)
            return
        if self.runner.busy:
            return
        self.amount_save.setEnabled(False)
        self.runner.start(
            lambda: self.save_amount(amount),
            lambda reply: self._amount_saved(amount, reply),
            self._amount_failed,
        )

    def _amount_saved(self, amount: Decimal, reply: Any) -> None:
        self.amount_save.setEnabled(True)
        fresh = AmountRange.from_settings(reply)  # the API's reply carries it; the engine's not
        if fresh is not None:
            self.set_amount_range(fresh)
        self.amount = amount
        self.amount_edit.setText(f"{amount:.2f}")
        self._amount_note("ok", lambda lang: tr("trade.amount_saved", lang, amount=f"{amount:.2f}"))
        self.amount_changed.emit(amount)

    def _amount_failed(self, exc: Exception) -> None:
        """An ``amount_out_of_range`` refusal means our range is stale: adopt the server's (its
        detail carries it; refetch if not) and say so in the range's words."""
        self.amount_save.setEnabled(True)
        if isinstance(exc, ApiError) and exc.code == OUT_OF_RANGE:
            fresh = AmountRange.from_refusal(exc.code, exc.detail)
            if fresh is None:
                self.load_settings()
            else:
                self.set_amount_range(fresh)
            self._amount_note("error", self._invalid_text)
            return
        self._amount_note("error", lambda lang: refusal_text(exc, lang, self.device_id))

    def _amount_note(self, kind: str, message: Callable[[str], str]) -> None:
        self._amount_message = message
        self.amount_status.setProperty("kind", kind)
        self.amount_status.setStyleSheet(
            "color: #c62828;" if kind == "error" else "color: #1b7f3b;"
        )
        self.amount_status.setText(message(self.lang))

    def set_amount(self, amount: Decimal) -> None:
        """The server's amount (after login / profile refresh)."""
        self.amount = amount
        self.amount_edit.setText(f"{amount:.2f}")

    # --- auto-trading, orders, counters, errors -------------------------------------------------
    def set_auto(self, on: bool) -> None:
        """Reflect the switch without re-emitting (the controller stopped trading itself)."""
        self.auto_switch.blockSignals(True)
        self.auto_switch.setChecked(on)
        self.auto_switch.blockSignals(False)
        self._render_auto()

    def _auto_toggled(self, on: bool) -> None:
        self._render_auto()
        self.auto_toggled.emit(on)

    def _render_auto(self) -> None:
        on = self.auto_switch.isChecked()
        self.auto_switch.setText(tr("trade.auto_on" if on else "trade.auto_off", self.lang))

    def show_order(self, row: OrderRow, *, now: datetime | None = None) -> None:
        """Add or update one order's row (standalone: recount today's orders from the table)."""
        self.model.upsert(row)
        self._fit_columns()
        if not self.derive_summary:
            return
        today = (now or datetime.now().astimezone()).date()
        self.set_counters(counters_for(self.model.rows, today))
        if row.error:
            self.set_last_error(split_detail(row.error)[0])

    def clear(self) -> None:
        """Logged out: no orders, no counters, no error."""
        self.model.clear()
        self.set_counters(Counters())
        self.set_last_error(None)

    def set_counters(self, counters: Counters) -> None:
        self.counters = counters
        self.boxes["received"].value.setText(str(counters.received))
        self.boxes["placed"].value.setText(str(counters.placed))
        self.boxes["failed"].value.setText(str(counters.failed))

    def set_last_error(self, text: str | None) -> None:
        """The last error in plain words (already translated by the caller), or none."""
        self.last_error = text
        self._render_error()

    def _render_error(self) -> None:
        if self.last_error:
            self.error_label.setText(tr("trade.last_error", self.lang, error=self.last_error))
            self.error_label.setStyleSheet("color: #c62828;")
        else:
            self.error_label.setText(tr("trade.no_error", self.lang))
            self.error_label.setStyleSheet("color: #5f6b7a;")
