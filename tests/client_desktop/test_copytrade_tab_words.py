"""The copy tab speaks as the back office does: venue / environment / status labels instead of raw
codes, venue errors in the one catalogue's words (raw code on hover), a pop-up with the newest
failure reason, masked key fields, and Qt's own buttons in the UI language."""

from __future__ import annotations

import os
from dataclasses import replace
from decimal import Decimal

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit

from client_desktop.core.copytrade_api import LastCopy
from client_desktop.ui.copytrade.dialogs import AccountDialog
from client_desktop.ui.copytrade.tab import CopyTradeTab
from client_desktop.ui.qt_translations import apply_qt_language
from tests.client_desktop.test_copytrade_tab import FakeApi, cell, status

pytestmark = pytest.mark.ui
RAW_KEY = "[binance_spot -2015] Invalid API-key, IP, or permissions for action."
RAW_BALANCE = "[bitget 43012] Insufficient balance"


class ChangingApi(FakeApi):
    """Serves a queue of statuses, one per refresh."""

    def __init__(self, statuses) -> None:
        super().__init__()
        self.statuses = list(statuses)

    def status(self):
        self._record("status")
        return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]


def _with(base, changes):
    followers = [replace(f, **changes.get(f.id, {})) for f in base.followers]
    return replace(base, followers=followers)


@pytest.fixture
def tab_for(qtbot):
    def make(api, lang="zh"):
        widget = CopyTradeTab(api, lang=lang, poll_ms=60_000)
        widget.popups = []
        widget.show_failure_popup = lambda title, message, detail: widget.popups.append(
            (title, message, detail)
        )
        qtbot.addWidget(widget)
        with qtbot.waitSignal(widget.status_shown, timeout=5000):
            widget.show()
        return widget

    return make


def refresh(qtbot, widget) -> None:
    with qtbot.waitSignal(widget.status_shown, timeout=5000):
        widget.refresh()


@pytest.mark.parametrize(
    ("lang", "venue_env", "error"),
    [
        ("zh", "Bitget / 模拟器", "API 密钥无效、IP 未加白或权限不足"),
        ("en", "Bitget / Simulator", "Invalid API key, IP not whitelisted, or missing permission"),
    ],
)
def test_labels_and_errors_in_words_with_the_raw_error_on_hover(tab_for, lang, venue_env, error):
    base = _with(status(), {2: {"last_error": RAW_KEY}})
    widget = tab_for(ChangingApi([base]), lang)
    table = widget.followers_table
    assert cell(table, 1, 1) == venue_env
    assert cell(table, 1, 6) == error
    assert table.item(1, 6).toolTip() == RAW_KEY
    assert "FILLED" not in cell(table, 0, 5)


def test_a_new_copy_failure_pops_up_with_its_reason(qtbot, tab_for):
    failed = LastCopy("BUY", Decimal("0.1"), Decimal("5"), "FAILED", None, RAW_BALANCE, "", 10)
    first = status()
    later = _with(first, {1: {"last_copy": failed}})
    widget = tab_for(ChangingApi([first, later, later]))
    assert widget.popups == []  # nothing new on opening
    refresh(qtbot, widget)
    [(title, message, detail)] = widget.popups
    assert title == "跟单失败" and "alpha" in message and "余额不足" in message
    assert detail == RAW_BALANCE
    refresh(qtbot, widget)
    assert len(widget.popups) == 1  # the same failure pops up once


def test_a_refused_new_follower_pops_up(qtbot, tab_for):
    first = status()
    refused = _with(first, {1: {"state": "DISABLED", "last_error": RAW_KEY}})
    widget = tab_for(ChangingApi([first, refused]))
    refresh(qtbot, widget)
    [(_title, message, _detail)] = widget.popups
    assert "API 密钥无效" in message and cell(widget.followers_table, 0, 2) == "已停用"


def test_the_real_popup_is_a_message_box_with_the_detail(qtbot):
    widget = CopyTradeTab(FakeApi(), lang="zh", poll_ms=60_000)
    qtbot.addWidget(widget)
    widget.show_failure_popup("跟单失败", "alpha 最近一次跟单失败：余额不足", RAW_BALANCE)
    box = widget.failure_box
    assert box is not None and box.isVisible() and box.detailedText() == RAW_BALANCE
    box.close()


def test_key_fields_are_masked_and_the_dialog_offers_labels(qtbot):
    dialog = AccountDialog("zh", None, None)
    qtbot.addWidget(dialog)
    for edit in (dialog.key_edit, dialog.secret_edit, dialog.passphrase_edit):
        assert edit.echoMode() == QLineEdit.EchoMode.Password
    envs = [dialog.env_box.itemText(i) for i in range(dialog.env_box.count())]
    assert envs == ["主网", "测试网", "模拟盘", "模拟器"]
    dialog.choose(dialog.env_box, "demo")
    assert dialog.fields()["env"] == "demo"


def test_qt_standard_buttons_follow_the_ui_language(qapp):
    buttons = QDialogButtonBox.StandardButton
    try:
        assert apply_qt_language("zh")
        box = QDialogButtonBox(buttons.Ok | buttons.Cancel | buttons.Yes | buttons.No)
        assert [b.text() for b in box.buttons()] == ["确定", "取消", "是(&Y)", "否(&N)"]
        assert not apply_qt_language("en")
        box = QDialogButtonBox(buttons.Ok | buttons.Cancel)
        assert [b.text() for b in box.buttons()] == ["OK", "Cancel"]
    finally:
        apply_qt_language("en")
