"""The trade confirmation: a signal's levels, the trader's margin and leverage, and — from the
server's preview — the size, notional, margin used, worst-case loss at the stop and every risk
check with its numbers. Nothing is sent until 「确认下单」; the button stays disabled while a
check fails. Network calls run off the GUI thread."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from client_desktop.core.futures_api import Preview, TradeRequest, TradeRow
from client_desktop.core.i18n import tr
from client_desktop.core.server_http import ApiError
from client_desktop.ui.common import named
from client_desktop.ui.tasks import TaskRunner

OK_STYLE, FAIL_STYLE = "color:#1b7f3b", "color:#c62828"


def money(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


class TradeConfirmDialog(QDialog):
    """``api`` has ``preview(TradeRequest)`` and ``open(TradeRequest)`` (``FuturesApi``)."""

    placed = Signal(object)

    def __init__(self, api: Any, trade: TradeRequest, lang: str = "zh",
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.api, self.trade, self.lang = api, trade, lang
        self.runner = TaskRunner(self)
        self.preview: Preview | None = None
        self.setWindowTitle(tr("futures.confirm.title", lang))
        self._build()
        self.refresh()

    def _t(self, key: str, **kw: Any) -> str:
        return tr(f"futures.confirm.{key}", self.lang, **kw)

    def _build(self) -> None:
        t = self.trade
        side = tr("futures.long" if t.direction == "LONG" else "futures.short", self.lang)
        self.signal = named(QLabel(self._t("signal", symbol=t.symbol, direction=side,
                                           entry=t.entry_ref)), "title")  # fmt: skip
        self.margin_edit = QLineEdit(str(t.margin))
        self.leverage_spin = QSpinBox(minimum=1, maximum=125, value=t.leverage)
        form = QFormLayout()
        form.addRow(self._t("margin"), self.margin_edit)
        form.addRow(self._t("leverage"), self.leverage_spin)
        self.size_label = QLabel()
        self.levels = QLabel(self._t("levels", tp=t.take_profit or "-", sl=t.stop_loss or "-"))
        self.loss = named(QLabel(), "reason")
        self.checks_title = QLabel(f"<b>{self._t('checks')}</b>")
        self.checks = QLabel()
        self.checks.setWordWrap(True)
        self.notice = named(QLabel(self._t("risk")), "hint")
        self.notice.setWordWrap(True)
        self.status = named(QLabel(), "error")
        self.check_button = QPushButton(self._t("check"))
        self.submit = QPushButton(self._t("submit"), default=True)
        self.cancel = QPushButton(self._t("cancel"))
        buttons = QHBoxLayout()
        for b in (self.check_button, self.cancel, self.submit):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        for w in (self.signal, self.size_label, self.levels, self.loss):
            layout.addWidget(w)
        layout.insertLayout(1, form)
        for w in (self.checks_title, self.checks, self.notice, self.status):
            layout.addWidget(w)
        layout.addLayout(buttons)
        self.check_button.clicked.connect(self.refresh)
        self.margin_edit.textChanged.connect(self.invalidate)
        self.leverage_spin.valueChanged.connect(self.invalidate)
        self.submit.clicked.connect(self.confirm)
        self.cancel.clicked.connect(self.reject)
        self.resize(560, 520)

    def invalidate(self, *_: object) -> None:
        """Margin or leverage changed: the checks shown are stale until checked again."""
        self.preview = None
        self.submit.setEnabled(False)
        self.status.setText(self._t("stale"))

    def chosen(self) -> TradeRequest | None:
        try:
            margin = Decimal(self.margin_edit.text().strip())
        except InvalidOperation:
            return None
        return replace(self.trade, margin=margin, leverage=self.leverage_spin.value())

    def refresh(self) -> None:
        trade = self.chosen()
        if trade is None:
            self.status.setText(tr("err.validation", self.lang, detail=self._t("margin")))
            return
        self.submit.setEnabled(False)
        self.status.setText(self._t("busy"))
        self.runner.start(lambda: self.api.preview(trade), self.show_preview, self.show_error)

    def show_preview(self, preview: Preview) -> None:
        self.preview = preview
        self.size_label.setText(self._t("size", qty=preview.quantity, notional=money(preview.notional),
                                  margin=money(preview.margin)))  # fmt: skip
        self.loss.setText(self._t("loss", loss=money(preview.worst_case_loss)))
        lines = [
            f'<div style="{OK_STYLE if c.ok else FAIL_STYLE}">{"✓" if c.ok else "✗"} {c.text}</div>'
            for c in preview.checks
        ]
        self.checks.setText("".join(lines))
        self.status.setText("" if preview.ok else self._t("refused"))
        self.submit.setEnabled(preview.ok)

    def show_error(self, exc: Exception) -> None:
        text = exc.message if isinstance(exc, ApiError) and exc.message else str(exc)
        self.status.setText(text)
        self.submit.setEnabled(False)

    def confirm(self) -> None:
        trade = self.chosen()
        if trade is None or self.preview is None or not self.preview.ok:
            return
        self.submit.setEnabled(False)
        self.runner.start(lambda: self.api.open(trade), self.done_placing, self.show_error)

    def done_placing(self, row: TradeRow) -> None:
        self.status.setText(self._t("done", state=row.state_label))
        self.placed.emit(row)
        self.accept()
