"""The QR login state machine, as a table of (state, event) → (state, actions)."""

from __future__ import annotations

import pytest

from trading.exchanges.binance_web.auth import WebSession
from trading.exchanges.binance_web.mapping import QrStatus
from trading.exchanges.binance_web.qr_machine import (
    CodeIssued,
    Failed,
    FetchCode,
    Phase,
    Polled,
    PollLater,
    QrState,
    SaveSession,
    ShowCode,
    ShowError,
    ShowExpired,
    ShowScanned,
    Start,
    step,
)

S = WebSession("csrf", "p20t", 1_900_000_000)
NEED = QrState()
WAIT = QrState(Phase.WAITING, "c1")
SCAN = QrState(Phase.SCANNED, "c1")
DONE = QrState(Phase.CONFIRMED, "c1", S)
EXP = QrState(Phase.EXPIRED, "c1")

TABLE = [
    # state, event, next state, actions
    (NEED, Start(), NEED, [FetchCode()]),
    (NEED, CodeIssued("c1", "url/c1"), WAIT, [ShowCode("url/c1"), PollLater("c1")]),
    (WAIT, Polled("c1", QrStatus.NEW), WAIT, [PollLater("c1")]),
    (WAIT, Polled("c1", QrStatus.SCAN), SCAN, [ShowScanned(), PollLater("c1")]),
    (SCAN, Polled("c1", QrStatus.SCAN), SCAN, [PollLater("c1")]),
    (SCAN, Polled("c1", QrStatus.CONFIRM, S), DONE, [SaveSession(S)]),
    (WAIT, Polled("c1", QrStatus.CONFIRM, S), DONE, [SaveSession(S)]),
    (WAIT, Polled("c1", QrStatus.EXPIRED), EXP, [ShowExpired()]),
    (SCAN, Polled("c1", QrStatus.EXPIRED), EXP, [ShowExpired()]),
    (EXP, Start(), NEED, [FetchCode()]),  # refresh
    (WAIT, Polled("old", QrStatus.CONFIRM, S), WAIT, []),  # stale code ignored
    (EXP, Polled("c1", QrStatus.NEW), EXP, []),
    (DONE, Polled("c1", QrStatus.EXPIRED), DONE, []),
    (DONE, Start(), DONE, []),
    (WAIT, Start(), WAIT, []),
    (WAIT, CodeIssued("c2", "u"), WAIT, []),
    (NEED, Failed("net"), NEED, [FetchCode(delay_s=1.0)]),
    (WAIT, Failed("net"), WAIT, [PollLater("c1")]),
    (SCAN, Failed("bad", retryable=False), EXP, [ShowError("bad"), ShowExpired()]),
]


@pytest.mark.parametrize(("state", "event", "next_state", "actions"), TABLE)
def test_transition(state, event, next_state, actions) -> None:
    assert step(state, event) == (next_state, actions)


def test_a_whole_login_including_one_refresh() -> None:
    events = [
        Start(),
        CodeIssued("a", "ua"),
        Polled("a", QrStatus.NEW),
        Polled("a", QrStatus.EXPIRED),
        Start(),
        CodeIssued("b", "ub"),
        Polled("a", QrStatus.CONFIRM, S),  # late reply for the old code
        Polled("b", QrStatus.SCAN),
        Polled("b", QrStatus.CONFIRM, S),
    ]
    state, phases = QrState(), []
    for event in events:
        state, _ = step(state, event)
        phases.append(state.phase)
    assert phases[-1] is Phase.CONFIRMED and state.session == S and state.code == "b"
    assert phases[3] is Phase.EXPIRED and phases[6] is Phase.WAITING
