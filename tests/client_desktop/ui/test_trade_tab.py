"""The event-contract tab: amount validation and saving (against a live server), the live orders
table updated in place, today's counters, the last error and the auto-trading switch."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Trader
from accounts.services import trader_create
from client_desktop.core import session as sessions
from client_desktop.core.api_client import ApiClient, ApiError
from client_desktop.ui.orders_model import OrderRow
from client_desktop.ui.trade_tab import TradeTab, parse_amount

NOW = datetime(2026, 11, 22, 14, 30, tzinfo=datetime.now().astimezone().tzinfo)


def row(order_id: int, state: str = "received", when: datetime = NOW, **kw) -> OrderRow:
    fields = dict(symbol="BTCUSDT", direction="LONG", time_increment="TEN_MINUTE")
    fields.update(kw)
    return OrderRow(order_id, when, amount=Decimal("20"), state=state, **fields)


@pytest.fixture
def tab(qtbot):
    saved: list[Decimal] = []
    widget = TradeTab(save_amount=saved.append, amount=Decimal("10"))
    widget.saved = saved
    qtbot.addWidget(widget)
    yield widget
    widget.runner.wait()


@pytest.mark.parametrize(
    "text,expected",
    [
        ("5", Decimal("5")),
        ("200", Decimal("200")),
        (" 12.50 ", Decimal("12.50")),
        ("12,5", Decimal("12.5")),
        ("4.99", None),
        ("200.01", None),
        ("0", None),
        ("-10", None),
        ("10.123", None),
        ("abc", None),
        ("", None),
        ("NaN", None),
        ("Infinity", None),
    ],
)
def test_parse_amount(text, expected):
    assert parse_amount(text) == expected


def test_invalid_amount_is_refused_without_a_call(qtbot, tab):
    tab.amount_edit.setText("250")
    tab.save()
    assert tab.amount_status.text() == "金额必须在 5 到 200 USDT 之间"
    assert tab.saved == [] and not tab.runner.busy


def test_valid_amount_is_saved_and_takes_effect(qtbot, tab):
    tab.amount_edit.setText("25.5")
    with qtbot.waitSignal(tab.amount_changed, timeout=3000) as signal:
        tab.amount_save.click()
    assert signal.args == [Decimal("25.5")]
    assert tab.saved == [Decimal("25.5")]
    assert tab.amount == Decimal("25.5")
    assert tab.amount_status.text() == "金额已保存：25.50 USDT"


def test_server_refusal_is_shown(qtbot):
    def refuse(amount):
        raise ApiError("validation", "bad", 400, "order_amount out of range")

    widget = TradeTab(save_amount=refuse)
    qtbot.addWidget(widget)
    widget.amount_edit.setText("50")
    widget.save()
    qtbot.waitUntil(lambda: widget.amount_save.isEnabled() and widget.amount_status.text() != "")
    assert widget.amount_status.text() == "输入有误：order_amount out of range"
    assert widget.amount == Decimal("10")


def test_orders_table_updates_in_place_and_counts_today(tab):
    tab.show_order(row(1), now=NOW)
    tab.show_order(row(2, direction="SHORT", time_increment="ONE_HOUR"), now=NOW)
    assert tab.model.rowCount() == 2
    assert tab.counters.received == 2 and tab.counters.placed == 0
    tab.show_order(row(1, "placed", binance_order_id="9001"), now=NOW)
    failed = row(
        2, "failed", direction="SHORT", time_increment="ONE_HOUR", error="币安拒绝了下单：余额不足"
    )
    tab.show_order(failed, now=NOW)
    tab.show_order(row(3, "placed", when=NOW - timedelta(days=1)), now=NOW)  # yesterday
    assert tab.model.rowCount() == 3
    assert (tab.counters.received, tab.counters.placed, tab.counters.failed) == (2, 1, 1)
    assert tab.boxes["placed"].value.text() == "1"
    assert tab.boxes["failed"].value.text() == "1"
    texts = [
        [tab.model.data(tab.model.index(r, c)) for c in range(8)]
        for r in range(tab.model.rowCount())
    ]
    by_id = {model_row.order_id: text for model_row, text in zip(tab.model.rows, texts)}
    assert by_id[1] == ["14:30:00", "BTCUSDT", "涨", "10分钟", "20.00", "成功", "9001", ""]
    assert by_id[2][2:6] == ["跌", "1小时", "20.00", "失败"]
    assert by_id[2][7] == "币安拒绝了下单：余额不足"
    assert tab.error_label.text() == "最近错误：币安拒绝了下单：余额不足"


def test_language_switch_relabels_the_table(tab):
    tab.show_order(row(1, "skipped_expired"), now=NOW)
    tab.retranslate("en")
    model = tab.model
    headers = [model.headerData(c, model_orientation()) for c in range(8)]
    assert headers[0] == "Time" and headers[6] == "Binance order id"
    assert model.data(model.index(0, 5)) == "Expired, skipped"
    assert tab.error_label.text() == "Last error: none"


def model_orientation():
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal


def test_auto_switch_emits_and_can_be_set_quietly(qtbot, tab):
    with qtbot.waitSignal(tab.auto_toggled, timeout=1000) as signal:
        tab.auto_switch.click()
    assert signal.args == [True]
    with qtbot.assertNotEmitted(tab.auto_toggled):
        tab.set_auto(False)
    assert not tab.auto_switch.isChecked()


@pytest.mark.django_db(transaction=True)
@pytest.mark.integration
def test_amount_saved_on_a_live_server(qtbot, live_server):
    trader_create(
        username="ui_amount",
        password="pw-12345678",
        expires_at=timezone.now() + timedelta(days=3),
    )
    api = ApiClient(live_server.url)
    session = sessions.login(api, "ui_amount", "pw-12345678", "dev-ui")
    widget = TradeTab(save_amount=api.set_amount, amount=session.trader.order_amount)
    qtbot.addWidget(widget)
    widget.amount_edit.setText("37")
    with qtbot.waitSignal(widget.amount_changed, timeout=5000):
        widget.save()
    assert Trader.objects.get(username="ui_amount").order_amount == Decimal("37")
    api.close()
