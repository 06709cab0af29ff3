"""One order's placement policy as a pure state machine: ``step(order, event) → (order, commands)``.

No I/O and no clock: the driver (:class:`client_desktop.core.autotrader.AutoTrader`) performs
the commands — journal writes, venue calls, waits, rows for the table, reports — and feeds back
what happened as events. The rules it encodes (docs/client.md, "orders exactly once"):

- an expired order is skipped; a valid one is placed with the venue's current payout ratio when
  that is at or above the order's floor (``payout.payout_to_send``);
- the journal marks the order ``placing`` before every send, so a crash after it means "outcome
  unknown", never "send again";
- a lost reply (``Unknown``) is resolved by looking for the order among the open orders, up to
  :data:`RESOLVE_LOOKS` times; it is never re-sent. Not found while the venue answered →
  ``failed`` (``binance_not_found``); the venue never answered → it stays ``unknown``;
- a refusal that certainly executed nothing (rate limit, request that never left) is sent again
  while the order is valid, :data:`SEND_ATTEMPTS` sends at most; a stale payout (93420010) reads
  the offer again ONCE.

Life of one run: ``Deliver`` (a journaled ``received`` order) or ``Resume`` (an in-flight one
after a restart) starts it; it ends in phase ``DONE``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any

from client_desktop.core import journal as j
from client_desktop.core.binding import EXPIRED_REASON
from client_desktop.core.payout import BELOW_FLOOR, payout_to_send
from trading.exchanges.binance_web.constants import EVENT_OPEN_ORDER_LIMIT

RESOLVE_LOOKS = 3  # looks at the open orders before an unknown outcome counts as not placed
SEND_ATTEMPTS = 5  # for requests that certainly never left / rate limits
NOT_FOUND = "binance_not_found"
RESTART_NOTE = "in flight at restart"


class Phase(StrEnum):
    IDLE = "idle"  # not started
    OFFER = "offer"  # reading the payout offer before the first send
    SENDING = "sending"  # the placement is on the wire
    REOFFER = "reoffer"  # reading the offer again after a stale-payout refusal
    COUNTING = "counting"  # reading the open orders for the open-order-limit message
    BACKOFF = "backoff"  # waiting out a refusal that executed nothing
    FINDING_ID = "finding_id"  # placed without an id: looking it up
    LOOKING = "looking"  # outcome unknown: looking among the open orders
    PAUSED = "paused"  # between two looks
    DONE = "done"


@dataclass(frozen=True)
class Order:
    """What the machine knows of one order: its journal state, its payout floor and the run."""

    state: str  # the journal state (``journal.RECEIVED`` …)
    floor: Decimal  # the order's payout ratio: the least it may be placed with
    phase: Phase = Phase.IDLE
    placing: bool = False  # the run began with ``Deliver`` (it closes with a row and a report)
    offer: Decimal | None = None
    ratio: Decimal | None = None
    attempt: int = 0
    reread: bool = False
    looks: int = 0
    answered: int = 0
    refusal: tuple[str, str] = ("", "")  # code and message of the refusal being handled
    latency_ms: int | None = None  # of a placement whose id is being looked up

    @classmethod
    def of(cls, entry: j.Entry) -> Order:
        return cls(entry.state, entry.payout_ratio)

    @property
    def final(self) -> bool:
        return self.state in j.FINAL_STATES


# --- events ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Deliver:
    """Place a journaled ``received`` order: is it still valid (server clock), is Binance bound?"""

    valid: bool
    bound: bool


@dataclass(frozen=True)
class Resume:
    """Resolve an in-flight order (a crash during the send, an unanswered lookup)."""

    bound: bool


@dataclass(frozen=True)
class OfferRead:
    offer: Decimal | None  # None: not readable (the floor is sent and the venue decides)


@dataclass(frozen=True)
class Placed:
    binance_order_id: str  # "" when the venue answered without one
    latency_ms: int


@dataclass(frozen=True)
class Unknown:
    """The reply was lost (timeout, reset, 5xx): the order may or may not exist."""

    message: str


@dataclass(frozen=True)
class SessionLost:
    """Binance said the web login expired."""

    message: str


@dataclass(frozen=True)
class LimitReached:
    """The account's open contracts are at the venue's limit."""

    code: str


@dataclass(frozen=True)
class OpenCounted:
    count: int | None  # None: the open orders could not be read


@dataclass(frozen=True)
class TermsRefused:
    """The payout ratio sent is not the current offer (nothing executed)."""

    code: str
    message: str


@dataclass(frozen=True)
class Busy:
    """Refused without executing anything: rate limited or the request never left."""

    code: str  # ``rate_limited`` or ``binance_network``
    message: str
    retry_after: float | None = None


@dataclass(frozen=True)
class Waited:
    go_on: bool  # False: the trader is stopping or the order is no longer valid


@dataclass(frozen=True)
class Rejected:
    """Any other venue refusal, already in the catalogue's words."""

    code: str
    text: str
    message: str


