"""The spot order path every spot venue client shares (Binance spot, Bitget spot v2).

Each order is checked against the symbol's rules before anything is sent, rounded once (quote
amounts and quantities floored, limit prices rounded in the caller's favour), then sent ONCE: a
POST is never re-sent, an unknown outcome is resolved by looking the order up by its client id
(:func:`trading.exchanges.base.place_and_reconcile`). While a user stream is open, every order
sent is expected to show up on it; an order the venue refused or may not have taken owes no event.

A venue client mixes in :class:`SpotOrderPath` and supplies only its wire mapping: the params of
each order kind, the one request that sends them, how its reply becomes an ``OrderResult`` and how
its symbol rules are fetched.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager
from decimal import ROUND_DOWN, ROUND_UP, Decimal
from typing import Any, Protocol

from trading.exchanges.base import SpotCapabilities
from trading.exchanges.errors import ExchangeError, FilterRejected
from trading.exchanges.http import HttpTransport
from trading.exchanges.reconnect import Expectations, ReconnectPolicy, StreamGap, reconnecting
from trading.exchanges.timesync import TimeSync
from trading.exchanges.types import (
    BalanceUpdate,
    OrderResult,
    OrderUpdate,
    Side,
    StreamEvent,
    SymbolRules,
    TimeInForce,
)

Params = Mapping[str, object]


class SessionSource(Protocol):
    """A venue's private stream: one subscribed session per call."""

    def open_session(self) -> AbstractAsyncContextManager[AsyncIterator[object]]: ...


class SignedRest(Protocol):
    """A venue's signed REST layer: its transport and its venue clock."""

    http: HttpTransport
    time: TimeSync


class SpotOrderPath(ABC):
    """Rules, placement, the venue clock and the user stream of one spot account (see the
    module docstring)."""

    capabilities: SpotCapabilities
    rest: SignedRest
    stream: SessionSource
    market_lot_rule = "market lot size"  # how the venue's error names the market quantity rule

    def _init_order_path(
        self, stream_policy: ReconnectPolicy | None, rules_cache: dict[str, SymbolRules] | None
    ) -> None:
        """``rules_cache`` (symbol → rules) may be shared by the clients of one environment:
        rules are public and the same for every key, and Binance's exchangeInfo costs 20 weight."""
        self.stream_policy = stream_policy or ReconnectPolicy()
        self.expectations = Expectations()
        self._rules: dict[str, SymbolRules] = rules_cache if rules_cache is not None else {}
        self._streaming = 0

    async def close(self) -> None:
        """Release connections."""
        await self.rest.http.close()

    async def warm(self) -> None:
        """Sync the venue clock now, so the first signed request does not wait for it."""
        await self.rest.time.ensure()

    def venue_now_ms(self) -> int:
        """Now on the venue's clock (ms), as signed requests are stamped."""
        return self.rest.time.now_ms()

    # -- the venue's wire mapping -------------------------------------------------------------
    @abstractmethod
    async def _fetch_rules(self, symbol: str) -> SymbolRules:
        """Read ``symbol``'s rules from the venue."""

    @abstractmethod
    def _market_buy_params(self, quote_amount: Decimal) -> Params:
        """The venue's params of a market BUY sized by the quote amount."""

    @abstractmethod
    def _market_sell_params(self, qty: Decimal) -> Params:
        """The venue's params of a market SELL sized by the base quantity."""

    @abstractmethod
    def _limit_params(
        self, side: Side, qty: Decimal, price: Decimal, time_in_force: TimeInForce, post_only: bool
    ) -> Params:
        """The venue's params of a resting LIMIT order (``post_only``: maker only)."""

    @abstractmethod
    async def _send_order(self, symbol: str, client_order_id: str, params: Params) -> Any:
        """The one request that places the order; returns the venue's raw reply."""

    @abstractmethod
    async def _order_reply(self, symbol: str, client_order_id: str, reply: Any) -> OrderResult:
        """The accepted order's reply → :class:`OrderResult`."""

    # -- the shared path ----------------------------------------------------------------------
    async def symbol_rules(self, symbol: str) -> SymbolRules:
        if symbol not in self._rules:
            self._rules[symbol] = await self._fetch_rules(symbol)
        return self._rules[symbol]

    async def market_buy_quote(
        self, symbol: str, quote_amount: Decimal, client_order_id: str
    ) -> OrderResult:
        """Market BUY spending ``quote_amount`` (floored to the quote step) of the quote asset."""
        rules = await self.symbol_rules(symbol)
        amount = rules.floor_quote(quote_amount)
        if not rules.notional_ok(amount, market=True):
            raise FilterRejected(
                f"{amount} {rules.quote} below min notional", venue=self.capabilities.venue
            )
        return await self._place(symbol, client_order_id, self._market_buy_params(amount))

    async def market_sell_base(
        self, symbol: str, qty: Decimal, client_order_id: str
    ) -> OrderResult:
        """Market SELL of ``qty`` base asset, floored to the market lot step."""
        rules = await self.symbol_rules(symbol)
        qty = rules.floor_qty(qty, market=True)
        if not rules.qty_ok(qty, market=True):
            raise FilterRejected(
                f"quantity {qty} outside {self.market_lot_rule}", venue=self.capabilities.venue
            )
        return await self._place(symbol, client_order_id, self._market_sell_params(qty))

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
        """Price rounded to the tick in the caller's favour (BUY down, SELL up); qty floored."""
        rules = await self.symbol_rules(symbol)
        qty = rules.floor_qty(qty)
        price = rules.round_price(price, ROUND_DOWN if side is Side.BUY else ROUND_UP)
        rules.check_order(qty, price)
        params = self._limit_params(side, qty, price, time_in_force, post_only)
        return await self._place(symbol, client_order_id, params)

    async def _place(self, symbol: str, client_order_id: str, params: Params) -> OrderResult:
        """Send the order ONCE (a POST is never retried); expect its stream event."""
        if self._streaming:
            self.expectations.expect(client_order_id)
        try:
            reply = await self._send_order(symbol, client_order_id, params)
        except ExchangeError:
            # refused, or unknown (reconciliation decides): no stream event is owed for sure
            self.expectations.seen(client_order_id)
            raise
        return await self._order_reply(symbol, client_order_id, reply)

    async def user_stream(self) -> AsyncIterator[StreamEvent | StreamGap]:
        """Order and balance events; orders placed meanwhile are expected to show up here."""
        self._streaming += 1
        try:
            async for item in reconnecting(
                self.stream.open_session,
                (OrderUpdate, BalanceUpdate),
                policy=self.stream_policy,
                expectations=self.expectations,
            ):
                yield item
        finally:
            self._streaming -= 1
