"""The OTO machine, one row per transition: (state, event) → (state, commands)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from trading.alpha.core.machine import (
    BotState,
    BuyProgress,
    CancelLegs,
    CheckProgress,
    NotifyPaused,
    PairPlaced,
    Pause,
    Phase,
    PlacePair,
    PlaceRefused,
    PlaceUnknown,
    Progress,
    Reconcile,
    Restarted,
    Resume,
    SellLeftover,
    SellProgress,
    Settled,
    Start,
    Stop,
    Sweep,
    SweepPlaced,
    Timeout,
    step,
)
from trading.alpha.core.reasons import PauseReason as R

P = Phase
LEGS = ("11", "12")


def S(phase: Phase, cycle: int = 3, legs=(), bought="0", sold="0", reason=None, stopping=False):
    return BotState(phase, cycle, tuple(legs), D(bought), D(sold), reason, stopping)


TABLE = [
    # start: always through reconcile (a restart after a crash looks at the venue first)
    ("start idle", S(P.IDLE, 0), Start(), S(P.RECONCILING, 0), [Reconcile(0)]),
    ("start stopped", S(P.STOPPED), Start(), S(P.RECONCILING), [Reconcile(3)]),
    ("start after target", S(P.TARGET_REACHED), Start(), S(P.RECONCILING), [Reconcile(3)]),
    (
        "start while working is nothing",
        S(P.WORKING, legs=LEGS),
        Start(),
        S(P.WORKING, legs=LEGS),
        [],
    ),
    # reconcile outcomes
    (
        "reconcile: clean → completed",
        S(P.RECONCILING),
        Settled((), D(0), D(0), D(0)),
        S(P.COMPLETED),
        [CheckProgress(3)],
    ),
    (
        "reconcile: open legs → cancel",
        S(P.RECONCILING),
        Settled(LEGS, D(5), D(0), D(0)),
        S(P.CANCELLING, legs=LEGS, bought="5"),
        [CancelLegs(3, LEGS)],
    ),
    (
        "reconcile: leftover → sweep",
        S(P.RECONCILING),
        Settled((), D(5), D(2), D(3)),
        S(P.SWEEPING, bought="5", sold="2"),
        [SellLeftover(3, D(3))],
    ),
    (
        "reconcile while stopping: leftover kept",
        S(P.RECONCILING, stopping=True),
        Settled((), D(5), D(2), D(3)),
        S(P.STOPPED, bought="5", sold="2"),
        [],
    ),
    # progress → next pair or done
    (
        "not reached → next pair",
        S(P.COMPLETED, bought="5", sold="5"),
        Progress(False),
        S(P.PLACING, 4),
        [PlacePair(4)],
    ),
    ("reached → target", S(P.COMPLETED), Progress(True), S(P.TARGET_REACHED), []),
    (
        "progress outside completed ignored",
        S(P.WORKING, legs=LEGS),
        Progress(False),
        S(P.WORKING, legs=LEGS),
        [],
    ),
    # placing
    ("placed → working", S(P.PLACING), PairPlaced("11", "12"), S(P.WORKING, legs=LEGS), []),
    (
        "refused → paused + one notice",
        S(P.PLACING),
        PlaceRefused(R.INSUFFICIENT_BALANCE),
        S(P.PAUSED, reason=R.INSUFFICIENT_BALANCE),
        [NotifyPaused(R.INSUFFICIENT_BALANCE)],
    ),
    (
        "unknown → reconcile, never re-send",
        S(P.PLACING),
        PlaceUnknown(),
        S(P.RECONCILING),
        [Reconcile(3)],
    ),
    (
        "late ack while paused is remembered",
        S(P.PAUSED, reason=R.PRICE_SWING),
        PairPlaced("11", "12"),
        S(P.PAUSED, legs=LEGS, reason=R.PRICE_SWING),
        [],
    ),
    (
        "ack after reconcile began is ignored",
        S(P.RECONCILING),
        PairPlaced("11", "12"),
        S(P.RECONCILING),
        [],
    ),
    # fills
    (
        "partial buy",
        S(P.WORKING, legs=LEGS),
        BuyProgress(D(4), False),
        S(P.WORKING, legs=LEGS, bought="4"),
        [],
    ),
    (
        "buy filled → selling",
        S(P.WORKING, legs=LEGS, bought="4"),
        BuyProgress(D("9.99"), True),
        S(P.SELLING, legs=LEGS, bought="9.99"),
        [],
    ),
    (
        "replayed older buy progress never lowers",
        S(P.WORKING, legs=LEGS, bought="9"),
        BuyProgress(D(4), False),
        S(P.WORKING, legs=LEGS, bought="9"),
        [],
    ),
    (
        "partial sell",
        S(P.SELLING, legs=LEGS, bought="10"),
        SellProgress(D(3), False),
        S(P.SELLING, legs=LEGS, bought="10", sold="3"),
        [],
    ),
    (
        "sell filled → completed",
        S(P.SELLING, legs=LEGS, bought="10"),
        SellProgress(D(10), True),
        S(P.COMPLETED, bought="10", sold="10"),
        [CheckProgress(3)],
    ),
    ("fill without legs ignored", S(P.COMPLETED), BuyProgress(D(1), True), S(P.COMPLETED), []),
    # timeouts
    (
        "timeout working → cancel both legs",
        S(P.WORKING, legs=LEGS, bought="4"),
        Timeout(),
        S(P.CANCELLING, legs=LEGS, bought="4"),
        [CancelLegs(3, LEGS)],
    ),
    (
        "timeout selling → cancel",
        S(P.SELLING, legs=LEGS, bought="10", sold="3"),
        Timeout(),
        S(P.CANCELLING, legs=LEGS, bought="10", sold="3"),
        [CancelLegs(3, LEGS)],
    ),
    (
        "timeout sweeping → cancel",
        S(P.SWEEPING, legs=("20",)),
        Timeout(),
        S(P.CANCELLING, legs=("20",)),
        [CancelLegs(3, ("20",))],
    ),
    ("timeout while placing ignored", S(P.PLACING), Timeout(), S(P.PLACING), []),
    (
        "cancelled, partial buy counted, leftover sold",
        S(P.CANCELLING, legs=LEGS, bought="4"),
        Settled((), D("4.2"), D(0), D("4.2")),
        S(P.SWEEPING, bought="4.2"),
        [SellLeftover(3, D("4.2"))],
    ),
    (
        "cancelled, nothing bought → completed",
        S(P.CANCELLING, legs=LEGS),
        Settled((), D(0), D(0), D(0)),
        S(P.COMPLETED),
        [CheckProgress(3)],
    ),
    (
        "cancel left a leg open → cancel again",
        S(P.CANCELLING, legs=LEGS),
        Settled(("12",), D(5), D(0), D(0)),
        S(P.CANCELLING, legs=("12",), bought="5"),
        [CancelLegs(3, ("12",))],
    ),
    # sweeping
    (
        "sweep accepted",
        S(P.SWEEPING, bought="4"),
        SweepPlaced("20"),
        S(P.SWEEPING, legs=("20",), bought="4"),
        [],
    ),
    (
        "sweep filled → completed",
        S(P.SWEEPING, legs=("20",), bought="4"),
        SellProgress(D(4), True),
        S(P.COMPLETED, bought="4", sold="4"),
        [CheckProgress(3)],
    ),
    (
        "sweep refused → paused",
        S(P.SWEEPING, bought="4"),
        PlaceRefused(R.ORDER_REFUSED),
        S(P.PAUSED, bought="4", reason=R.ORDER_REFUSED),
        [NotifyPaused(R.ORDER_REFUSED)],
    ),
    (
        "sweep unknown → reconcile",
        S(P.SWEEPING, bought="4"),
        PlaceUnknown(),
        S(P.RECONCILING, bought="4"),
        [Reconcile(3)],
    ),
    (
        "one-click sweep from stopped is its own cycle",
        S(P.STOPPED),
        Sweep(D(7)),
        S(P.SWEEPING, 4, stopping=True),
        [SellLeftover(4, D(7))],
    ),
    (
        "one-click sweep filled → stopped",
        S(P.SWEEPING, 4, legs=("30",), stopping=True),
        SellProgress(D(7), True),
        S(P.STOPPED, 4, sold="7"),
        [],
    ),
    (
        "no sweep while a pair lives",
        S(P.WORKING, legs=LEGS),
        Sweep(D(7)),
        S(P.WORKING, legs=LEGS),
        [],
    ),
    ("no empty sweep", S(P.STOPPED), Sweep(D(0)), S(P.STOPPED), []),
    # pauses
    (
        "swing pause cancels the legs",
        S(P.WORKING, legs=LEGS),
        Pause(R.PRICE_SWING),
        S(P.PAUSED, legs=LEGS, reason=R.PRICE_SWING),
        [NotifyPaused(R.PRICE_SWING), CancelLegs(3, LEGS)],
    ),
    (
        "auth pause cannot cancel",
        S(P.SELLING, legs=LEGS),
        Pause(R.AUTH_EXPIRED),
        S(P.PAUSED, legs=LEGS, reason=R.AUTH_EXPIRED),
        [NotifyPaused(R.AUTH_EXPIRED)],
    ),
    (
        "429 pause keeps the pair",
        S(P.WORKING, legs=LEGS),
        Pause(R.RATE_LIMITED),
        S(P.PAUSED, legs=LEGS, reason=R.RATE_LIMITED),
        [NotifyPaused(R.RATE_LIMITED)],
    ),
    (
        "pause while placing",
        S(P.PLACING),
        Pause(R.STREAM_DISCONNECTED),
        S(P.PAUSED, reason=R.STREAM_DISCONNECTED),
        [NotifyPaused(R.STREAM_DISCONNECTED)],
    ),
    (
        "second pause: no second notice",
        S(P.PAUSED, reason=R.PRICE_SWING),
        Pause(R.STREAM_SILENT),
        S(P.PAUSED, reason=R.PRICE_SWING),
        [],
    ),
    ("pause when idle does nothing", S(P.IDLE), Pause(R.TOKEN_UNAVAILABLE), S(P.IDLE), []),
    (
        "settled while paused records",
        S(P.PAUSED, legs=LEGS, reason=R.PRICE_SWING),
        Settled((), D(5), D(0), D(5)),
        S(P.PAUSED, bought="5", reason=R.PRICE_SWING),
        [],
    ),
    (
        "fills while paused are counted",
        S(P.PAUSED, legs=LEGS, reason=R.PRICE_SWING),
        BuyProgress(D(5), True),
        S(P.PAUSED, legs=LEGS, bought="5", reason=R.PRICE_SWING),
        [],
    ),
    (
        "timeout while paused ignored",
        S(P.PAUSED, legs=LEGS, reason=R.WEAR_CAP),
        Timeout(),
        S(P.PAUSED, legs=LEGS, reason=R.WEAR_CAP),
        [],
    ),
    (
        "resume → reconcile first",
        S(P.PAUSED, legs=LEGS, reason=R.PRICE_SWING),
        Resume(),
        S(P.RECONCILING, legs=LEGS),
        [Reconcile(3)],
    ),
    ("resume when not paused", S(P.WORKING, legs=LEGS), Resume(), S(P.WORKING, legs=LEGS), []),
    # stop
    (
        "stop working → cancel, then stopped",
        S(P.WORKING, legs=LEGS),
        Stop(),
        S(P.CANCELLING, legs=LEGS, stopping=True),
        [CancelLegs(3, LEGS)],
    ),
    (
        "stopping: settled with leftover → stopped",
        S(P.CANCELLING, legs=LEGS, stopping=True),
        Settled((), D(5), D(0), D(5)),
        S(P.STOPPED, bought="5"),
        [],
    ),
    (
        "stop placing → reconcile decides",
        S(P.PLACING),
        Stop(),
        S(P.RECONCILING, stopping=True),
        [Reconcile(3)],
    ),
    (
        "stop paused without legs → reconcile",
        S(P.PAUSED, reason=R.WEAR_CAP),
        Stop(),
        S(P.RECONCILING, stopping=True),
        [Reconcile(3)],
    ),
    ("stop completed", S(P.COMPLETED), Stop(), S(P.STOPPED), []),
    ("stop stopped", S(P.STOPPED), Stop(), S(P.STOPPED), []),
    # restart of the stream process: reconcile what may have been missed
    (
        "restart working → reconcile",
        S(P.WORKING, legs=LEGS),
        Restarted(),
        S(P.RECONCILING, legs=LEGS),
        [Reconcile(3)],
    ),
    (
        "restart reconciling → reconcile again",
        S(P.RECONCILING),
        Restarted(),
        S(P.RECONCILING),
        [Reconcile(3)],
    ),
    (
        "restart completed (progress lost) → reconcile",
        S(P.COMPLETED),
        Restarted(),
        S(P.RECONCILING),
        [Reconcile(3)],
    ),
    (
        "restart keeps stopping",
        S(P.CANCELLING, legs=LEGS, stopping=True),
        Restarted(),
        S(P.RECONCILING, legs=LEGS, stopping=True),
        [Reconcile(3)],
    ),
    ("restart placing: its own task resolves it", S(P.PLACING), Restarted(), S(P.PLACING), []),
    (
        "restart paused: stays paused",
        S(P.PAUSED, reason=R.WEAR_CAP),
        Restarted(),
        S(P.PAUSED, reason=R.WEAR_CAP),
        [],
    ),
]


@pytest.mark.parametrize(
    ("state", "event", "expected", "commands"),
    [row[1:] for row in TABLE],
    ids=[row[0] for row in TABLE],
)
def test_transition(state, event, expected, commands) -> None:
    assert step(state, event) == (expected, commands)


def test_every_event_has_a_row() -> None:
    covered = {type(row[2]) for row in TABLE}
    from trading.alpha.core import machine

    assert covered == set(machine._HANDLERS)


EVENTS = [Start(), PairPlaced("a", "b"), SweepPlaced("c"), PlaceRefused(R.ORDER_REFUSED),
          PlaceUnknown(), BuyProgress(D(1), True), SellProgress(D(1), True), Timeout(),
          Settled((), D(1), D(1), D(0)), Settled(("x",), D(0), D(0), D(0)),
          Settled((), D(1), D(0), D(1)), Progress(False), Progress(True),
          Pause(R.PRICE_SWING), Resume(), Stop(), Sweep(D(1)), Restarted()]  # fmt: skip


def test_a_new_pair_only_from_completed_with_no_leg_known() -> None:
    """Explore every reachable state: PlacePair never comes while a leg may be live."""
    seen, frontier = set(), [BotState()]
    while frontier and len(seen) < 5000:
        state = frontier.pop()
        if state in seen:
            continue
        seen.add(state)
        for event in EVENTS:
            nxt, commands = step(state, event)
            if any(isinstance(c, PlacePair) for c in commands):
                assert state.phase is Phase.COMPLETED and not state.legs, (state, event)
                assert nxt.phase is Phase.PLACING and not nxt.legs
            notices = [c for c in commands if isinstance(c, NotifyPaused)]
            assert len(notices) <= 1 and (not notices or state.phase is not Phase.PAUSED)
            if nxt.cycle <= 6:
                frontier.append(nxt)
    assert len(seen) > 30
