"""The per-order placement policy, as a table of (order, event) → (order, commands)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from client_desktop.core import journal as j
from client_desktop.core import order_machine as om
from client_desktop.core.order_machine import (
    Busy,
    Deliver,
    Do,
    Fail,
    Finish,
    IdFound,
    LimitReached,
    LookupFailed,
    LookupFound,
    LookupMissing,
    MarkUnknown,
    OfferRead,
    OpenCounted,
    Order,
    Paused,
    Phase,
    Placed,
    Reject,
    Rejected,
    Resume,
    Send,
    SessionLost,
    TermsRefused,
    Unknown,
    Wait,
    Waited,
    Words,
)

D = Decimal
FLOOR = D("0.80")
NEW = Order(j.RECEIVED, FLOOR)
OFFER = replace(NEW, phase=Phase.OFFER, placing=True)
SENT = replace(
    OFFER, phase=Phase.SENDING, state=j.PLACING, offer=D("0.85"), ratio=D("0.85"), attempt=1
)
FLOOR_SENT = replace(SENT, offer=None, ratio=FLOOR)
LAST = replace(SENT, attempt=om.SEND_ATTEMPTS)
REREAD = replace(SENT, reread=True, attempt=2)
LOOK1 = replace(SENT, phase=Phase.LOOKING, state=j.UNKNOWN, looks=1)
LOOK3 = replace(LOOK1, looks=3, answered=2)
RESTART = Order(j.PLACING, FLOOR)  # in flight when the client stopped
RLOOK1 = replace(RESTART, phase=Phase.LOOKING, looks=1)
RLOOK3 = replace(RLOOK1, looks=3)


def done(order: Order, **changes) -> Order:
    return replace(order, phase=Phase.DONE, **changes)


CLOSE = [Do.ROW, Do.REPORT]  # a placement run shows its final row and reports it
FLOOR_WORDS = Words("eo.payout_floor", (("offer", D("0.70")), ("floor", FLOOR)))

TABLE = [
    # order, event, next order, commands
    # delivered: skipped when expired, parked while unbound, else the offer is read
    (
        NEW,
        Deliver(valid=False, bound=True),
        done(NEW, state=j.SKIPPED),
        [Do.SKIP, Do.ROW, Do.REPORT],
    ),
    (NEW, Deliver(valid=True, bound=False), done(NEW), []),
    (NEW, Deliver(valid=True, bound=True), OFFER, [Do.READ_OFFER]),
    (RESTART, Deliver(valid=True, bound=True), done(RESTART), []),  # only received is placed
    # the offer decides the ratio: the offer at/above the floor, the floor when unreadable
    (OFFER, OfferRead(D("0.85")), SENT, [Do.MARK_SENDING, Send(D("0.85"))]),
    (OFFER, OfferRead(None), FLOOR_SENT, [Do.MARK_SENDING, Send(FLOOR)]),
    (
        OFFER,
        OfferRead(D("0.70")),
        done(OFFER, state=j.FAILED, offer=D("0.70"), attempt=1),
        [Fail("payout_below_floor", FLOOR_WORDS), *CLOSE],
    ),
    # send outcomes
    (SENT, Placed("b1", 40), done(SENT, state=j.PLACED), [Finish("b1", 40), *CLOSE]),
    (SENT, Placed("", 40), replace(SENT, phase=Phase.FINDING_ID, latency_ms=40), [Do.FIND_ID]),
    (
        replace(SENT, phase=Phase.FINDING_ID, latency_ms=40),
        IdFound("b2"),
        done(SENT, state=j.PLACED, latency_ms=40),
        [Finish("b2", 40), *CLOSE],
    ),
    (
        SENT,
        Rejected("binance_93420002", "余额不足", "余额不足 — [x]"),
        done(SENT, state=j.FAILED),
        [Reject("binance_93420002", "余额不足", "余额不足 — [x]"), *CLOSE],
    ),
    (
        SENT,
        SessionLost("login expired"),
        done(SENT, state=j.FAILED),
        [Do.INVALIDATE, Fail("binance_session_expired", "login expired"), *CLOSE],
    ),
    (
        SENT,
        LimitReached("binance_93420018"),
        replace(SENT, phase=Phase.COUNTING, refusal=("binance_93420018", "")),
        [Do.COUNT_OPEN],
    ),
    (
        replace(SENT, phase=Phase.COUNTING, refusal=("binance_93420018", "")),
        OpenCounted(None),
        done(SENT, state=j.FAILED, refusal=("binance_93420018", "")),
        [
            Fail(
                "binance_93420018",
                Words("eo.open_count", (("n", "?"), ("limit", 5))),
                words="binance_open_order_limit",
            ),
            *CLOSE,
        ],
    ),
    # a lost reply is looked up, never re-sent
    (SENT, Unknown("timeout"), LOOK1, [MarkUnknown("timeout"), Do.ROW, Do.LOOKUP]),
    # refusals that executed nothing: waited out and sent again while valid, 5 sends at most
    (
        SENT,
        Busy("rate_limited", "429", 2.0),
        replace(SENT, phase=Phase.BACKOFF, refusal=("rate_limited", "429")),
        [Wait(2.0)],
    ),
    (
        replace(SENT, attempt=3),
        Busy("binance_network", "reset"),
        replace(SENT, phase=Phase.BACKOFF, attempt=3, refusal=("binance_network", "reset")),
        [Wait(1.5)],
    ),
    (
        replace(SENT, phase=Phase.BACKOFF, refusal=("rate_limited", "429")),
        Waited(go_on=True),
        replace(SENT, attempt=2, refusal=("rate_limited", "429")),
        [Do.MARK_SENDING, Send(D("0.85"))],
    ),
    (
        replace(SENT, phase=Phase.BACKOFF, refusal=("rate_limited", "429")),
        Waited(go_on=False),
        done(SENT, state=j.FAILED, refusal=("rate_limited", "429")),
        [Fail("rate_limited", "429"), *CLOSE],
    ),
    (
        LAST,
        Busy("rate_limited", "429", 2.0),
        done(LAST, state=j.FAILED),
        [Fail("rate_limited", "429"), *CLOSE],
    ),
    # a stale payout: the offer is read again once, sent again only when it moved
    (
        SENT,
        TermsRefused("binance_93420010", "binance_93420010 stale"),
        replace(SENT, phase=Phase.REOFFER, refusal=("binance_93420010", "binance_93420010 stale")),
        [Do.READ_OFFER],
    ),
    (
        replace(SENT, phase=Phase.REOFFER, refusal=("binance_93420010", "m")),
        OfferRead(D("0.90")),
        replace(
            SENT,
            attempt=2,
            offer=D("0.90"),
            ratio=D("0.90"),
            reread=True,
            refusal=("binance_93420010", "m"),
        ),
        [Do.MARK_SENDING, Send(D("0.90"))],
    ),
    (
        replace(SENT, phase=Phase.REOFFER, refusal=("binance_93420010", "m")),
        OfferRead(D("0.85")),
        done(SENT, state=j.FAILED, refusal=("binance_93420010", "m")),
        [Fail("binance_93420010", "m", words="payout_changed"), *CLOSE],
    ),
    (
        replace(SENT, phase=Phase.REOFFER, refusal=("binance_93420010", "m")),
        OfferRead(None),
        done(SENT, state=j.FAILED, refusal=("binance_93420010", "m")),
        [Fail("binance_93420010", "m", words="payout_changed"), *CLOSE],
    ),
    (
        REREAD,
        TermsRefused("binance_93420010", "again"),
        done(REREAD, state=j.FAILED),
        [Fail("binance_93420010", "again", words="payout_changed"), *CLOSE],
    ),
    (
        replace(LAST, phase=Phase.REOFFER, refusal=("c", "m")),
        OfferRead(D("0.90")),
        done(LAST, offer=D("0.90"), ratio=D("0.90"), reread=True, refusal=("c", "m")),
        [Do.ROW],  # no sixth send: the order stays ``placing``
    ),
    # resolving during a placement: found → placed; the run then closes (row and report again)
    (
        LOOK1,
        LookupFound("b3", 900),
        done(LOOK1, state=j.PLACED),
        [Finish("b3", 900), Do.ROW, Do.REPORT, *CLOSE],
    ),
    (LOOK1, LookupMissing(), replace(LOOK1, phase=Phase.PAUSED, answered=1), [Do.PAUSE]),
    (LOOK1, LookupFailed(), replace(LOOK1, phase=Phase.PAUSED), [Do.PAUSE]),
    (
        replace(LOOK1, phase=Phase.PAUSED),
        Paused(stopped=False),
        replace(LOOK1, looks=2),
        [Do.LOOKUP],
    ),
    (replace(LOOK1, phase=Phase.PAUSED), Paused(stopped=True), done(LOOK1), [Do.ROW]),
    (LOOK1, SessionLost(""), done(LOOK1), [Do.INVALIDATE, Do.ROW]),
    (
        LOOK3,
        LookupMissing(),
        done(LOOK3, state=j.FAILED, answered=3),
        [Fail("binance_not_found", timed=False), Do.ROW, Do.REPORT, *CLOSE],
    ),
    (replace(LOOK3, answered=0), LookupFailed(), done(LOOK3, answered=0), [Do.ROW]),
    # resolving after a restart: never sent again, marked unknown after the last look
    (RESTART, Resume(bound=False), done(RESTART), []),
    (NEW, Resume(bound=True), done(NEW), []),
    (RESTART, Resume(bound=True), RLOOK1, [Do.LOOKUP]),
    (
        RLOOK1,
        LookupFound("b4", 5),
        done(RLOOK1, state=j.PLACED),
        [Finish("b4", 5), Do.ROW, Do.REPORT],
    ),
    (
        RLOOK3,
        LookupMissing(),
        done(RLOOK3, state=j.FAILED, answered=1),
        [
            MarkUnknown("in flight at restart"),
            Fail("binance_not_found", timed=False),
            Do.ROW,
            Do.REPORT,
        ],
    ),
    (RLOOK3, LookupFailed(), done(RLOOK3, state=j.UNKNOWN), [MarkUnknown("in flight at restart")]),
    (
        replace(RLOOK3, state=j.UNKNOWN),
        LookupFailed(),
        done(RLOOK3, state=j.UNKNOWN),
        [],
    ),
    # events that do not belong to the phase change nothing
    (SENT, OfferRead(D("0.9")), SENT, []),
    (done(SENT), Placed("b9", 1), done(SENT), []),
    (OFFER, LookupFound("b9", 1), OFFER, []),
]


@pytest.mark.parametrize(("order", "event", "next_order", "commands"), TABLE)
def test_transition(order, event, next_order, commands) -> None:
    assert om.step(order, event) == (next_order, commands)


@pytest.mark.parametrize(("order", "event", "next_order", "commands"), TABLE)
def test_a_step_asks_at_most_once_and_last(order, event, next_order, commands) -> None:
    """The driver feeds back the answer to the last command only: an asking command elsewhere
    would be lost."""
    asking = [i for i, c in enumerate(commands) if om.asks(c)]
    assert asking in ([], [len(commands) - 1])
    if (next_order, commands) == (order, []):
        return  # an event ignored in its phase: the run waits for the answer it asked for
    # a step that asks nothing ends the run; one that asks keeps it going
    assert (next_order.phase is Phase.DONE) == (asking == [])


def test_a_placement_never_sends_more_than_the_attempts() -> None:
    """Rate limited on every send: five sends, then failed — never a sixth."""
    order, commands = om.step(OFFER, OfferRead(None))
    sends = 0
    while order.phase is not Phase.DONE:
        ask = commands[-1]
        if isinstance(ask, Send):
            sends += 1
            order, commands = om.step(order, Busy("rate_limited", "429", 0.1))
        else:
            order, commands = om.step(order, Waited(go_on=True))
    assert sends == om.SEND_ATTEMPTS
    assert order.state == j.FAILED
    assert commands == [Fail("rate_limited", "429"), *CLOSE]


def test_an_unknown_outcome_is_looked_up_and_never_sent_again() -> None:
    """Whatever the lookups answer, no ``Send`` follows a lost reply."""
    for answer in (LookupMissing(), LookupFailed()):
        order, commands = om.step(SENT, Unknown("timeout"))
        seen = list(commands)
        while order.phase is not Phase.DONE:
            event = answer if commands[-1] is Do.LOOKUP else Paused(stopped=False)
            order, commands = om.step(order, event)
            seen += commands
        assert not any(isinstance(c, Send) or c is Do.MARK_SENDING for c in seen)
        assert sum(c is Do.LOOKUP for c in seen) == om.RESOLVE_LOOKS
