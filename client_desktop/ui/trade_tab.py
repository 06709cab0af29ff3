"""The event-contract tab: the order amount (5–200 USDT, saved to the server), the auto-trading
switch, the live table of received orders, today's counters and the last error in plain words."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import Signal
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

from client_desktop.core.i18n import tr
from client_desktop.ui.common import named
from client_desktop.ui.login_window import refusal_text
from client_desktop.ui.orders_model import COLUMNS, Counters, OrderRow, OrdersModel, counters_for
from client_desktop.ui.tasks import TaskRunner

AMOUNT_MIN = Decimal("5")
AMOUNT_MAX = Decimal("200")
SaveAmount = Callable[[Decimal], Any]


def parse_amount(text: str) -> Decimal | None:
    """The typed amount if it is a number within 5–200 USDT with at most 2 decimals, else None."""
    try:
        value = Decimal(text.strip().replace("，", ".").replace(",", "."))
    except InvalidOperation:
        return None
    if not value.is_finite() or value.as_tuple().exponent < -2:  # type: ignore[operator]
        return None
    return value if AMOUNT_MIN <= value <= AMOUNT_MAX else None


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
    """``save_amount`` is the blocking server call (run on the pool). Signals: the saved amount
    (takes effect at once) and the auto-trading switch."""

    amount_changed = Signal(object)
    auto_toggled = Signal(bool)

    def __init__(
        self,
        *,
        save_amount: SaveAmount,
        amount: Decimal = Decimal("10"),
        lang: str = "zh",
        device_id: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.save_amount = save_amount
        self.amount = amount
        self.lang = lang
        self.device_id = device_id
        self.runner = TaskRunner(self)
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
        self.amount_edit = QLineEdit(f"{self.amount:.2f}", maxLength=8)
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
        self._render_auto()
        for name, box in self.boxes.items():
            box.caption.setText(tr(f"trade.{name}", lang))
        if self._amount_message is not None:
            self.amount_status.setText(self._amount_message(lang))
        self._render_error()

    # --- amount ------------------------------------------------------------------------------
    def save(self) -> None:
        """Validate the typed amount and save it on the server (off the GUI thread)."""
        amount = parse_amount(self.amount_edit.text())
        if amount is None:
            self._amount_note(
                "error",
                lambda lang: tr("trade.amount_invalid", lang, low=AMOUNT_MIN, high=AMOUNT_MAX),
            )
            return
        if self.runner.busy:
            return
        self.amount_save.setEnabled(False)
        self.runner.start(
            lambda: self.save_amount(amount),
            lambda _reply: self._amount_saved(amount),
            self._amount_failed,
        )

    def _amount_saved(self, amount: Decimal) -> None:
        self.amount_save.setEnabled(True)
        self.amount = amount
        self.amount_edit.setText(f"{amount:.2f}")
        self._amount_note("ok", lambda lang: tr("trade.amount_saved", lang, amount=f"{amount:.2f}"))
        self.amount_changed.emit(amount)

    def _amount_failed(self, exc: Exception) -> None:
        self.amount_save.setEnabled(True)
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
            self.set_last_error(row.error)

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