@dataclass(frozen=True)
class IdFound:
    binance_order_id: str  # "" when it cannot be told


@dataclass(frozen=True)
class LookupFound:
    binance_order_id: str
    latency_ms: int


@dataclass(frozen=True)
class LookupMissing:
    """The venue answered: no matching open order."""


@dataclass(frozen=True)
class LookupFailed:
    """The lookup got no answer."""


@dataclass(frozen=True)
class Paused:
    stopped: bool


Event = (
    Deliver
    | Resume
    | OfferRead
    | Placed
    | Unknown
    | SessionLost
    | LimitReached
    | OpenCounted
    | TermsRefused
    | Busy
    | Waited
    | Rejected
    | IdFound
    | LookupFound
    | LookupMissing
    | LookupFailed
    | Paused
)


# --- commands --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Words:
    """Catalogue text (``i18n.tr(key, lang, **args)``), rendered by the driver."""

    key: str
    args: tuple[tuple[str, Any], ...] = ()


class Do(StrEnum):
    """The commands that carry nothing but their name."""

    READ_OFFER = "read_offer"  # read the venue's payout offer; answer ``OfferRead``
    MARK_SENDING = "mark_sending"  # journal ``placing``: from here a crash is "outcome unknown"
    INVALIDATE = "invalidate"  # the Binance binding is gone (``binding.invalidate``)
    COUNT_OPEN = "count_open"  # count the account's open orders; answer ``OpenCounted``
    FIND_ID = "find_id"  # look up the id of the order just placed; answer ``IdFound``
    SKIP = "skip"  # journal ``skipped_expired``
    LOOKUP = "lookup"  # look among the open orders; answer ``Lookup*`` or ``SessionLost``
    PAUSE = "pause"  # wait between two looks; answer ``Paused``
    ROW = "row"  # show the order's row
    REPORT = "report"  # send the execution report


@dataclass(frozen=True)
class Send:
    """Place the order with ``ratio``; answer one of the send outcomes."""

    ratio: Decimal


@dataclass(frozen=True)
class MarkUnknown:
    message: str


@dataclass(frozen=True)
class Wait:
    """Wait ``seconds`` unless stopping; answer ``Waited``."""

    seconds: float


@dataclass(frozen=True)
class Finish:
    """Journal: ``placed``."""

    binance_order_id: str
    latency_ms: int


@dataclass(frozen=True)
class Fail:
    """Journal: ``failed`` with ``code`` for the server; ``words`` (an i18n error code, default
    ``code``) and ``detail`` make the plain-words message. ``timed``: latency since the run
    started (else 0)."""

    code: str
    detail: str | Words = ""
    words: str = ""
    timed: bool = True


@dataclass(frozen=True)
class Reject:
    """Journal: ``failed`` with a venue refusal already in words."""

    code: str
    text: str
    message: str


Command = Do | Send | MarkUnknown | Wait | Finish | Fail | Reject
Step = tuple[Order, list[Command]]

# Commands the driver answers with an event; a step emits at most one, always last.
ASKING: frozenset[Do] = frozenset({Do.READ_OFFER, Do.COUNT_OPEN, Do.FIND_ID, Do.LOOKUP, Do.PAUSE})


