"""The desktop copy-trading tab and its Qt-free API client: the dashboard (status, followers with
balances / state, recent events), start / stop, pause / resume / verify off the GUI thread, the
operator login, errors shown in plain words — and the whole path against a live server."""

from __future__ import annotations

import os
import threading
from decimal import Decimal

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from client_desktop.core.copytrade_api import (
    CopyStatus,
    CopyTradeApi,
    EventView,
    FollowerView,
    LastCopy,
    LeaderView,
    VerifyResult,
)
from client_desktop.core.server_http import ApiError
from client_desktop.ui.copytrade.tab import CopyTradeTab

pytestmark = pytest.mark.ui


def follower(fid: int, name: str, state: str = "ACTIVE", **kw) -> FollowerView:
    return FollowerView(
        id=fid,
        name=name,
        exchange=kw.get("exchange", "binance"),
        env="sim",
        state=state,
        free_usdt=kw.get("usdt", Decimal("1000")),
        free_btc=kw.get("btc", Decimal("0.5")),
        last_error=kw.get("error", ""),
        last_copy=kw.get("last"),
    )


def status(running: bool = False, states: tuple[str, str] = ("ACTIVE", "ACTIVE")) -> CopyStatus:
    last = LastCopy("BUY", Decimal("0.1"), Decimal("12.5"), "FILLED", 37, "", "")
    return CopyStatus(
        running=running,
        leader=LeaderView("binance", "sim", True, "connected", "lead****1234"),
        followers=[
            follower(1, "alpha", states[0], last=last),
            follower(2, "beta", states[1], exchange="bitget", usdt=None, btc=None, error="bad key"),
        ],
        events=[
            EventView(9, "2026-11-22T12:00:01Z", "BUY", "L9", Decimal("12.5"), 2, 1, 1, 0, 80, "")
        ],
        p50_ms=40,
        p95_ms=80,
    )


class FakeApi:
    """The tab's edge: records calls and the thread each ran on."""

    def __init__(self, token: str | None = "op_x") -> None:
        self.token = token
        self.running = False
        self.states = ["ACTIVE", "ACTIVE"]
        self.calls: list[tuple[str, object]] = []
        self.threads: set[int] = set()
        self.fail_with: Exception | None = None

    def _record(self, name: str, arg: object = None) -> None:
        self.calls.append((name, arg))
        self.threads.add(threading.get_ident())
        if self.fail_with is not None:
            raise self.fail_with

    def login(self, username: str, password: str) -> str:
        self._record("login", username)
        if password != "right":
            raise ApiError("invalid_credentials", "wrong username or password", 401)
        self.token = "op_new"
        return self.token

    def status(self) -> CopyStatus:
        self._record("status")
        return status(self.running, (self.states[0], self.states[1]))

    def start(self) -> bool:
        self._record("start")
        self.running = True
        return True

    def stop(self) -> bool:
        self._record("stop")
        self.running = False
        return False

    def pause(self, account_id: int) -> FollowerView:
        self._record("pause", account_id)
        self.states[account_id - 1] = "PAUSED"
        return follower(account_id, "x", "PAUSED")

    def resume(self, account_id: int) -> FollowerView:
        self._record("resume", account_id)
        self.states[account_id - 1] = "ACTIVE"
        return follower(account_id, "x")

    def verify(self, account_id: int) -> VerifyResult:
        self._record("verify", account_id)
        return VerifyResult(True, Decimal("1000"), Decimal("0.5"), "", "ACTIVE")

    def create_account(self, **fields: str) -> FollowerView:
        self._record("create", fields)
        if fields["exchange"] == "bitget" and not fields.get("passphrase"):
            raise ApiError("invalid_input", "输入有误", 400, {"passphrase": ["needed"]})
        return follower(3, fields["name"])

    def update_account(self, account_id: int, **fields: str) -> FollowerView:
        self._record("update", (account_id, fields))
        return follower(account_id, fields.get("name", "x"))

    def delete_account(self, account_id: int) -> None:
        self._record("delete", account_id)


