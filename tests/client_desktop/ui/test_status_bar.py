"""The status bar: server state, session and binding time left (by the given clock), auto on/off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from client_desktop.ui.status_bar import StatusBar

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def make(qtbot, lang: str = "zh") -> StatusBar:
    bar = StatusBar(now=lambda: NOW, lang=lang)
    qtbot.addWidget(bar)
    return bar


def test_all_four_states(qtbot):
    bar = make(qtbot)
    bar.set_server(True)
    bar.set_session(NOW + timedelta(hours=23, minutes=5))
    bar.set_binding(True, NOW + timedelta(days=4, hours=2))
    bar.set_auto(True)
    assert bar.server.text() == "服务器：已连接"
    assert bar.session.text() == "登录剩余：23小时5分"
    assert bar.binding.text() == "币安：已绑定，剩余 4天2小时"
    assert bar.auto.text() == "自动下单：开"


def test_disconnected_unbound_and_off(qtbot):
    bar = make(qtbot)
    bar.set_session(NOW + timedelta(hours=5))
    bar.set_server(False, retry_in_s=8)
    bar.set_binding(False)
    bar.set_auto(False)
    assert bar.server.text() == "服务器：连接中断，8 秒后重试"
    assert bar.binding.text() == "币安：未绑定"
    assert bar.auto.text() == "自动下单：关"
    assert "#c62828" in bar.server.styleSheet()


def test_unknown_binding_expiry_and_english(qtbot):
    bar = make(qtbot, "en")
    bar.set_binding(True, None)
    bar.set_session(NOW + timedelta(minutes=30))
    assert bar.binding.text() == "Binance: bound"
    assert bar.session.text() == "Login left: 0 h 30 min"
    assert "#8a6d00" in bar.session.styleSheet()  # under an hour: amber
    bar.set_language("zh")
    assert bar.binding.text() == "币安：已绑定"


def test_time_left_follows_the_clock(qtbot):
    clock = [NOW]
    bar = StatusBar(now=lambda: clock[0])
    qtbot.addWidget(bar)
    bar.set_session(NOW + timedelta(hours=2))
    clock[0] = NOW + timedelta(hours=1, minutes=30)
    bar.refresh()
    assert bar.session.text() == "登录剩余：0小时30分"
    clock[0] = NOW + timedelta(hours=3)
    bar.refresh()
    assert bar.session.text() == "登录剩余：0小时0分"


def test_before_login_only_the_server_is_shown(qtbot):
    bar = make(qtbot)
    bar.set_server(True)
    bar.set_binding(True, NOW + timedelta(days=1))
    bar.set_auto(True)
    assert bar.server.text() == "服务器：已连接"
    assert bar.session.isHidden() and bar.binding.isHidden() and bar.auto.isHidden()


def test_retry_counts_down(qtbot, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr("client_desktop.ui.status_bar.time.monotonic", lambda: clock[0])
    bar = make(qtbot)
    bar.set_server(False, retry_in_s=4.2)
    assert bar.server.text() == "服务器：连接中断，5 秒后重试"
    clock[0] += 3
    bar.refresh()
    assert bar.server.text() == "服务器：连接中断，2 秒后重试"
    clock[0] += 10
    bar.refresh()
    assert bar.server.text() == "服务器：连接中断，0 秒后重试"
