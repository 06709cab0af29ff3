"""The Alpha tab end to end: the real app against a live test server and the simulator — log in,
bind by QR, host the session (consent), configure, accept the risk notice, start; the bot
cycles to its target (stream job + workers in-process) and the tab shows it: state, a full
progress bar, cycles and the wear chart. With ``FLEET_ALPHA_SHOT=path.png`` the finished tab is
saved (that is how docs/screenshots/alpha_live.png was made)."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.services import trader_create
from client_desktop.core.binding import QrLogin
from client_desktop.core.settings import Settings
from client_desktop.ui.app import AppConfig, AppController
from trading.alpha.inprocess import InProcess
from trading.alpha.models import AlphaBot, AlphaCredential

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


@pytest.fixture
def app(qtbot, live_server, sim, tmp_path):
    qr_login = QrLogin(env="sim")
    config = AppConfig(data_dir=tmp_path, device_id="dev-alpha-1",
                       settings=Settings(server=live_server.url),
                       qr_source=lambda: qr_login, simulator=True)  # fmt: skip
    controller = AppController(config)
    qtbot.addWidget(controller.window)
    yield controller
    controller.shutdown()
    qr_login.close()


def test_bind_host_configure_and_cycle_to_the_target(qtbot, app, sim, monkeypatch) -> None:
    token = sim.control.ok("POST", "/sim/alpha/tokens", json={"price": "0.5", "symbol": "KOGE"})
    trader_create(username="alphaflow", password="pw-12345678",
                  expires_at=timezone.now() + timedelta(days=2))  # fmt: skip
    app.login.username_edit.setText("alphaflow")
    app.login.password_edit.setText("pw-12345678")
    with qtbot.waitSignal(app.login.logged_in, timeout=10_000):
        app.login.attempt()
    qtbot.waitUntil(lambda: app.qr.state.code is not None, timeout=10_000)
    web = sim.control.ok("POST", f"/sim/web/qr/{app.qr.state.code}/confirm", json={})
    sim.control.ok("POST", f"/sim/alpha/sessions/{web['session_id']}/fund",
                   json={"balances": {"USDT": "500"}})  # fmt: skip
    qtbot.waitUntil(lambda: app.window.stack.currentWidget() is app.window.tabs, timeout=10_000)

    tab = app.alpha_tab
    app.window.tabs.setCurrentWidget(tab)
    tab.host()
    assert tab.host_status.text() == "请先勾选同意"
    tab.consent.setChecked(True)
    tab.host()
    qtbot.waitUntil(lambda: "已托管" in tab.host_status.text(), timeout=10_000)
    assert AlphaCredential.objects.get(trader__username="alphaflow").source == "desktop_qr"

    tab.token_edit.setText("KOGE")
    values = {"target_value": "25", "buy_offset": "-1", "sell_offset": "-1", "order_usdt": "10",
              "timeout_s": "60"}  # fmt: skip
    for name, value in values.items():
        tab.edits[name].setText(value)
    tab.save()
    qtbot.waitUntil(lambda: tab.snapshot.bot is not None, timeout=10_000)
    assert tab.snapshot.bot["alpha_id"] == token["alphaId"]

    monkeypatch.setattr(tab, "ask_risk", lambda notice: "违规" in notice["body_zh"])
    with InProcess():
        tab.act("start")
        qtbot.waitUntil(lambda: AlphaBot.objects.get().phase == "target_reached", timeout=40_000)
    tab.refresh()
    qtbot.waitUntil(lambda: tab.snapshot.bot["phase"] == "target_reached", timeout=10_000)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 3, timeout=10_000)
    assert "已达目标" in tab.state_label.text() and tab.progress.value() == 1000
    assert len(tab.curve.getData()[0]) == 3 and tab.stat_values["cycles"].text() == "3"
    assert set(tab.snapshot.balances) == {"USDT", token["alphaId"]}
    shot = os.environ.get("FLEET_ALPHA_SHOT")
    if shot:
        app.window.resize(1280, 860)
        qtbot.wait(200)
        app.window.grab().save(shot)