@pytest.fixture
def fake():
    return FakeApi()


@pytest.fixture
def tab(qtbot, fake):
    widget = CopyTradeTab(fake, lang="zh", poll_ms=60_000)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.status_shown, timeout=5000):
        widget.show()
    yield widget
    widget.runner.wait()


def cell(table, row: int, col: int) -> str:
    return table.item(row, col).text()


def test_dashboard_shows_status_followers_and_events(tab, fake):
    assert tab.running_label.text() == "跟单已停止"
    assert tab.start_button.isEnabled() and not tab.stop_button.isEnabled()
    assert "lead****1234" in tab.leader_label.text() and "已连接" in tab.leader_label.text()
    assert "40 / 80" in tab.latency_label.text()
    table = tab.followers_table
    assert table.rowCount() == 2
    assert [cell(table, 0, c) for c in range(5)] == [
        "alpha",
        "币安 / 模拟器",  # as the back office writes them
        "跟单中",
        "1000",
        "0.5",
    ]
    assert "买入 12.5 已成交 · 37 ms" == cell(table, 0, 5)
    assert (cell(table, 1, 3), cell(table, 1, 6)) == ("-", "bad key")
    events = tab.events_table
    assert [cell(events, 0, c) for c in range(8)] == [
        "12:00:01",
        "买入",
        "12.5%",
        "2",
        "1",
        "1",
        "0",
        "80",
    ]
    assert threading.get_ident() not in fake.threads  # the network ran off the GUI thread


def test_start_and_stop_run_off_the_gui_thread_then_refresh(qtbot, tab, fake):
    with qtbot.waitSignal(tab.status_shown, timeout=5000):
        tab.start_button.click()
    assert ("start", None) in fake.calls
    assert tab.running_label.text() == "跟单运行中" and tab.stop_button.isEnabled()
    with qtbot.waitSignal(tab.status_shown, timeout=5000):
        tab.stop_button.click()
    assert tab.running_label.text() == "跟单已停止"
    assert threading.get_ident() not in fake.threads


def test_pause_resume_verify_act_on_the_selected_follower(qtbot, tab, fake):
    tab.pause_button.click()
    assert tab.message_label.text() == "请先选择一个跟单账户"
    tab.followers_table.selectRow(1)
    with qtbot.waitSignal(tab.status_shown, timeout=5000):
        tab.pause_button.click()
    assert ("pause", 2) in fake.calls and cell(tab.followers_table, 1, 2) == "已暂停"
    assert tab.selected_follower().id == 2  # the selection survives the refresh
    with qtbot.waitSignal(tab.status_shown, timeout=5000):
        tab.resume_button.click()
    assert ("resume", 2) in fake.calls and cell(tab.followers_table, 1, 2) == "跟单中"
    with qtbot.waitSignal(tab.status_shown, timeout=5000):
        tab.verify_button.click()
    assert ("verify", 2) in fake.calls and "beta 验证通过" in tab.message_label.text()


def test_add_account_dialog_shows_refusals_and_saves(qtbot, tab, fake):
    tab.add_button.click()
    dialog = tab.account_dialog
    dialog.name_edit.setText("new-bg")
    dialog.choose(dialog.exchange_box, "bitget")
    dialog.choose(dialog.env_box, "demo")
    dialog.key_edit.setText("k-1")
    dialog.secret_edit.setText("s-1")
    with qtbot.waitSignal(tab.failed, timeout=5000):
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert "passphrase: needed" in dialog.error_label.text() and dialog.isVisible()
    dialog.passphrase_edit.setText("p-1")
    with qtbot.waitSignal(tab.status_shown, timeout=5000):
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert not dialog.isVisible() and "new-bg" in tab.message_label.text()
    sent = [arg for name, arg in fake.calls if name == "create"][-1]
    assert sent == {
        "name": "new-bg",
        "exchange": "bitget",
        "env": "demo",
        "api_key": "k-1",
        "api_secret": "s-1",
        "passphrase": "p-1",
    }


