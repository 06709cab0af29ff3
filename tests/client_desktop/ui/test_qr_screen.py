"""The QR binding screen driven by a scripted QR source (the network edge): shows the code,
refreshes an expired one, reports the scan, hands over the confirmed session, retries blips."""

from __future__ import annotations

import threading

import pytest

from client_desktop.ui.qr_screen import QrScreen, qr_matrix
from trading.exchanges.binance_web.auth import WebSession
from trading.exchanges.binance_web.mapping import QrStatus
from trading.exchanges.binance_web.qr_login import QrCode, QrPoll
from trading.exchanges.errors import ProtocolError, TemporaryError

SESSION = WebSession("csrf-x", "p20t-y", 1_900_000_000)


class ScriptedSource:
    """Hands out codes c1, c2, …; each poll answers the next scripted status (or raises it)."""

    def __init__(self, polls: list[QrStatus | Exception]) -> None:
        self.polls = list(polls)
        self.codes = 0
        self.polled: list[str] = []
        self.threads: set[str] = set()

    def fetch_code(self) -> QrCode:
        self.threads.add(threading.current_thread().name)
        self.codes += 1
        return QrCode(f"c{self.codes}", f"https://www.binance.com/en/qr/c{self.codes}")

    def poll(self, code: str) -> QrPoll:
        self.threads.add(threading.current_thread().name)
        self.polled.append(code)
        answer = self.polls.pop(0) if self.polls else QrStatus.NEW
        if isinstance(answer, Exception):
            raise answer
        session = SESSION if answer is QrStatus.CONFIRM else None
        return QrPoll(answer, session)


@pytest.fixture
def screen_for(qtbot):
    made: list[QrScreen] = []

    def make(source: ScriptedSource) -> QrScreen:
        screen = QrScreen(source, time_scale=0.02)
        qtbot.addWidget(screen)
        made.append(screen)
        return screen

    yield make
    for screen in made:
        screen.stop()
        screen.runner.wait()


def test_shows_the_code_then_scanned_then_hands_over_the_session(qtbot, screen_for):
    source = ScriptedSource([QrStatus.NEW, QrStatus.SCAN, QrStatus.SCAN, QrStatus.CONFIRM])
    screen = screen_for(source)
    with qtbot.waitSignal(screen.bound, timeout=5000) as signal:
        screen.start()
        qtbot.waitUntil(lambda: screen.render_text is not None, timeout=2000)
        assert not screen.image.pixmap().isNull()
        assert screen.status.text() == "等待扫码…"
        qtbot.waitUntil(lambda: screen.status_key == "qr.scanned", timeout=2000)
        assert screen.status.text() == "已扫码，请在手机上确认"
    assert signal.args == [SESSION]
    assert screen.status.text() == "绑定成功"
    assert "MainThread" not in source.threads  # network calls ran on the pool


def test_expired_code_is_replaced_by_a_fresh_one(qtbot, screen_for):
    source = ScriptedSource([QrStatus.NEW, QrStatus.EXPIRED, QrStatus.NEW, QrStatus.CONFIRM])
    screen = screen_for(source)
    with qtbot.waitSignal(screen.bound, timeout=5000):
        screen.start()
    assert source.codes == 2
    assert source.polled == ["c1", "c1", "c2", "c2"]
    assert screen.render_text is not None and screen.render_text.endswith("/c2")


def test_network_blip_is_retried(qtbot, screen_for):
    source = ScriptedSource([TemporaryError("timeout"), QrStatus.CONFIRM])
    screen = screen_for(source)
    with qtbot.waitSignal(screen.bound, timeout=5000):
        screen.start()
    assert source.polled == ["c1", "c1"]
    assert screen.error is None


def test_protocol_failure_is_shown_and_refresh_starts_over(qtbot, screen_for):
    source = ScriptedSource([ProtocolError("CONFIRM reply without csrftoken/p20t")])
    screen = screen_for(source)
    screen.start()
    qtbot.waitUntil(lambda: screen.error is not None, timeout=3000)
    assert screen.error_label.text().startswith("获取二维码失败：")
    assert source.codes == 1  # an error does not loop on new codes by itself
    source.polls = [QrStatus.CONFIRM]
    with qtbot.waitSignal(screen.bound, timeout=5000):
        screen.refresh.click()
    assert source.codes == 2


def test_logout_button_and_english(qtbot, screen_for):
    screen = screen_for(ScriptedSource([]))
    screen.retranslate("en")
    assert screen.title.text() == "Bind your Binance account"
    with qtbot.waitSignal(screen.logout, timeout=1000):
        screen.logout_button.click()


def test_qr_matrix_is_square_with_a_quiet_zone():
    matrix = qr_matrix("https://www.binance.com/en/qr/abc")
    assert len(matrix) == len(matrix[0]) >= 25
    assert not any(matrix[0]) and not any(row[0] for row in matrix)
    assert any(any(row) for row in matrix)
