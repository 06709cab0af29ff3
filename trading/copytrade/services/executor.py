"""Placing ONE follower's copy order exactly once — async, venue-neutral, no Django.

Rules (docs/products.md §A.3, docs/protocols.md §10):
- send once; an unknown outcome (timeout, 5xx, duplicate id) is resolved by looking the order up
  by its client id (``place_and_reconcile``), never by re-sending;
- a failure known not to have executed (``TemporaryError``: connection refused, 429, clock skew;
  or ``NotPlaced`` proven by reconciliation) is retried ONCE, after the venue's ``retry_after`` —
  only this follower waits;
- ``AuthError`` marks the outcome ``auth_failed`` (the caller disables the follower);
- a row found in state SENT (a crashed or redelivered worker) is reconciled first and only
  re-placed, with the same client id, if the venue proves it never saw it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal

from trading.exchanges.base import SpotVenue, place_and_reconcile
from trading.exchanges.errors import (
    AuthError,
    NotPlaced,
    OrderRejected,
    OutcomeUnknown,
    RateLimited,
    TemporaryError,
)
from trading.exchanges.reconcile import reconcile_order
from trading.exchanges.types import ZERO, OrderResult, OrderStatus

SYMBOL = "BTCUSDT"
MAX_RETRY_WAIT_S = 2.0
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class SendOutcome:
    """What happened to one copy order. ``status`` uses ``ExecutionStatus`` values."""

    status: str
    venue_order_id: str = ""
    filled_base: Decimal = ZERO
    filled_quote: Decimal = ZERO
    error: str = ""
    attempts: int = 0
    ack_ms: int = 0
    auth_failed: bool = False
    fee: Decimal = ZERO
    fee_asset: str | None = None  # None: the venue's reply did not say


def _now_ms() -> int:
    return int(time.time() * 1000)


def outcome_from_result(result: OrderResult, attempts: int) -> SendOutcome:
    """An acknowledged order: FILLED once anything executed (market orders), FAILED if it ended
    with nothing executed (expired, canceled, rejected), else still SENT."""
    done = result.executed_base > 0 or result.status is OrderStatus.FILLED
    ended = not done and result.status.is_final
    return SendOutcome(
        "FILLED" if done else "FAILED" if ended else "SENT",
        result.venue_order_id,
        result.executed_base,
        result.executed_quote,
        error=f"order {result.status.value} with nothing executed" if ended else "",
        attempts=attempts,
        ack_ms=result.acked_ms or _now_ms(),  # the venue's acceptance, not a later read-back
        fee=result.fee,
        fee_asset=result.fee_asset if result.fee > 0 or result.fee_asset else None,
    )


def _placer(venue: SpotVenue, side: str, amount: Decimal, cid: str):
    if side == "BUY":
        return lambda: venue.market_buy_quote(SYMBOL, amount, cid)
    return lambda: venue.market_sell_base(SYMBOL, amount, cid)


async def send_copy(
    venue: SpotVenue,
    side: str,
    amount: Decimal,
    cid: str,
    *,
    maybe_sent: bool = False,
    sleep: Sleep = asyncio.sleep,
    reconcile_backoff: float = 0.25,
) -> SendOutcome:
    """Place (or, when ``maybe_sent``, first find) the copy order ``cid``; never raises."""
    try:
        if maybe_sent:
            found = await _find(venue, cid, sleep, reconcile_backoff)
            if found is not None:
                return outcome_from_result(found, 0)
        return await _place_with_one_retry(venue, side, amount, cid, sleep, reconcile_backoff)
    except Exception as exc:
        return _error_outcome(exc, 0)


def _error_outcome(exc: Exception, attempts: int) -> SendOutcome:
    """A refused key (``auth_failed``), or an order that may exist (UNKNOWN: an unknown outcome,
    or a reply we could not read)."""
    if isinstance(exc, AuthError):
        return SendOutcome(
            "FAILED", error=str(exc), attempts=attempts, ack_ms=_now_ms(), auth_failed=True
        )
    error = str(exc) if isinstance(exc, OutcomeUnknown) else f"{type(exc).__name__}: {exc}"
    return SendOutcome("UNKNOWN", error=error, attempts=attempts, ack_ms=_now_ms())


async def _find(venue: SpotVenue, cid: str, sleep: Sleep, backoff: float) -> OrderResult | None:
    """The order if the venue knows it; ``None`` when proven never placed."""
    try:
        return await reconcile_order(
            lambda c: venue.get_order(SYMBOL, c), cid, backoff=backoff, sleep=sleep
        )
    except NotPlaced:
        return None


async def _place_with_one_retry(
    venue: SpotVenue, side: str, amount: Decimal, cid: str, sleep: Sleep, backoff: float
) -> SendOutcome:
    place = _placer(venue, side, amount, cid)
    for attempt in (1, 2):
        try:
            result = await place_and_reconcile(
                venue, SYMBOL, cid, place, backoff=backoff, sleep=sleep
            )
            return outcome_from_result(result, attempt)
        except (TemporaryError, NotPlaced) as exc:  # known not executed
            if attempt == 2:
                return SendOutcome("FAILED", error=str(exc), attempts=attempt, ack_ms=_now_ms())
            await sleep(_retry_wait(exc))
        except OrderRejected as exc:
            return SendOutcome("FAILED", error=str(exc), attempts=attempt, ack_ms=_now_ms())
        except Exception as exc:
            return _error_outcome(exc, attempt)
    raise AssertionError("unreachable")


def _retry_wait(exc: Exception) -> float:
    if isinstance(exc, RateLimited):
        return min(MAX_RETRY_WAIT_S, max(0.05, exc.retry_after))
    return 0.1
