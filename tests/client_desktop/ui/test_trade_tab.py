"""The event-contract tab: amount validation against the server's range and saving (against a
live server, with the admin changing the range), the live orders table updated in place, today's
counters, the last error and the auto-trading switch."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Trader
from accounts.services import trader_create
from client_desktop.core import session as sessions
from client_desktop.core.amounts import FALLBACK, AmountRange, AmountSettings
from client_desktop.core.api_client import ApiClient
from client_desktop.core.server_http import ApiError, NetworkError
from client_desktop.ui.orders_model import OrderRow
from client_desktop.ui.trade_tab import TradeTab
from kernel.runtime_config import config_set

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


def test_invalid_amount_is_refused_without_a_call(qtbot, tab):
    tab.amount_edit.setText("250")
    tab.save()
    assert tab.amount_range == FALLBACK  # no answer from the server yet
    assert tab.amount_status.text() == "金额必须在 5 到 200 USDT 之间"
    assert tab.saved == [] and not tab.runner.busy


WIDE = AmountRange(Decimal("1"), Decimal("1000"))


def test_the_servers_range_drives_validation_input_and_hints(qtbot, tab):
    fetched: list[int] = []

    def fetch() -> AmountSettings:
        fetched.append(1)
        return AmountSettings(Decimal("30"), WIDE)

    tab.fetch_settings = fetch
    tab.load_settings()
    qtbot.waitUntil(lambda: tab.amount_range == WIDE, timeout=3000)
    assert tab.amount == Decimal("30") and tab.amount_edit.text() == "30.00"
    assert tab.amount_edit.toolTip() == "允许范围：1–1000 USDT，最多两位小数"
    assert tab.amount_edit.placeholderText() == "1–1000"
    assert tab.amount_edit.maxLength() == 9
    tab.amount_edit.setText("1500")
    tab.save()
    assert tab.amount_status.text() == "金额必须在 1 到 1000 USDT 之间"
    assert tab.saved == []
    tab.retranslate("en")
    assert tab.amount_status.text() == "The amount must be between 1 and 1000 USDT"
    assert tab.amount_label.toolTip() == "Allowed: 1–1000 USDT, at most 2 decimals"
    tab.amount_edit.setText("250")  # beyond the fallback's 200
    with qtbot.waitSignal(tab.amount_changed, timeout=3000):
        tab.save()
    assert tab.saved == [Decimal("250")]
    assert fetched == [1]


def test_settings_arriving_keep_what_the_trader_is_typing(qtbot, tab):
    tab.fetch_settings = lambda: AmountSettings(Decimal("30"), WIDE)
    tab.amount_edit.setText("4")
    tab.load_settings()
    qtbot.waitUntil(lambda: tab.amount_range == WIDE, timeout=3000)
    assert tab.amount_edit.text() == "4" and tab.amount == Decimal("30")


def test_a_failed_fetch_keeps_the_range(qtbot, tab):
    def fail() -> AmountSettings:
        raise NetworkError("down")

    tab.fetch_settings = fail
    tab.load_settings()
    qtbot.waitUntil(lambda: not tab.settings_runner.busy, timeout=3000)
    assert tab.amount_range == FALLBACK and tab.amount_edit.text() == "10.00"


def test_showing_the_tab_refreshes_the_range(qtbot, tab):
    tab.fetch_settings = lambda: AmountSettings(Decimal("10"), WIDE)
    tab.show()
    qtbot.waitUntil(lambda: tab.amount_range == WIDE, timeout=3000)


def out_of_range(detail: object):
    def refuse(amount):
        raise ApiError("amount_out_of_range", "下单金额超出允许范围", 400, detail)

    return refuse


def test_an_out_of_range_refusal_brings_the_servers_range(qtbot):
    widget = TradeTab(save_amount=out_of_range({"min": "10.00", "max": "50.00"}))
    qtbot.addWidget(widget)
    widget.amount_edit.setText("100")  # fine by the fallback, not by the server
    widget.save()
    qtbot.waitUntil(lambda: widget.amount_save.isEnabled() and widget.amount_status.text() != "")
    assert widget.amount_range == AmountRange(Decimal("10"), Decimal("50"))
    assert widget.amount_status.text() == "金额必须在 10 到 50 USDT 之间"
    assert widget.amount_edit.toolTip() == "允许范围：10–50 USDT，最多两位小数"
    widget.retranslate("en")
    assert widget.amount_status.text() == "The amount must be between 10 and 50 USDT"
    assert widget.amount == Decimal("10")
    widget.save()  # now refused here, without asking the server
    assert not widget.runner.busy


def test_an_out_of_range_refusal_without_a_range_refetches_it(qtbot):
    widget = TradeTab(
        save_amount=out_of_range(None),
        fetch_settings=lambda: AmountSettings(
            Decimal("10"), AmountRange(Decimal("2"), Decimal("9"))
        ),
    )
    qtbot.addWidget(widget)
    widget.amount_edit.setText("100")
    widget.save()
    qtbot.waitUntil(lambda: widget.amount_range.high == Decimal("9"), timeout=3000)
    assert widget.amount_status.text() == "金额必须在 2 到 9 USDT 之间"
    widget.runner.wait()


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


@pytest.mark.django_db(transaction=True)
@pytest.mark.integration
def test_validation_follows_the_admin_knob_on_a_live_server(qtbot, live_server):
    trader_create(
        username="ui_range", password="pw-12345678", expires_at=timezone.now() + timedelta(days=3)
    )
    api = ApiClient(live_server.url)
    session = sessions.login(api, "ui_range", "pw-12345678", "dev-ui")
    calls: list[Decimal] = []

    def save(amount: Decimal):
        calls.append(amount)
        return api.set_amount(amount)

    widget = TradeTab(
        save_amount=save, fetch_settings=api.amount_settings, amount=session.trader.order_amount
    )
    qtbot.addWidget(widget)
    config_set("event_amount_min", "20")
    config_set("event_amount_max", "300")
    widget.load_settings()  # as at login / when the tab is shown
    qtbot.waitUntil(lambda: widget.amount_range.high == Decimal("300"), timeout=5000)
    assert widget.amount_range == AmountRange(Decimal("20"), Decimal("300"))

    widget.amount_edit.setText("250")  # refused by the fallback, allowed by the admin now
    with qtbot.waitSignal(widget.amount_changed, timeout=5000):
        widget.save()
    assert Trader.objects.get(username="ui_range").order_amount == Decimal("250")
    widget.amount_edit.setText("10")  # allowed by the fallback, below the admin's minimum
    widget.save()
    assert widget.amount_status.text() == "金额必须在 20 到 300 USDT 之间"
    assert calls == [Decimal("250")]

    # The admin narrows the range while the tab still holds the old one: the server refuses the
    # save and the tab takes the range from the refusal.
    config_set("event_amount_max", "100")
    widget.amount_edit.setText("150")
    widget.save()
    qtbot.waitUntil(lambda: widget.amount_range.high == Decimal("100"), timeout=5000)
    assert widget.amount_status.text() == "金额必须在 20 到 100 USDT 之间"
    assert calls == [Decimal("250"), Decimal("150")]
    assert Trader.objects.get(username="ui_range").order_amount == Decimal("250")
    widget.save()
    assert len(calls) == 2  # 150 is now refused without a call
    widget.runner.wait()
    api.close()
