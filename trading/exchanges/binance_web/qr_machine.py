"""The QR login as a pure state machine (websockets-style: fed events, returns actions; no I/O).

States: ``need_code → waiting → scanned → confirmed`` or ``→ expired → (refresh) need_code``.
The driver (the desktop client) performs the actions — fetch a code, show it, poll after a
delay, save the session — and feeds back what happened. Replies for a code that is no longer
current (a slow poll after a refresh) are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from trading.exchanges.binance_web.auth import WebSession
from trading.exchanges.binance_web.constants import QR_POLL_INTERVAL_S
from trading.exchanges.binance_web.mapping import QrStatus


class Phase(StrEnum):
    NEED_CODE = "need_code"
    WAITING = "waiting"
    SCANNED = "scanned"
    CONFIRMED = "confirmed"
    EXPIRED = "expired"


@dataclass(frozen=True)
class QrState:
    phase: Phase = Phase.NEED_CODE
    code: str | None = None
    session: WebSession | None = None


# --- events ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Start:
    """Begin (or the user asked to refresh an expired code)."""


@dataclass(frozen=True)
class CodeIssued:
    code: str
    render_text: str


@dataclass(frozen=True)
class Polled:
    code: str
    status: QrStatus
    session: WebSession | None = None


@dataclass(frozen=True)
class Failed:
    """A request failed. ``retryable``: a network blip; otherwise the login cannot go on."""

    reason: str
    retryable: bool = True


# --- actions ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class FetchCode:
    delay_s: float = 0.0


@dataclass(frozen=True)
class ShowCode:
    render_text: str


@dataclass(frozen=True)
class ShowScanned:
    """The app scanned the code; ask the user to confirm on the phone."""


@dataclass(frozen=True)
class PollLater:
    code: str
    delay_s: float = QR_POLL_INTERVAL_S


@dataclass(frozen=True)
class SaveSession:
    session: WebSession


@dataclass(frozen=True)
class ShowExpired:
    """Offer "refresh QR" (send :class:`Start` again)."""


@dataclass(frozen=True)
class ShowError:
    reason: str


Event = Start | CodeIssued | Polled | Failed
Action = FetchCode | ShowCode | ShowScanned | PollLater | SaveSession | ShowExpired | ShowError
Step = tuple[QrState, list[Action]]

_ACTIVE = (Phase.WAITING, Phase.SCANNED)


def step(state: QrState, event: Event) -> Step:
    """The next state and the actions to perform for ``event``."""
    if isinstance(event, Start):
        return _start(state)
    if isinstance(event, CodeIssued):
        return _code_issued(state, event)
    if isinstance(event, Polled):
        return _polled(state, event)
    return _failed(state, event)


def _start(state: QrState) -> Step:
    if state.phase in (Phase.NEED_CODE, Phase.EXPIRED):
        return QrState(Phase.NEED_CODE), [FetchCode()]
    return state, []  # already waiting or logged in


def _code_issued(state: QrState, event: CodeIssued) -> Step:
    if state.phase is not Phase.NEED_CODE:
        return state, []
    return QrState(Phase.WAITING, event.code), [ShowCode(event.render_text), PollLater(event.code)]


def _polled(state: QrState, event: Polled) -> Step:
    if state.phase not in _ACTIVE or event.code != state.code:
        return state, []  # stale reply
    if event.status is QrStatus.CONFIRM and event.session is not None:
        return QrState(Phase.CONFIRMED, state.code, event.session), [SaveSession(event.session)]
    if event.status is QrStatus.EXPIRED:
        return QrState(Phase.EXPIRED, state.code), [ShowExpired()]
    if event.status is QrStatus.SCAN and state.phase is Phase.WAITING:
        return QrState(Phase.SCANNED, state.code), [ShowScanned(), PollLater(event.code)]
    return state, [PollLater(event.code)]


def _failed(state: QrState, event: Failed) -> Step:
    if not event.retryable:
        return QrState(Phase.EXPIRED, state.code), [ShowError(event.reason), ShowExpired()]
    if state.phase is Phase.NEED_CODE:
        return state, [FetchCode(delay_s=QR_POLL_INTERVAL_S)]
    if state.phase in _ACTIVE and state.code is not None:
        return state, [PollLater(state.code)]
    return state, []
