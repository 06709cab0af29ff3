"""The whole app against a live test server and the simulator: log in → QR binding screen →
confirm → trading tab → an event order placed once and shown; then the server ends the account and
the app stops trading and returns to the login window with the reason."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.services import trader_create, trader_update
from client_desktop.core.amounts import AmountRange
from client_desktop.core.binding import QrLogin
from client_desktop.core.settings import Settings
from client_desktop.ui.app import AppConfig, AppController
from client_desktop.ui.engine_bridge import default_engine_factory
from kernel.runtime_config import config_set
from orders import services as orders
from orders.models import EventSymbol

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]

PASSWORD = "pw-12345678"


@pytest.fixture
def app(qtbot, live_server, sim, tmp_path):
    qr_login = QrLogin(env="sim")
    config = AppConfig(
        data_dir=tmp_path,
        device_id="dev-flow-1",
        settings=Settings(server=live_server.url),
        qr_source=lambda: qr_login,
        engine_factory=default_engine_factory("sim"),
    )
    controller = AppController(config)
    qtbot.addWidget(controller.window)
    yield controller
    controller.shutdown()
    qr_login.close()


def log_in(qtbot, app: AppController, username: str) -> None:
    app.login.username_edit.setText(username)
    app.login.password_edit.setText(PASSWORD)
    with qtbot.waitSignal(app.login.logged_in, timeout=10_000):
        app.login.attempt()


def test_login_bind_trade_and_account_end(qtbot, app, sim):
    EventSymbol.objects.create(symbol="BTCUSDT")
    trader = trader_create(
        username="flow1",
        password=PASSWORD,
        expires_at=timezone.now() + timedelta(days=2),
        order_amount=Decimal("15"),
    )
    log_in(qtbot, app, "flow1")

    # No binding yet: the QR screen shows a code from the simulator.
    assert app.window.stack.currentWidget() is app.qr
    qtbot.waitUntil(lambda: app.qr.state.code is not None, timeout=10_000)
    assert app.status.binding.text() == "币安：未绑定"
    web = sim.control.ok("POST", f"/sim/web/qr/{app.qr.state.code}/confirm", json={})

    # Confirmed: the trading tab, bound in the status bar, auto-trading on.
    qtbot.waitUntil(lambda: app.window.stack.currentWidget() is app.window.tabs, timeout=10_000)
    assert app.status.binding.text().startswith("币安：已绑定")
    assert app.trade.amount_edit.text() == "15.00"
    assert app.window.windowTitle() == "Fleet 交易客户端 — flow1"
    qtbot.waitUntil(lambda: app.status.auto.text() == "自动下单：开", timeout=10_000)

    order = orders.order_create(symbol="BTCUSDT", direction="LONG", time_increment="TEN_MINUTE")
    qtbot.waitUntil(
        lambda: any(r.order_id == order.id and r.state == "placed" for r in app.trade.model.rows),
        timeout=20_000,
    )
    row = next(r for r in app.trade.model.rows if r.order_id == order.id)
    assert row.binance_order_id and row.amount == Decimal("15")
    qtbot.waitUntil(lambda: app.trade.boxes["placed"].value.text() == "1", timeout=5000)
    placed = sim.control.ok("GET", f"/sim/web/sessions/{web['session_id']}/event-orders")
    assert len(placed["orders"] if isinstance(placed, dict) else placed) == 1

    # The admin lets the account lapse: trading stops, back to the login window with the reason.
    trader_update(trader=trader, expires_at=timezone.now() - timedelta(minutes=1))
    qtbot.waitUntil(lambda: app.window.stack.currentWidget() is app.login, timeout=15_000)
    assert app.login.error_label.text() == "账号已过期，请联系管理员"
    assert app.session is None and app.engine is None
    assert app.trade.model.rowCount() == 0
    assert app.window.windowTitle() == "Fleet 交易客户端"


def test_session_over_24h_returns_to_login(qtbot, app):
    trader_create(
        username="flow2", password=PASSWORD, expires_at=timezone.now() + timedelta(days=2)
    )
    log_in(qtbot, app, "flow2")
    assert app.session is not None
    app.session.expires_at = app.server_now() - timedelta(seconds=1)  # 24 h have passed
    app.tick()
    assert app.window.stack.currentWidget() is app.login
    assert app.login.error_label.text() == "登录已超过24小时，请重新登录"
    assert app.status.session.isHidden() and app.status.binding.isHidden()


def test_login_fetches_the_servers_amount_range(qtbot, app):
    config_set("event_amount_min", "1")
    config_set("event_amount_max", "1000")
    trader_create(
        username="flow5",
        password=PASSWORD,
        expires_at=timezone.now() + timedelta(days=2),
        order_amount=Decimal("500"),
    )
    log_in(qtbot, app, "flow5")
    allowed = AmountRange(Decimal("1"), Decimal("1000"))
    qtbot.waitUntil(lambda: app.trade.amount_range == allowed, timeout=10_000)
    assert app.trade.amount_edit.text() == "500.00"
    app.trade.amount_edit.setText("1200")
    app.trade.save()
    assert app.trade.amount_status.text() == "金额必须在 1 到 1000 USDT 之间"


def test_language_menu_switches_every_screen(qtbot, app):
    app.window.language_actions["en"].trigger()
    assert app.login.submit.text() == "Log in"
    assert app.trade.amount_label.text() == "Order amount (USDT)"
    assert app.window.account_menu.title() == "Account"
    assert Settings.load(app.config.data_dir).language == "en"


def test_binance_login_expired_brings_back_the_qr_screen(qtbot, app, sim):
    EventSymbol.objects.create(symbol="ETHUSDT")
    trader_create(
        username="flow3", password=PASSWORD, expires_at=timezone.now() + timedelta(days=2)
    )
    log_in(qtbot, app, "flow3")
    qtbot.waitUntil(lambda: app.qr.state.code is not None, timeout=10_000)
    web = sim.control.ok("POST", f"/sim/web/qr/{app.qr.state.code}/confirm", json={})
    qtbot.waitUntil(lambda: app.window.stack.currentWidget() is app.window.tabs, timeout=10_000)

    sim.control.ok("POST", f"/sim/web/sessions/{web['session_id']}/expire")  # Binance side
    order = orders.order_create(symbol="ETHUSDT", direction="SHORT", time_increment="ONE_HOUR")
    qtbot.waitUntil(lambda: app.window.stack.currentWidget() is app.qr, timeout=20_000)
    assert app.qr.reason_label.text() == "币安登录已失效，请重新扫码绑定"
    assert app.status.binding.text() == "币安：未绑定"
    assert app.session is not None  # the login itself goes on

    # Bind again: trading resumes on the trading tab.
    qtbot.waitUntil(lambda: app.qr.state.code is not None, timeout=10_000)
    sim.control.ok("POST", f"/sim/web/qr/{app.qr.state.code}/confirm", json={})
    qtbot.waitUntil(lambda: app.window.stack.currentWidget() is app.window.tabs, timeout=10_000)
    qtbot.waitUntil(lambda: app.engine is not None and app.engine.trader.alive, timeout=5000)
    assert any(r.order_id == order.id for r in app.trade.model.rows)  # kept in the table


def test_engine_state_reaches_the_status_bar_and_tab(qtbot, app):
    from client_desktop.core.autotrader import TradingState

    trader_create(
        username="flow4", password=PASSWORD, expires_at=timezone.now() + timedelta(days=2)
    )
    log_in(qtbot, app, "flow4")
    lost = TradingState(
        running=True,
        auto_on=True,
        server_ok=False,
        retry_in_s=4.2,
        received_today=7,
        placed_today=5,
        failed_today=1,
        last_error="无法连接服务器，请检查网络和服务器地址",
    )
    app.on_engine_state(lost)
    assert app.status.server.text() == "服务器：连接中断，5 秒后重试"
    assert [app.trade.boxes[k].value.text() for k in ("received", "placed", "failed")] == [
        "7",
        "5",
        "1",
    ]
    assert app.trade.error_label.text() == "最近错误：无法连接服务器，请检查网络和服务器地址"
    app.on_engine_state(TradingState(running=True, auto_on=False, server_ok=True))
    assert app.status.server.text() == "服务器：已连接"
    assert app.status.auto.text() == "自动下单：关"
    assert not app.trade.auto_switch.isChecked()
