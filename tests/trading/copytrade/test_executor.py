"""``send_copy``: one follower's copy order placed exactly once, against a small fake venue (the
venue is the edge these tests are not about; the fan-out tests use the real simulator).

The fake executes an order when a placement "reaches" it, keeps it findable by client id, and
answers each placement from a script: a fill, an outcome lost after executing, or an error raised
before anything executed. ``sleep`` is recorded instead of waited."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from decimal import Decimal

import pytest

from trading.copytrade.services.executor import MAX_RETRY_WAIT_S, SYMBOL, send_copy
from trading.exchanges.base import SpotCapabilities
from trading.exchanges.errors import (
    AuthError,
    ClockSkew,
    InsufficientBalance,
    OrderNotFound,
    OrderRejected,
    OutcomeUnknown,
    ProtocolError,
    RateLimited,
    TemporaryError,
)
from trading.exchanges.types import OrderResult, OrderStatus, Side

D = Decimal
CID = "cp-fake0000000000000000000000000"
FILL = "fill"  # the order executes and the reply arrives
LOST = "lost"  # the order executes, the reply is lost (timeout, reset, 5xx)
NEW = "new"  # acknowledged, nothing executed yet
EXPIRED = "expired"  # ended without executing (a market order that found no liquidity)


class FakeVenue:
    """A spot venue that remembers what was placed and answers from ``script``."""

    capabilities = SpotCapabilities(venue="fake")

    def __init__(self, script: Iterable[object] = (FILL,), lookups: Iterable[object] = ()) -> None:
        self.script = list(script)
        self.lookup_script = list(lookups)  # errors for the first lookups, then the truth
        self.placed: list[tuple[str, Decimal, str]] = []
        self.lookups: list[str] = []
        self.orders: dict[str, OrderResult] = {}

    async def market_buy_quote(self, symbol: str, quote: Decimal, cid: str) -> OrderResult:
        return self._place(symbol, "BUY", quote, cid)

    async def market_sell_base(self, symbol: str, qty: Decimal, cid: str) -> OrderResult:
        return self._place(symbol, "SELL", qty, cid)

    async def get_order(self, symbol: str, cid: str) -> OrderResult:
        assert symbol == SYMBOL
        self.lookups.append(cid)
        if self.lookup_script:
            raise self.lookup_script.pop(0)  # type: ignore[misc]
        if cid not in self.orders:
            raise OrderNotFound("Order does not exist.", code="-2013", venue="fake")
        return self.orders[cid]

    def _place(self, symbol: str, side: str, amount: Decimal, cid: str) -> OrderResult:
        assert symbol == SYMBOL
        self.placed.append((side, amount, cid))
        step = self.script.pop(0) if self.script else FILL
        if isinstance(step, Exception):
            raise step
        executed = step not in (NEW, EXPIRED)
        status = {NEW: OrderStatus.NEW, EXPIRED: OrderStatus.EXPIRED}.get(step, OrderStatus.FILLED)
        base, quote = (amount / 50000, amount) if side == "BUY" else (amount, amount * 50000)
        result = OrderResult(
            symbol=symbol,
            venue_order_id=f"v{len(self.placed)}",
            client_order_id=cid,
            status=status,  # type: ignore[arg-type]
            side=Side(side),
            executed_base=base if executed else D(0),
            executed_quote=quote if executed else D(0),
        )
        self.orders[cid] = result
        if step == LOST:
            raise OutcomeUnknown("no reply: RemoteProtocolError", client_order_id=cid)
        return result


class Sleeps(list[float]):
    """A ``sleep`` that records how long it was asked to wait."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleep() -> Sleeps:
    return Sleeps()


async def copy(venue: FakeVenue, sleep: Sleeps, side: str = "BUY", **kw: object):
    return await send_copy(venue, side, D("123.45"), CID, sleep=sleep, **kw)  # type: ignore[arg-type]


