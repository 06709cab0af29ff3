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


@pytest.mark.django_db(transaction=True)
@pytest.mark.integration
def test_key_dialog_and_the_api_client_against_a_live_server(qtbot, live_server, sim):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.services import trader_create
    from client_desktop.core.api_client import ApiClient
    from client_desktop.core.futures_api import FuturesApi, TradeRequest
    from client_desktop.ui.futures_key import KeyDialog
    from trading.futures_trading.services import venues

    venues.reset()
    sim.control.set_price("BTCUSDT", "50000.00")
    trader_create(username="ft_ui", password="pw-12345678",
                  expires_at=timezone.now() + timedelta(days=1))  # fmt: skip
    client = ApiClient(live_server.url)
    client.login("ft_ui", "pw-12345678", "dev-ft-ui")
    api = FuturesApi(client)
    dialog = KeyDialog(api, "zh")
    qtbot.addWidget(dialog)
    risky = sim.control.ok("POST", "/sim/futures/accounts", json={"can_withdraw": True})
    dialog.key_edit.setText(risky["api_key"])
    dialog.secret_edit.setText(risky["secret"])
    dialog.env.setCurrentIndex(dialog.env.findData("sim"))
    assert dialog.env.itemData(0) == "test"  # testnet is the default
    dialog.submit()
    qtbot.waitUntil(lambda: "提现" in dialog.status.text(), timeout=10_000)
    assert dialog.secret_edit.text() == ""
    safe = sim.control.ok("POST", "/sim/futures/accounts", json={"balance": "1250"})
    dialog.key_edit.setText(safe["api_key"])
    dialog.secret_edit.setText(safe["secret"])
    dialog.submit()
    qtbot.waitUntil(lambda: "1,250.00" in dialog.status.text(), timeout=10_000)
    assert safe["api_key"] not in dialog.status.text() and "单向持仓" in dialog.status.text()
    trade = TradeRequest("ui-1", "BTCUSDT", "LONG", Decimal("50000"), Decimal("52000"),
                         Decimal("49000"), Decimal("100"), 10)  # fmt: skip
    preview = api.preview(trade)
    assert preview.ok and preview.quantity == Decimal("0.02")
    placed = api.open(trade)
    assert placed.state == "protected"
    assert [p.symbol for p in api.positions()] == ["BTCUSDT"]
    assert api.close(placed.id).state == "closed"
    venues.reset()
