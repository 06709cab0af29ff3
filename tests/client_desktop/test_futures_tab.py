"""The desktop futures tab (「合约交易」) and its trade confirmation, offscreen: tables, chart,
statements; the confirmation lists every risk check and allows placing only when all pass; the
Qt-free API client against a live server."""

from __future__ import annotations

import os
from dataclasses import replace
from decimal import Decimal

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from client_desktop.core.futures_api import Check, TradeRow
from client_desktop.ui.futures_confirm import TradeConfirmDialog
from client_desktop.ui.futures_demo import SIGNAL, DemoFuturesApi
from client_desktop.ui.futures_tab import FuturesTab

pytestmark = pytest.mark.ui


class Api(DemoFuturesApi):
    def __init__(self, lang: str = "zh", ok: bool = False) -> None:
        super().__init__(lang)
        self.ok, self.opened = ok, []

    def preview(self, trade):
        p = super().preview(trade)
        if self.ok:
            checks = tuple(Check(c.rule, True, c.text) for c in p.checks)
            return replace(p, ok=True, checks=checks, leverage=trade.leverage)
        return p

    def open(self, trade):
        self.opened.append(trade)
        return TradeRow(99, trade.symbol, trade.direction, "protected", "持仓中", trade.leverage,
                        Decimal("0.02"), Decimal("98248.5"), trade.stop_loss, trade.take_profit,
                        "", None, "", "2026-12-07T10:00:00Z")  # fmt: skip


def test_tab_shows_positions_trades_chart_and_statements(qtbot):
    api = Api()
    tab = FuturesTab(api, "zh")
    qtbot.addWidget(tab)
    tab.show_all((api.positions(), api.trades(), api.pnl(), api.statements()))
    assert tab.position_table.rowCount() == 2 and tab.trade_table.rowCount() == 6
    assert tab.position_table.item(0, 4).text() == "+16.77"
    assert tab.statement_table.item(0, 3).text() == "83.31"
    assert "胜率 71%" in tab.totals.text() and len(tab.chart.points) == 14
    tab.retranslate("en")
    assert tab.trade_table.horizontalHeaderItem(8).text() == "Net PnL"


def test_confirmation_refuses_while_a_check_fails(qtbot):
    api = Api(ok=False)
    dialog = TradeConfirmDialog(api, SIGNAL, "zh")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview is not None)
    assert not dialog.submit.isEnabled()
    assert "✗ 触发止损时最多亏损 30.97 USDT" in dialog.checks.text()
    assert "30.97" in dialog.loss.text() and "1,964.97" in dialog.size_label.text()
    dialog.confirm()
    assert api.opened == []


def test_confirmation_places_the_chosen_margin_and_leverage(qtbot):
    api = Api(ok=True)
    dialog = TradeConfirmDialog(api, SIGNAL, "en")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.submit.isEnabled())
    dialog.margin_edit.setText("150")
    dialog.leverage_spin.setValue(5)
    assert not dialog.submit.isEnabled()  # the shown checks are stale
    dialog.refresh()
    qtbot.waitUntil(lambda: dialog.submit.isEnabled())
    with qtbot.waitSignal(dialog.placed, timeout=5000):
        dialog.confirm()
    assert [(t.margin, t.leverage) for t in api.opened] == [(Decimal("150"), 5)]
