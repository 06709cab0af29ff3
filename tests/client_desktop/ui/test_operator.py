"""Copy-trading operators: the Account-menu login mounts the copy-trading tab (only after an
operator login, only when the module is installed); log out removes it."""

from __future__ import annotations

import pytest

from client_desktop.core.settings import Settings
from client_desktop.ui import app as app_module
from client_desktop.ui.app import AppConfig, AppController
from tests.client_desktop.ui.test_qr_screen import ScriptedSource
from tests.trading.copytrade.operator_support import PASSWORD, make_operator

pytest.importorskip("client_desktop.ui.copytrade.tab")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


def controller(qtbot, tmp_path, server: str) -> AppController:
    config = AppConfig(
        data_dir=tmp_path,
        device_id="dev-op",
        settings=Settings(server=server),
        qr_source=lambda: ScriptedSource([]),
    )
    app = AppController(config)
    qtbot.addWidget(app.window)
    return app


def open_dialog(app: AppController):
    app.window.operator_actions["menu.operator_login"].trigger()
    return app.operator_dialog


def test_operator_login_mounts_the_copytrade_tab(qtbot, live_server, tmp_path, django_user_model):
    make_operator(django_user_model, "op_ui")
    app = controller(qtbot, tmp_path, live_server.url)
    assert "tab.copytrade" not in app.window.tab_keys
    dialog = open_dialog(app)
    dialog.username.setText("op_ui")
    dialog.password.setText("wrong-password")
    dialog.attempt()
    qtbot.waitUntil(
        lambda: dialog.error_label.isVisible() or not dialog.isVisible(), timeout=10_000
    )
    assert "tab.copytrade" not in app.window.tab_keys
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(dialog.logged_in, timeout=10_000):
        dialog.attempt()
    keys = ["tab.event", "signals.tab", "tab.notifications", "tab.alpha", "tab.copytrade"]
    assert app.window.tab_keys == keys
    assert app.window.stack.currentWidget() is app.window.tabs
    assert app.window.tabs.currentIndex() == 4
    assert not app.window.tabs.isTabEnabled(0)  # no trader logged in: event contracts inactive
    assert not app.window.tabs.isTabEnabled(2)  # nor the trader's notifications
    assert not app.window.tabs.isTabEnabled(3)  # nor Alpha
    assert app.window.tabs.tabText(4) == "跟单"

    app.window.operator_actions["menu.operator_logout"].trigger()
    assert app.window.tab_keys == keys[:4]
    assert app.window.stack.currentWidget() is app.login
    app.runner.wait()
    app.shutdown()


def test_menu_entry_hidden_without_the_module(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(app_module, "copytrade_parts", lambda: None)
    app = controller(qtbot, tmp_path, "http://127.0.0.1:9")
    assert not app.window.operator_actions["menu.operator_login"].isVisible()
    app.shutdown()
