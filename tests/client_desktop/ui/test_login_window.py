"""The login window against a live test server: each refusal code shown in the trader's language,
the device id offered for copying, success hands over the session."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from accounts.services import trader_create, trader_set_disabled
from client_desktop.core.api_client import ApiClient
from client_desktop.ui.login_window import LoginWindow

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]

PASSWORD = "pw-12345678"
DEVICE = "dev-ui-0042"


def make_trader(username: str, days: float = 30, language: str = "zh-hans"):
    return trader_create(
        username=username,
        password=PASSWORD,
        expires_at=timezone.now() + timedelta(days=days),
        language=language,
    )


@pytest.fixture
def window(qtbot, live_server):
    win = LoginWindow(device_id=DEVICE, server=live_server.url)
    qtbot.addWidget(win)
    yield win
    win.runner.wait()


def attempt(qtbot, win: LoginWindow, username: str, password: str = PASSWORD) -> None:
    win.username_edit.setText(username)
    win.password_edit.setText(password)
    win.attempt()
    assert not win.submit.isEnabled()  # the call runs off the GUI thread
    qtbot.waitUntil(lambda: win.submit.isEnabled(), timeout=10_000)


def test_success_emits_the_session(qtbot, window):
    make_trader("ui_alice")
    window.username_edit.setText("ui_alice")
    window.password_edit.setText(PASSWORD)
    with qtbot.waitSignal(window.logged_in, timeout=10_000) as signal:
        window.attempt()
    api, session = signal.args
    assert isinstance(api, ApiClient) and api.token == session.token
    assert session.trader.username == "ui_alice"
    assert window.error_label.isHidden()
    assert window.password_edit.text() == ""  # the password is not kept in the form
    api.close()


def test_wrong_password(qtbot, window):
    make_trader("ui_bob")
    attempt(qtbot, window, "ui_bob", "not-the-password")
    assert window.error_code == "invalid_credentials"
    assert window.error_label.text() == "用户名或密码错误"


def test_expired_account_says_contact_the_admin(qtbot, window):
    make_trader("ui_old", days=-1)
    attempt(qtbot, window, "ui_old")
    assert window.error_code == "account_expired"
    assert window.error_label.text() == "账号已过期，请联系管理员"


def test_disabled_account(qtbot, window):
    trader_set_disabled(trader=make_trader("ui_off"), disabled=True)
    attempt(qtbot, window, "ui_off")
    assert window.error_label.text() == "账号已被禁用，请联系管理员"


@override_settings(APP_MODE="device_whitelist")
def test_device_not_allowed_shows_the_id_to_copy(qtbot, window, qapp):
    make_trader("ui_dora")
    attempt(qtbot, window, "ui_dora")
    assert window.error_code == "device_not_allowed"
    assert DEVICE in window.error_label.text()
    assert DEVICE in window.device_label.text()
    window.copy_device.click()
    assert qapp.clipboard().text() == DEVICE


def test_english_switch_rerenders_the_error(qtbot, window):
    make_trader("ui_eve", days=-1)
    attempt(qtbot, window, "ui_eve")
    window.retranslate("en")
    assert window.error_label.text() == (
        "Your account has expired, please contact the administrator"
    )
    assert window.submit.text() == "Log in"


def test_unreachable_server_is_a_network_error(qtbot):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    win = LoginWindow(device_id=DEVICE, server=f"http://127.0.0.1:{port}")
    qtbot.addWidget(win)
    attempt(qtbot, win, "anyone")
    assert win.error_code == "network"
    assert win.error_label.text() == "无法连接服务器，请检查网络和服务器地址"


def test_empty_fields_are_refused_without_a_call(qtbot):
    win = LoginWindow(device_id=DEVICE, server="http://127.0.0.1:9")
    qtbot.addWidget(win)
    win.attempt()
    assert win.error_code == "missing"
    assert win.submit.isEnabled() and not win.runner.busy


def test_session_end_reason_is_shown(qtbot):
    win = LoginWindow(device_id=DEVICE, server="http://127.0.0.1:9")
    qtbot.addWidget(win)
    win.show_reason("session_expired")
    assert win.error_label.text() == "登录已超过24小时，请重新登录"
    win.show_reason("account_expired")
    assert win.error_label.text() == "账号已过期，请联系管理员"
