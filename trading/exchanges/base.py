"""The interface every spot venue implements identically (Binance spot, Bitget spot v2), and the
exactly-once placement helper built on it.

Venue differences are data in :class:`SpotCapabilities`, never ``if venue == ...`` in callers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, runtime_checkable

from trading.exchanges.errors import OutcomeUnknown
from trading.exchanges.reconcile import DEFAULT_ATTEMPTS, DEFAULT_BACKOFF, reconcile_order
from trading.exchanges.reconnect import StreamGap
from trading.exchanges.types import (
    Balance,
    OrderRequest,
    OrderResult,
    OrderType,
    Side,
    StreamEvent,
    SymbolRules,
    TimeInForce,
)


@dataclass(frozen=True)
class SpotCapabilities:
    """What a spot venue can do and how it behaves, as data (Freqtrade-style capability dict)."""

    venue: str
    market_buy_by_quote: bool = True  # market BUY can be sized by the quote amount to spend
    market_sell_by_quote: bool = False  # market SELL can be sized by the quote amount to receive
    client_id_max_len: int = 36
    client_id_unique_while_open_only: bool = True  # Binance: a filled order's id may be reused
    cancel_is_post: bool = False  # Bitget cancels with POST (never auto-retried)
    fee_in_base_on_buy: bool = False  # Bitget charges a buyer's fee in the base coin
    not_found_window_s: float = 2.0  # how long a fresh order may be invisible to lookups
    user_stream: str = ""  # "ws_api" (Binance WS-API subscription) / "private_ws" (Bitget)


@runtime_checkable
class SpotVenue(Protocol):
    """One spot account on one venue. All amounts are ``Decimal``; symbols are venue symbols
    without separators (``BTCUSDT``). Errors come from :mod:`trading.exchanges.errors`."""

    capabilities: SpotCapabilities

    async def warm(self) -> None:
        """Sync the venue clock now, so the first signed request does not wait for it."""
        ...

    def venue_now_ms(self) -> int:
        """Now on the venue's clock (ms), as signed requests are stamped."""
        ...

    async def balances(self) -> dict[str, Balance]:
        """Every asset with a non-zero balance."""
        ...

    async def free(self, asset: str) -> Decimal:
        """Free (available) amount of ``asset``; 0 when the account holds none."""
        ...

    async def symbol_rules(self, symbol: str) -> SymbolRules:
        """Tick, lot and notional rules of ``symbol`` (cached by the client)."""
        ...

    async def market_buy_quote(
        self, symbol: str, quote_amount: Decimal, client_order_id: str
    ) -> OrderResult:
        """Market BUY spending ``quote_amount`` of the quote asset. Sends once; may raise
        ``OutcomeUnknown`` — use :func:`place_and_reconcile` to resolve it."""
        ...

    async def market_sell_base(
        self, symbol: str, qty: Decimal, client_order_id: str
    ) -> OrderResult:
        """Market SELL of ``qty`` base asset."""
        ...

    async def limit_order(
        self,
        symbol: str,
        side: Side,
        qty: Decimal,
        price: Decimal,
        client_order_id: str,
        *,
        time_in_force: TimeInForce = TimeInForce.GTC,
        post_only: bool = False,
    ) -> OrderResult:
        """Resting LIMIT order (``post_only`` = maker only)."""
        ...

    async def get_order(self, symbol: str, client_order_id: str) -> OrderResult:
        """Look the order up by client id; ``OrderNotFound`` when the venue does not know it."""
        ...

    async def cancel_order(self, symbol: str, client_order_id: str) -> OrderResult:
        """Cancel by client id; ``OrderNotFound`` when there is nothing to cancel."""
        ...

    def user_stream(self) -> AsyncIterator[StreamEvent | StreamGap]:
        """Private order and balance events, reconnecting forever; a ``StreamGap`` after each
        reconnect tells the consumer to reconcile."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


async def place_and_reconcile(
    venue: SpotVenue,
    symbol: str,
    client_order_id: str,
    place: Callable[[], Awaitable[OrderResult]],
    *,
    attempts: int = DEFAULT_ATTEMPTS,
    backoff: float = DEFAULT_BACKOFF,
    sleep: Callable[[float], Awaitable[None]] | None = None,
) -> OrderResult:
    """The exactly-once rule: send ONCE; if the outcome is unknown, find the order by its client
    id (tolerating the not-found window) instead of re-sending.

    Raises ``NotPlaced`` when reconciliation proves nothing was placed, ``OutcomeUnknown`` if it
    still cannot tell, and any other error of ``place`` unchanged.
    """
    try:
        return await place()
    except OutcomeUnknown:
        kwargs = {"sleep": sleep} if sleep is not None else {}
        return await reconcile_order(
            lambda cid: venue.get_order(symbol, cid),
            client_order_id,
            attempts=attempts,
            backoff=backoff,
            **kwargs,
        )


def place_order(venue: SpotVenue, req: OrderRequest) -> Awaitable[OrderResult]:
    """Route an :class:`OrderRequest` to the interface method that places it (sent once).

    Supported: MARKET BUY by quote amount, MARKET SELL by base quantity, LIMIT / LIMIT_MAKER by
    base quantity. Anything else raises ``ValueError`` before anything is sent.
    """
    cid = req.client_order_id
    if req.type is OrderType.MARKET:
        if req.side is Side.BUY and req.quote_amount is not None:
            return venue.market_buy_quote(req.symbol, req.quote_amount, cid)
        if req.side is Side.SELL and req.quantity is not None:
            return venue.market_sell_base(req.symbol, req.quantity, cid)
        raise ValueError("market orders: BUY by quote amount or SELL by base quantity")
    if req.quantity is None or req.price is None:
        raise ValueError("limit orders need a base quantity and a price")
    return venue.limit_order(
        req.symbol,
        req.side,
        req.quantity,
        req.price,
        cid,
        time_in_force=req.time_in_force,
        post_only=req.type is OrderType.LIMIT_MAKER,
    )