async def test_filled_reply(sleep):
    venue = FakeVenue([FILL])
    out = await copy(venue, sleep)
    assert (out.status, out.venue_order_id, out.attempts, out.error) == ("FILLED", "v1", 1, "")
    assert (out.filled_quote, out.filled_base) == (D("123.45"), D("123.45") / 50000)
    assert venue.placed == [("BUY", D("123.45"), CID)]
    assert (venue.lookups, list(sleep), out.auth_failed) == ([], [], False)
    assert out.ack_ms > 0


async def test_the_acknowledgement_time_is_the_venues_acceptance_not_a_later_read_back(sleep):
    class ReadBackVenue(FakeVenue):
        def _place(self, symbol, side, amount, cid):
            return dataclasses.replace(super()._place(symbol, side, amount, cid), acked_ms=1234)

    assert (await copy(ReadBackVenue([FILL]), sleep)).ack_ms == 1234


async def test_sell_is_placed_by_base_quantity(sleep):
    venue = FakeVenue([FILL])
    out = await send_copy(venue, "SELL", D("0.01234"), CID, sleep=sleep)  # type: ignore[arg-type]
    assert venue.placed == [("SELL", D("0.01234"), CID)]
    assert (out.status, out.filled_base) == ("FILLED", D("0.01234"))


async def test_acknowledged_but_not_filled_stays_sent(sleep):
    out = await copy(FakeVenue([NEW]), sleep)
    assert (out.status, out.venue_order_id, out.filled_base) == ("SENT", "v1", D(0))


async def test_an_order_that_ended_with_nothing_executed_failed(sleep):
    venue = FakeVenue([EXPIRED])
    out = await copy(venue, sleep)
    assert (out.status, out.venue_order_id, out.filled_base) == ("FAILED", "v1", D(0))
    assert out.error == "order EXPIRED with nothing executed" and len(venue.placed) == 1


async def test_unknown_outcome_is_reconciled_by_lookup_and_never_resent(sleep):
    lookup_blips = [TemporaryError("connect timeout"), OrderNotFound("not yet", code="-2013")]
    venue = FakeVenue([LOST], lookups=lookup_blips)
    out = await copy(venue, sleep, reconcile_backoff=0.25)
    assert venue.placed == [("BUY", D("123.45"), CID)]  # once
    assert venue.lookups == [CID, CID, CID]
    assert (out.status, out.venue_order_id, out.attempts) == ("FILLED", "v1", 1)
    assert list(sleep) == [0.25, 0.5]  # the lookup backoff, not a re-send


async def test_unknown_outcome_that_lookups_cannot_resolve_stays_unknown(sleep):
    venue = FakeVenue([LOST], lookups=[TemporaryError("down")] * 6)
    out = await copy(venue, sleep)
    assert venue.placed == [("BUY", D("123.45"), CID)]
    assert (out.status, out.venue_order_id, out.attempts) == ("UNKNOWN", "", 1)
    assert "could not confirm" in out.error and len(venue.lookups) == 6


async def test_unknown_outcome_proven_not_placed_is_placed_once_more_with_the_same_id(sleep):
    venue = FakeVenue([OutcomeUnknown("HTTP 503", client_order_id=CID), FILL])
    out = await copy(venue, sleep, reconcile_backoff=0.01)
    assert venue.placed == [("BUY", D("123.45"), CID)] * 2
    assert len(venue.lookups) == 6  # the whole not-found window first
    assert (out.status, out.attempts) == ("FILLED", 2)


@pytest.mark.parametrize(
    ("error", "wait"),
    [
        (TemporaryError("not sent: ConnectError"), 0.1),
        (ClockSkew("timestamp outside recvWindow", code="-1021"), 0.1),
        (RateLimited("HTTP 429", retry_after=0.7, code="429"), 0.7),
        (RateLimited("HTTP 429", retry_after=0.0, code="429"), 0.05),
        (RateLimited("HTTP 418", retry_after=30.0, banned=True, code="418"), MAX_RETRY_WAIT_S),
    ],
)
async def test_temporary_errors_are_retried_exactly_once_after_retry_after(sleep, error, wait):
    venue = FakeVenue([error, FILL])
    out = await copy(venue, sleep)
    assert venue.placed == [("BUY", D("123.45"), CID)] * 2
    assert list(sleep) == [wait]
    assert (out.status, out.attempts, out.venue_order_id) == ("FILLED", 2, "v2")