def test_edit_sends_only_changes_and_delete_asks_first(qtbot, tab, fake):
    tab.followers_table.selectRow(0)
    tab.edit_button.click()
    dialog = tab.account_dialog
    assert dialog.name_edit.text() == "alpha" and dialog.key_edit.text() == ""
    dialog.name_edit.setText("alpha-2")
    dialog.secret_edit.setText("new-secret")
    with qtbot.waitSignal(tab.status_shown, timeout=5000):
        dialog.submit()
    assert ("update", (1, {"name": "alpha-2", "api_secret": "new-secret"})) in fake.calls
    tab.followers_table.selectRow(1)
    tab.confirm = lambda question: False
    tab.delete_button.click()
    assert not [c for c in fake.calls if c[0] == "delete"]
    tab.confirm = lambda question: "beta" in question
    with qtbot.waitSignal(tab.status_shown, timeout=5000):
        tab.delete_button.click()
    assert ("delete", 2) in fake.calls and "beta" in tab.message_label.text()


def test_failures_are_shown_and_an_expired_token_returns_to_login(qtbot, tab, fake):
    fake.fail_with = ApiError("follower_disabled", "跟单账户已停用，请先验证密钥", 409)
    tab.followers_table.selectRow(0)
    with qtbot.waitSignal(tab.failed, timeout=5000):
        tab.resume_button.click()
    assert "跟单账户已停用" in tab.message_label.text() and tab.dashboard.isVisible()
    fake.fail_with = ApiError("invalid_token", "登录凭证无效", 401)
    with qtbot.waitSignal(tab.failed, timeout=5000):
        tab.refresh()
    assert tab.login_panel.isVisible() and not tab.dashboard.isVisible()
    assert fake.token is None


def test_language_switch_rerenders_the_tab(qtbot, tab):
    tab.set_language("en")
    assert tab.running_label.text() == "Copying is stopped"
    assert tab.start_button.text() == "Start copying"
    assert tab.followers_table.horizontalHeaderItem(3).text() == "Free USDT"
    assert cell(tab.followers_table, 0, 2) == "Active" and cell(tab.events_table, 0, 1) == "Buy"
    tab.set_language("zh")
    assert tab.start_button.text() == "开始跟单" and cell(tab.followers_table, 0, 2) == "跟单中"


def test_operator_login_panel(qtbot):
    fake = FakeApi(token=None)
    widget = CopyTradeTab(fake, lang="en", poll_ms=60_000)
    qtbot.addWidget(widget)
    widget.show()
    assert widget.login_panel.isVisible() and not widget.dashboard.isVisible()
    widget.username_edit.setText("op1")
    widget.password_edit.setText("wrong")
    with qtbot.waitSignal(widget.failed, timeout=5000):
        widget.login_button.click()
    assert "wrong username or password" in widget.login_message.text()
    widget.password_edit.setText("right")
    with qtbot.waitSignal(widget.status_shown, timeout=5000):
        widget.login_button.click()
    assert widget.dashboard.isVisible() and widget.running_label.text() == "Copying is stopped"
    assert widget.password_edit.text() == ""
    widget.runner.wait()


# --- against a live server ----------------------------------------------------------------------
@pytest.fixture
def live(live_server, transactional_db, django_user_model):
    from tests.trading.copytrade.operator_support import PASSWORD, make_operator

    make_operator(django_user_model, "deskop")
    api = CopyTradeApi(live_server.url, timeout=10)
    api.login("deskop", PASSWORD)
    yield api
    api.close()


