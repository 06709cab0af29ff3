"""The OTO cycle of one bot as a pure state machine: ``step(state, event) → (state, commands)``.

No I/O: the services load the state from the bot row, call :func:`step`, persist the new state
and only then run the commands (as Celery tasks) — so a crash between the two leaves a state that
says what was intended, never a pair nobody knows about. Shape: the QR-login machine in
``trading/exchanges/binance_web/qr_machine.py``.

A cycle: ``placing`` (the pair's terms are recorded, :class:`PlacePair` is in flight) →
``working`` (BUY live, SELL pending) → ``selling`` (BUY filled, SELL live) → ``completed``
(:class:`CheckProgress` asks the venue's counted volume) → the next pair or ``target_reached``.
A timeout cancels what is left of both legs (``cancelling``); what filled counts, and base
bought in the cycle and not sold is sold (``sweeping``) before any new pair. An unknown
placement outcome, a resume and a start all go through ``reconciling``: the venue's open orders
and fills decide what happens next. :class:`PlacePair` is only ever emitted from ``completed``
with no leg known — the one-live-pair rule lives here and is tested in the tables.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from trading.alpha.core.reasons import PauseReason

ZERO = Decimal(0)


class Phase(StrEnum):
    IDLE = "idle"
    RECONCILING = "reconciling"
    PLACING = "placing"
    WORKING = "working"
    SELLING = "selling"
    CANCELLING = "cancelling"
    SWEEPING = "sweeping"
    COMPLETED = "completed"
    TARGET_REACHED = "target_reached"
    PAUSED = "paused"
    STOPPED = "stopped"


RUNNING = frozenset(
    {Phase.RECONCILING, Phase.PLACING, Phase.WORKING, Phase.SELLING, Phase.CANCELLING,
     Phase.SWEEPING, Phase.COMPLETED}
)  # fmt: skip
RESTING = frozenset({Phase.IDLE, Phase.STOPPED, Phase.TARGET_REACHED})
TIMED = frozenset({Phase.WORKING, Phase.SELLING, Phase.SWEEPING})
# Reasons under which a pause does not try to cancel the live legs: the venue would refuse
# (auth) or we were told to slow down (429 / open-order limit keep the pair; resume reconciles).
NO_CANCEL_ON_PAUSE = frozenset(
    {PauseReason.AUTH_EXPIRED, PauseReason.RATE_LIMITED, PauseReason.OPEN_ORDER_LIMIT}
)


@dataclass(frozen=True)
class BotState:
    """``cycle``: number of the current (or last) cycle; ``legs``: venue order ids of its open
    or unknown orders; ``bought`` / ``sold``: base received (net of the base fee) / sold in it."""

    phase: Phase = Phase.IDLE
    cycle: int = 0
    legs: tuple[str, ...] = ()
    bought: Decimal = ZERO
    sold: Decimal = ZERO
    reason: PauseReason | None = None
    stopping: bool = False


# --- events --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Start:
    """The trader starts the bot (or restarts it after stop / target)."""


@dataclass(frozen=True)
class PairPlaced:
    working_id: str
    pending_id: str


@dataclass(frozen=True)
class SweepPlaced:
    """The leftover SELL was accepted by the venue."""

    order_id: str


@dataclass(frozen=True)
class PlaceRefused:
    """The venue refused the pair or the leftover SELL (or our own checks did): nothing was
    placed."""

    reason: PauseReason


@dataclass(frozen=True)
class PlaceUnknown:
    """Timeout / 5xx / dropped reply: the pair may exist. Look it up, never re-send."""


@dataclass(frozen=True)
class BuyProgress:
    bought: Decimal  # cumulative base received, net of the base fee
    done: bool  # the working BUY is FILLED (the pending SELL goes live)


@dataclass(frozen=True)
class SellProgress:
    sold: Decimal  # cumulative base sold (pending SELL, or the leftover sweep)
    done: bool


@dataclass(frozen=True)
class Timeout:
    """The current leg has been live longer than the configured timeout."""


@dataclass(frozen=True)
class Settled:
    """The venue's truth after a cancel or a reconcile: orders of the cycle still open, the
    cycle's totals from its fills, and the sellable base left over (floored to the lot step,
    zero when below min-notional)."""

    open_legs: tuple[str, ...]
    bought: Decimal
    sold: Decimal
    leftover: Decimal


@dataclass(frozen=True)
class Progress:
    reached: bool


@dataclass(frozen=True)
class Pause:
    reason: PauseReason


@dataclass(frozen=True)
class Resume:
    """The trader resumes a paused bot (nothing resumes by itself)."""


@dataclass(frozen=True)
class Stop:
    """The trader stops the bot: open legs are cancelled, leftover is kept (sweep on request)."""


@dataclass(frozen=True)
class Restarted:
    """The stream process came up: frames of the bot's live orders may have been missed while
    nobody listened, and a command may have died with a worker. Reconcile before anything new
    (not while placing: that task's own redelivery resolves it, and a lookup racing the send
    could miss the pair)."""


@dataclass(frozen=True)
class Sweep:
    """One-click: sell ``qty`` leftover base of the token at the best bid, then stop."""

    qty: Decimal


# --- commands ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlacePair:
    cycle: int


@dataclass(frozen=True)
class CancelLegs:
    cycle: int
    order_ids: tuple[str, ...]


@dataclass(frozen=True)
class SellLeftover:
    cycle: int
    qty: Decimal


@dataclass(frozen=True)
class Reconcile:
    cycle: int


@dataclass(frozen=True)
class CheckProgress:
    cycle: int


@dataclass(frozen=True)
class NotifyPaused:
    reason: PauseReason


Event = (
    Start | PairPlaced | SweepPlaced | PlaceRefused | PlaceUnknown | BuyProgress | SellProgress | Timeout
    | Settled | Progress | Pause | Resume | Stop | Sweep | Restarted
)  # fmt: skip
Command = PlacePair | CancelLegs | SellLeftover | Reconcile | CheckProgress | NotifyPaused
Step = tuple[BotState, list[Command]]


def step(state: BotState, event: Event) -> Step:
    """The next state and the commands to run for ``event`` (unexpected events change nothing)."""
    handler = _HANDLERS[type(event)]
    return handler(state, event)  # type: ignore[operator]


def _same(state: BotState) -> Step:
    return state, []


def _reconcile(state: BotState, *, stopping: bool = False) -> Step:
    nxt = replace(state, phase=Phase.RECONCILING, reason=None, stopping=stopping)
    return nxt, [Reconcile(state.cycle)]


def _start(state: BotState, event: Start) -> Step:
    if state.phase not in RESTING:
        return _same(state)
    return _reconcile(state)


def _pair_placed(state: BotState, event: PairPlaced) -> Step:
    legs = (event.working_id, event.pending_id)
    if state.phase is Phase.PLACING:
        return replace(state, phase=Phase.WORKING, legs=legs), []
    if state.phase is Phase.PAUSED and not state.legs:
        return replace(state, legs=legs), []  # paused mid-placement: remember for reconcile
    return _same(state)


def _sweep_placed(state: BotState, event: SweepPlaced) -> Step:
    if state.phase is Phase.SWEEPING and not state.legs:
        return replace(state, legs=(event.order_id,)), []
    return _same(state)


def _place_refused(state: BotState, event: PlaceRefused) -> Step:
    if state.phase not in (Phase.PLACING, Phase.SWEEPING) or state.legs:
        return _same(state)
    return _pause(replace(state, legs=()), Pause(event.reason))


def _place_unknown(state: BotState, event: PlaceUnknown) -> Step:
    if state.phase not in (Phase.PLACING, Phase.SWEEPING) or state.legs:
        return _same(state)
    return _reconcile(state, stopping=state.stopping)


def _buy(state: BotState, event: BuyProgress) -> Step:
    if not state.legs:
        return _same(state)
    nxt = replace(state, bought=max(state.bought, event.bought))
    if state.phase is Phase.WORKING and event.done:
        nxt = replace(nxt, phase=Phase.SELLING)
    return nxt, []


def _sell(state: BotState, event: SellProgress) -> Step:
    if not state.legs:
        return _same(state)
    nxt = replace(state, sold=max(state.sold, event.sold))
    if event.done and state.phase in (Phase.SELLING, Phase.SWEEPING):
        return _closed(replace(nxt, legs=()))
    return nxt, []


def _closed(state: BotState) -> Step:
    """The cycle has no open order and nothing to sell: stop, or ask whether to go on."""
    if state.stopping:
        return replace(state, phase=Phase.STOPPED, legs=(), stopping=False), []
    return replace(state, phase=Phase.COMPLETED, legs=()), [CheckProgress(state.cycle)]


def _timeout(state: BotState, event: Timeout) -> Step:
    if state.phase not in TIMED or not state.legs:
        return _same(state)
    return replace(state, phase=Phase.CANCELLING), [CancelLegs(state.cycle, state.legs)]


def _settled(state: BotState, event: Settled) -> Step:
    counted = replace(state, bought=event.bought, sold=event.sold)
    if state.phase is Phase.PAUSED:
        return replace(counted, legs=event.open_legs), []
    if state.phase not in (Phase.CANCELLING, Phase.RECONCILING):
        return _same(state)
    if event.open_legs:
        nxt = replace(counted, phase=Phase.CANCELLING, legs=event.open_legs)
        return nxt, [CancelLegs(state.cycle, event.open_legs)]
    if event.leftover > 0 and not state.stopping:
        return replace(counted, phase=Phase.SWEEPING, legs=()), [
            SellLeftover(state.cycle, event.leftover)
        ]
    return _closed(counted)


def _progress(state: BotState, event: Progress) -> Step:
    if state.phase is not Phase.COMPLETED or state.legs:
        return _same(state)
    if event.reached:
        return replace(state, phase=Phase.TARGET_REACHED), []
    cycle = state.cycle + 1
    nxt = BotState(phase=Phase.PLACING, cycle=cycle)
    return nxt, [PlacePair(cycle)]


def _pause(state: BotState, event: Pause) -> Step:
    if state.phase not in RUNNING:
        return _same(state)  # already paused, or nothing running: no second notification
    commands: list[Command] = [NotifyPaused(event.reason)]
    if state.legs and event.reason not in NO_CANCEL_ON_PAUSE:
        commands.append(CancelLegs(state.cycle, state.legs))
    nxt = replace(state, phase=Phase.PAUSED, reason=event.reason, stopping=False)
    return nxt, commands


def _resume(state: BotState, event: Resume) -> Step:
    if state.phase is not Phase.PAUSED:
        return _same(state)
    return _reconcile(state)


def _stop(state: BotState, event: Stop) -> Step:
    if state.phase in RESTING:
        return _same(state)
    if state.phase is Phase.PLACING or (state.phase is Phase.PAUSED and not state.legs):
        return _reconcile(state, stopping=True)  # the venue decides what there is to cancel
    if state.legs:
        nxt = replace(state, phase=Phase.CANCELLING, reason=None, stopping=True)
        return nxt, [CancelLegs(state.cycle, state.legs)]
    return replace(state, phase=Phase.STOPPED, reason=None, stopping=False), []


def _restarted(state: BotState, event: Restarted) -> Step:
    if state.phase not in RUNNING or state.phase is Phase.PLACING:
        return _same(state)
    return _reconcile(state, stopping=state.stopping)


def _sweep(state: BotState, event: Sweep) -> Step:
    if state.legs or event.qty <= 0 or state.phase not in (RESTING | {Phase.PAUSED}):
        return _same(state)
    cycle = state.cycle + 1  # a sweep is a cycle of its own (no buy leg)
    nxt = BotState(phase=Phase.SWEEPING, cycle=cycle, stopping=True)
    return nxt, [SellLeftover(cycle, event.qty)]


_HANDLERS = {
    Start: _start,
    PairPlaced: _pair_placed,
    SweepPlaced: _sweep_placed,
    PlaceRefused: _place_refused,
    PlaceUnknown: _place_unknown,
    BuyProgress: _buy,
    SellProgress: _sell,
    Timeout: _timeout,
    Settled: _settled,
    Progress: _progress,
    Pause: _pause,
    Resume: _resume,
    Stop: _stop,
    Sweep: _sweep,
    Restarted: _restarted,
}