async def test_a_second_temporary_error_fails_without_a_third_send(sleep):
    venue = FakeVenue([RateLimited("429", retry_after=1.0), TemporaryError("refused")])
    out = await copy(venue, sleep)
    assert len(venue.placed) == 2 and venue.orders == {}
    assert (out.status, out.attempts, out.auth_failed) == ("FAILED", 2, False)
    assert "refused" in out.error and list(sleep) == [1.0]


@pytest.mark.parametrize(
    "error",
    [
        OrderRejected("Filter failure: NOTIONAL", code="-1013"),
        InsufficientBalance("Account has insufficient balance", code="-2010"),
    ],
)
async def test_rejected_order_fails_without_retry(sleep, error):
    venue = FakeVenue([error, FILL])
    out = await copy(venue, sleep)
    assert len(venue.placed) == 1 and list(sleep) == []
    assert (out.status, out.attempts, out.auth_failed) == ("FAILED", 1, False)
    assert error.code in out.error  # type: ignore[operator]


async def test_auth_error_reports_auth_failed(sleep):
    venue = FakeVenue([AuthError("API-key revoked", code="-2015", venue="fake"), FILL])
    out = await copy(venue, sleep)
    assert len(venue.placed) == 1 and list(sleep) == []
    assert (out.status, out.auth_failed, out.attempts) == ("FAILED", True, 1)
    assert "-2015" in out.error


async def test_an_unreadable_reply_is_unknown_not_resent(sleep):
    venue = FakeVenue([ProtocolError("reply did not parse"), FILL])
    out = await copy(venue, sleep)
    assert len(venue.placed) == 1
    assert (out.status, out.attempts) == ("UNKNOWN", 1) and "ProtocolError" in out.error


async def test_maybe_sent_finds_the_existing_order_and_does_not_place(sleep):
    venue = FakeVenue()
    await copy(venue, sleep)  # the crashed worker's order
    venue.placed.clear()
    out = await copy(venue, sleep, maybe_sent=True)
    assert venue.placed == [] and venue.lookups == [CID]
    assert (out.status, out.venue_order_id, out.attempts) == ("FILLED", "v1", 0)


async def test_maybe_sent_waits_out_the_not_found_window_before_trusting_a_lookup(sleep):
    venue = FakeVenue()
    await copy(venue, sleep)
    venue.placed.clear()
    venue.lookup_script = [OrderNotFound("fresh order not visible yet")] * 2
    out = await copy(venue, sleep, maybe_sent=True, reconcile_backoff=0.25)
    assert venue.placed == [] and len(venue.lookups) == 3
    assert (out.status, out.venue_order_id) == ("FILLED", "v1")


async def test_maybe_sent_proven_not_placed_places_once_with_the_same_client_id(sleep):
    venue = FakeVenue([FILL])
    out = await copy(venue, sleep, maybe_sent=True, reconcile_backoff=0.01)
    assert len(venue.lookups) == 6  # the whole window answered "not found"
    assert venue.placed == [("BUY", D("123.45"), CID)]
    assert (out.status, out.venue_order_id, out.attempts) == ("FILLED", "v1", 1)


async def test_maybe_sent_that_lookups_cannot_resolve_places_nothing(sleep):
    venue = FakeVenue(lookups=[RateLimited("429", retry_after=0.5)] * 6)
    out = await copy(venue, sleep, maybe_sent=True, reconcile_backoff=0.01)
    assert venue.placed == [] and out.status == "UNKNOWN"
    assert sleep.count(0.5) == 6  # each lookup's Retry-After was honoured