@pytest.mark.integration
def test_api_client_against_a_live_server(live, sim):
    from trading.copytrade.models import Follower

    acct = sim.control.bitget_account({"USDT": "100"})
    created = live.create_account(
        name="desk-1",
        exchange="bitget",
        env="sim",
        api_key=acct["api_key"],
        api_secret=acct["api_secret"],
        passphrase=acct["passphrase"],
    )
    # added PENDING, verified against the venue right after the commit, then 跟单中
    assert created.exchange == "bitget" and created.state == "PENDING"
    assert Follower.objects.get(pk=created.id).state == "ACTIVE"
    assert [a.name for a in live.accounts()] == ["desk-1"]
    assert live.update_account(created.id, name="desk-renamed").name == "desk-renamed"
    assert live.pause(created.id).state == "PAUSED"
    assert live.resume(created.id).state == "ACTIVE"
    leader = live.set_leader(env="sim", api_key="lead-key-123456", api_secret="s")
    assert leader.exchange == "binance" and "lead-key-123456" not in leader.api_key_masked
    assert live.start() is True and live.status().running is True
    assert live.stop() is False
    with pytest.raises(ApiError) as refused:
        live.create_account(name="x", exchange="bitget", env="test", api_key="k", api_secret="s")
    assert refused.value.code == "invalid_input" and "env" in refused.value.detail
    live.delete_account(created.id)
    assert not Follower.objects.exists()
    live.logout()
    assert live.token is None


@pytest.mark.integration
def test_tab_against_a_live_server(qtbot, live, sim):
    from trading.copytrade.models import Follower, Leader

    acct = sim.control.binance_account({"USDT": "100"})
    made = live.create_account(
        name="live-1",
        exchange="binance",
        env="sim",
        api_key=acct["api_key"],
        api_secret=acct["api_secret"],
    )
    widget = CopyTradeTab(live, lang="zh", poll_ms=60_000)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.status_shown, timeout=10_000):
        widget.show()
    assert cell(widget.followers_table, 0, 0) == "live-1"
    widget.followers_table.selectRow(0)
    with qtbot.waitSignal(widget.status_shown, timeout=10_000):
        widget.pause_button.click()
    assert Follower.objects.get(pk=made.id).state == "PAUSED"
    assert cell(widget.followers_table, 0, 2) == "已暂停"
    with qtbot.waitSignal(widget.status_shown, timeout=10_000):
        widget.start_button.click()
    assert widget.running_label.text() == "跟单运行中"

    widget.add_button.click()
    dialog = widget.account_dialog
    dialog.name_edit.setText("live-bg")
    dialog.choose(dialog.exchange_box, "bitget")
    dialog.choose(dialog.env_box, "test")  # Bitget has no testnet: refused by the server
    dialog.key_edit.setText("k-live-123456")
    dialog.secret_edit.setText("s")
    dialog.passphrase_edit.setText("p")
    with qtbot.waitSignal(widget.failed, timeout=10_000):
        dialog.submit()
    assert "env" in dialog.error_label.text()
    bitget = sim.control.bitget_account({"USDT": "100"})
    dialog.choose(dialog.env_box, "sim")
    dialog.key_edit.setText(bitget["api_key"])
    dialog.secret_edit.setText(bitget["api_secret"])
    dialog.passphrase_edit.setText(bitget["passphrase"])
    with qtbot.waitSignal(widget.status_shown, timeout=10_000):
        dialog.submit()
    added = Follower.objects.get(name="live-bg")
    assert added.credential.passphrase == bitget["passphrase"] and added.state == "ACTIVE"
    assert widget.followers_table.rowCount() == 2

    widget.leader_button.click()
    leader_dialog = widget.leader_dialog
    leader_dialog.choose(leader_dialog.env_box, "sim")
    leader_dialog.key_edit.setText("live-leader-key-1")
    with qtbot.waitSignal(widget.failed, timeout=10_000):
        leader_dialog.submit()  # no secret
    assert "api_secret" in leader_dialog.error_label.text()
    leader_dialog.secret_edit.setText("live-leader-secret")
    with qtbot.waitSignal(widget.status_shown, timeout=10_000):
        leader_dialog.submit()
    leader = Leader.objects.select_related("credential").get(is_active=True)
    assert (leader.credential.environment, leader.credential.api_secret) == (
        "sim",
        "live-leader-secret",
    )
    assert "模拟器" in widget.leader_label.text()  # the environment as the admin names it
    widget.runner.wait()
