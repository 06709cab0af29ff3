"""The 「Alpha 刷量」 tab offscreen: it shows a bot's state, reason, progress, balances, cycles
and wear chart; buttons follow the phase; the first start shows the risk notice and only an
acceptance starts; hosting needs a bound session and the consent box. The server is a fake
:class:`AlphaApi` (the edge this test is not about); the real API is tested server-side."""

from __future__ import annotations

from typing import Any

import pytest

from client_desktop.core.alpha_api import Snapshot, enabled_actions, wear_series
from client_desktop.ui.alpha_demo import demo_snapshot
from client_desktop.ui.alpha_tab import AlphaTab
from trading.exchanges.binance_web.auth import WebSession


class FakeAlpha:
    def __init__(self, snap: Snapshot, accepted: bool = False) -> None:
        self.snap, self.accepted, self.calls = snap, accepted, []

    def bots(self):
        return [self.snap.bot]

    def cycles(self, bot_id: int):
        return self.snap.cycles

    def balances(self, bot_id: int):
        return self.snap.balances

    def risk_notice(self):
        return {"title_zh": "风险提示", "body_zh": "违规", "accepted": self.accepted}

    def accept_risk(self):
        self.calls.append("accept")
        self.accepted = True

    def act(self, bot_id: int, action: str) -> dict[str, Any]:
        self.calls.append(action)
        return self.snap.bot | {"phase": "reconciling"}

    def host_session(self, env, session, *, consent):
        self.calls.append(("host", env, session.p20t, consent))
        return {"env": env, "status": "active"}

    def configure(self, config):
        self.calls.append(("configure", config))
        return self.snap.bot


@pytest.fixture
def tab(qtbot):
    widget = AlphaTab(lang="zh")
    qtbot.addWidget(widget)
    return widget


def test_shows_state_progress_balances_cycles_and_chart(tab) -> None:
    tab.show_snapshot(demo_snapshot(paused=True))
    assert "已暂停" in tab.state_label.text() and not tab.reason_label.isHidden()
    assert "波动" in tab.reason_label.text()
    assert tab.progress.value() == 342 and "今日积分 11" in tab.progress_text.text()
    assert tab.table.rowCount() == 14 and tab.table.item(0, 0).text() == "14"
    xs, _ = tab.curve.getData()
    assert list(xs) == list(range(1, 15))
    assert tab.token_edit.text() == "KOGE" and tab.edits["target_value"].text() == "13"
    enabled = {a for a, b in tab.buttons.items() if b.isEnabled()}
    assert enabled == {"resume", "stop", "sweep"}


def test_first_start_needs_the_risk_notice_accepted(tab, qtbot, monkeypatch) -> None:
    fake = FakeAlpha(demo_snapshot())
    fake.snap.bot["phase"] = "idle"
    tab.alpha = fake
    tab.show_snapshot(fake.snap)
    monkeypatch.setattr(tab, "ask_risk", lambda notice: False)
    tab.act("start")
    qtbot.waitUntil(lambda: not tab.runner.busy)
    assert fake.calls == []  # declined: nothing started
    monkeypatch.setattr(tab, "ask_risk", lambda notice: True)
    tab.act("start")
    qtbot.waitUntil(lambda: "start" in fake.calls)
    assert fake.calls[:2] == ["accept", "start"]


def test_hosting_needs_a_bound_session_and_consent(tab, qtbot) -> None:
    fake = FakeAlpha(demo_snapshot())
    tab.alpha = fake
    tab.host()
    assert tab.host_status.text() == "请先扫码绑定币安账号"
    tab.session_source = lambda: WebSession("csrf", "p20t-x", 1_900_000_000)
    tab.host()
    assert tab.host_status.text() == "请先勾选同意" and fake.calls == []
    tab.consent.setChecked(True)
    tab.host()
    qtbot.waitUntil(lambda: bool(fake.calls))
    assert fake.calls == [("host", "sim", "p20t-x", True)]
    qtbot.waitUntil(lambda: "已托管" in tab.host_status.text())


def test_english_and_helpers(tab) -> None:
    tab.show_snapshot(demo_snapshot(lang="en"))
    tab.retranslate("en")
    assert tab.buttons["sweep"].text() == "Sell leftover tokens"
    assert "cycle 15" in tab.state_label.text()
    assert enabled_actions("working") == {"pause", "stop"} and enabled_actions(None) == set()
    xs, ys = wear_series([{"number": 2, "cost": "1", "counted": "100"},
                          {"number": 1, "cost": "1", "counted": "100"}])  # fmt: skip
    assert xs == [1, 2] and ys == [100.0, 100.0]