def asks(command: Command) -> bool:
    """Whether the driver answers ``command`` with an event."""
    return isinstance(command, (Send, Wait)) or command in ASKING


def step(order: Order, event: Event) -> Step:
    """The next state and the commands to perform for ``event``."""
    handler = _HANDLERS.get((order.phase, type(event)))
    if handler is None:
        return order, []  # an event that does not belong to this phase changes nothing
    return handler(order, event)


# --- start -----------------------------------------------------------------------------------
def _deliver(order: Order, event: Deliver) -> Step:
    if order.state != j.RECEIVED:
        return _done(order)
    if not event.valid:
        return _done(replace(order, state=j.SKIPPED), [Do.SKIP, Do.ROW, Do.REPORT])
    if not event.bound:
        return _done(order)  # stays received: placed after re-binding if still valid
    return replace(order, phase=Phase.OFFER, placing=True), [Do.READ_OFFER]


def _resume(order: Order, event: Resume) -> Step:
    if order.state not in j.IN_FLIGHT or not event.bound:
        return _done(order)  # resolved after re-binding
    return _look(order)


# --- sending ---------------------------------------------------------------------------------
def _offer_read(order: Order, event: OfferRead) -> Step:
    ratio = payout_to_send(event.offer, order.floor)
    return _send(replace(order, offer=event.offer, ratio=ratio))


def _send(order: Order) -> Step:
    if order.attempt >= SEND_ATTEMPTS:
        return _close(order)
    order = replace(order, attempt=order.attempt + 1)
    if order.ratio is None:
        words = Words("eo.payout_floor", (("offer", order.offer), ("floor", order.floor)))
        return _fail(order, Fail(BELOW_FLOOR, words))
    sending = replace(order, phase=Phase.SENDING, state=j.PLACING)
    return sending, [Do.MARK_SENDING, Send(order.ratio)]


def _placed(order: Order, event: Placed) -> Step:
    if not event.binance_order_id:
        return replace(order, phase=Phase.FINDING_ID, latency_ms=event.latency_ms), [Do.FIND_ID]
    return _close(
        replace(order, state=j.PLACED), [Finish(event.binance_order_id, event.latency_ms)]
    )


def _id_found(order: Order, event: IdFound) -> Step:
    finish = Finish(event.binance_order_id, order.latency_ms or 0)
    return _close(replace(order, state=j.PLACED), [finish])


def _unknown(order: Order, event: Unknown) -> Step:
    order = replace(order, state=j.UNKNOWN)
    looking, commands = _look(order)
    return looking, [MarkUnknown(event.message), Do.ROW, *commands]


def _session_lost(order: Order, event: SessionLost) -> Step:
    return _fail(order, Fail(EXPIRED_REASON, event.message), [Do.INVALIDATE])


def _limit_reached(order: Order, event: LimitReached) -> Step:
    return replace(order, phase=Phase.COUNTING, refusal=(event.code, "")), [Do.COUNT_OPEN]


def _open_counted(order: Order, event: OpenCounted) -> Step:
    count: Any = "?" if event.count is None else event.count
    words = Words("eo.open_count", (("n", count), ("limit", EVENT_OPEN_ORDER_LIMIT)))
    return _fail(order, Fail(order.refusal[0], words, words="binance_open_order_limit"))


def _terms_refused(order: Order, event: TermsRefused) -> Step:
    if order.reread:
        return _fail(order, Fail(event.code, event.message, words="payout_changed"))
    refusal = (event.code, event.message)
    return replace(order, phase=Phase.REOFFER, refusal=refusal), [Do.READ_OFFER]


def _offer_reread(order: Order, event: OfferRead) -> Step:
    """The stale-payout refusal: read once; send again only with a different offer."""
    code, message = order.refusal
    if event.offer is None or event.offer == order.ratio:
        return _fail(order, Fail(code, message, words="payout_changed"))
    ratio = payout_to_send(event.offer, order.floor)
    return _send(replace(order, offer=event.offer, ratio=ratio, reread=True))


def _busy(order: Order, event: Busy) -> Step:
    if order.attempt >= SEND_ATTEMPTS:
        return _fail(order, Fail(event.code, event.message))
    wait = event.retry_after or 0.5 * order.attempt
    refusal = (event.code, event.message)
    return replace(order, phase=Phase.BACKOFF, refusal=refusal), [Wait(wait)]


def _waited(order: Order, event: Waited) -> Step:
    if not event.go_on:
        code, message = order.refusal
        return _fail(order, Fail(code, message))
    return _send(order)


def _rejected(order: Order, event: Rejected) -> Step:
    reject = Reject(event.code, event.text, event.message)
    return _close(replace(order, state=j.FAILED), [reject])


# --- resolving an unknown outcome ------------------------------------------------------------
def _look(order: Order) -> Step:
    return replace(order, phase=Phase.LOOKING, looks=order.looks + 1), [Do.LOOKUP]


def _found(order: Order, event: LookupFound) -> Step:
    finish = Finish(event.binance_order_id, event.latency_ms)
    return _close(replace(order, state=j.PLACED), [finish, Do.ROW, Do.REPORT])


def _missing(order: Order, _event: LookupMissing) -> Step:
    return _next_look(replace(order, answered=order.answered + 1))


def _lookup_failed(order: Order, _event: LookupFailed) -> Step:
    return _next_look(order)


def _lookup_session_lost(order: Order, _event: SessionLost) -> Step:
    return _close(order, [Do.INVALIDATE])  # stays in flight: resolved after re-binding


def _next_look(order: Order) -> Step:
    if order.looks < RESOLVE_LOOKS:
        return replace(order, phase=Phase.PAUSED), [Do.PAUSE]
    commands: list[Command] = []
    if order.state != j.UNKNOWN:
        order = replace(order, state=j.UNKNOWN)
        commands.append(MarkUnknown(RESTART_NOTE))
    if not order.answered:
        return _close(order, commands)  # no answer at all: stays unknown, looked at again later
    failed = replace(order, state=j.FAILED)
    return _close(failed, [*commands, Fail(NOT_FOUND, timed=False), Do.ROW, Do.REPORT])


def _paused(order: Order, event: Paused) -> Step:
    if event.stopped:
        return _close(order)
    return _look(order)


# --- endings ---------------------------------------------------------------------------------
def _fail(order: Order, fail: Fail, before: list[Command] | None = None) -> Step:
    return _close(replace(order, state=j.FAILED), [*(before or []), fail])


def _close(order: Order, commands: list[Command] | None = None) -> Step:
    """End the run; a placement run shows its row and reports a final outcome."""
    done = list(commands or [])
    if order.placing:
        done += [Do.ROW, Do.REPORT] if order.final else [Do.ROW]
    return _done(order, done)


def _done(order: Order, commands: list[Command] | None = None) -> Step:
    return replace(order, phase=Phase.DONE), list(commands or [])


_HANDLERS: dict[tuple[Phase, type], Any] = {
    (Phase.IDLE, Deliver): _deliver,
    (Phase.IDLE, Resume): _resume,
    (Phase.OFFER, OfferRead): _offer_read,
    (Phase.SENDING, Placed): _placed,
    (Phase.SENDING, Unknown): _unknown,
    (Phase.SENDING, SessionLost): _session_lost,
    (Phase.SENDING, LimitReached): _limit_reached,
    (Phase.SENDING, TermsRefused): _terms_refused,
    (Phase.SENDING, Busy): _busy,
    (Phase.SENDING, Rejected): _rejected,
    (Phase.COUNTING, OpenCounted): _open_counted,
    (Phase.REOFFER, OfferRead): _offer_reread,
    (Phase.BACKOFF, Waited): _waited,
    (Phase.FINDING_ID, IdFound): _id_found,
    (Phase.LOOKING, LookupFound): _found,
    (Phase.LOOKING, LookupMissing): _missing,
    (Phase.LOOKING, LookupFailed): _lookup_failed,
    (Phase.LOOKING, SessionLost): _lookup_session_lost,
    (Phase.PAUSED, Paused): _paused,
}
