"""Binance spot account client implementing :class:`trading.exchanges.base.SpotVenue`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import ROUND_DOWN, ROUND_UP, Decimal

from trading.exchanges.base import SpotCapabilities
from trading.exchanges.binance_spot import constants as c
from trading.exchanges.binance_spot.auth import HmacSigner, Params, Signer, ws_signed_params
from trading.exchanges.binance_spot.mapping import (
    parse_balances,
    parse_fill,
    parse_order,
    parse_symbol_rules,
)
from trading.exchanges.binance_spot.rest import BinanceSpotRest
from trading.exchanges.binance_spot.streams import UserStream
from trading.exchanges.environments import Env, endpoints
from trading.exchanges.errors import ExchangeError, FilterRejected, OutcomeUnknown, ProtocolError
from trading.exchanges.http import HttpTransport, Sender
from trading.exchanges.ratelimit import RateLimiter, limiter_for
from trading.exchanges.reconnect import Expectations, ReconnectPolicy, StreamGap, reconnecting
from trading.exchanges.types import (
    ZERO,
    Balance,
    BalanceUpdate,
    Fill,
    OrderResult,
    OrderUpdate,
    Side,
    StreamEvent,
    SymbolRules,
    TimeInForce,
)

CAPABILITIES = SpotCapabilities(
    venue=c.VENUE,
    market_buy_by_quote=True,
    market_sell_by_quote=True,
    client_id_max_len=36,
    client_id_unique_while_open_only=True,
    cancel_is_post=False,
    fee_in_base_on_buy=False,
    not_found_window_s=2.0,
    user_stream="ws_api",
)


class BinanceSpotClient:
    """One Binance spot account. ``signer`` defaults to HMAC with ``secret``."""

    capabilities = CAPABILITIES

    def __init__(
        self,
        api_key: str,
        secret: str = "",
        *,
        env: Env | str = Env.PROD,
        signer: Signer | None = None,
        limiter: RateLimiter | None = None,
        transport: Sender | None = None,
        timeout: float = 10.0,
        stream_policy: ReconnectPolicy | None = None,
        rules_cache: dict[str, SymbolRules] | None = None,
    ) -> None:
        ep = endpoints(c.VENUE, env)
        self._signer = signer or HmacSigner(secret)
        http = HttpTransport(
            ep.rest,
            venue=c.VENUE,
            limiter=limiter or limiter_for(api_key),
            timeout=timeout,
            transport=transport,
        )
        self.rest = BinanceSpotRest(http, api_key, self._signer)
        self.stream = UserStream(ep.ws, api_key, self._signer, self.rest.time)
        self.stream_policy = stream_policy or ReconnectPolicy()
        self.expectations = Expectations()
        # symbol → rules; a caller may share one dict among the clients of one environment
        # (rules are public and the same for every key; Binance's exchangeInfo costs 20 weight)
        self._rules: dict[str, SymbolRules] = rules_cache if rules_cache is not None else {}
        self._streaming = 0

    async def close(self) -> None:
        await self.rest.http.close()

    @property
    def ws_url(self) -> str:
        """The WebSocket-API URL of this client's environment."""
        return self.stream.url

    async def ws_subscription_params(self) -> dict[str, object]:
        """Signed ``userDataStream.subscribe.signature`` params for a session shared by many
        accounts (``multistream.MultiStream``), timestamped with this client's synced clock."""
        await self.rest.time.ensure()
        params = {"timestamp": self.rest.time.now_ms()}
        return ws_signed_params(params, self.stream.api_key, self._signer)

    async def balances(self) -> dict[str, Balance]:
        account = await self.rest.signed("GET", c.ACCOUNT, {})
        return {a: b for a, b in parse_balances(account).items() if b.total > 0}

    async def free(self, asset: str) -> Decimal:
        balance = (await self.balances()).get(asset)
        return balance.free if balance else ZERO

    async def symbol_rules(self, symbol: str) -> SymbolRules:
        if symbol not in self._rules:
            info = await self.rest.public("GET", c.EXCHANGE_INFO, {"symbol": symbol})
            matches = [s for s in info.get("symbols", []) if s["symbol"] == symbol]
            if not matches:
                raise ProtocolError(f"exchangeInfo has no {symbol}", venue=c.VENUE)
            self._rules[symbol] = parse_symbol_rules(matches[0])
        return self._rules[symbol]

    async def market_buy_quote(
        self, symbol: str, quote_amount: Decimal, client_order_id: str
    ) -> OrderResult:
        rules = await self.symbol_rules(symbol)
        amount = rules.floor_quote(quote_amount)
        if not rules.notional_ok(amount, market=True):
            raise FilterRejected(f"{amount} {rules.quote} below min notional", venue=c.VENUE)
        params = {"side": Side.BUY.value, "type": "MARKET", "quoteOrderQty": amount}
        return await self._place(symbol, client_order_id, params)

    async def market_sell_base(
        self, symbol: str, qty: Decimal, client_order_id: str
    ) -> OrderResult:
        rules = await self.symbol_rules(symbol)
        qty = rules.floor_qty(qty, market=True)
        if not rules.qty_ok(qty, market=True):
            raise FilterRejected(f"quantity {qty} outside market lot size", venue=c.VENUE)
        params = {"side": Side.SELL.value, "type": "MARKET", "quantity": qty}
        return await self._place(symbol, client_order_id, params)

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
        params: dict[str, object] = {"side": side.value, "quantity": qty, "price": price}
        if post_only:
            params["type"] = "LIMIT_MAKER"  # maker-only; takes no timeInForce
        else:
            params.update(type="LIMIT", timeInForce=time_in_force.value)
        return await self._place(symbol, client_order_id, params)

    async def _place(self, symbol: str, client_order_id: str, params: Params) -> OrderResult:
        """Send the order ONCE (a POST is never retried); expect its stream event."""
        full = {
            "symbol": symbol,
            **params,
            "newClientOrderId": client_order_id,
            "newOrderRespType": c.RESP_TYPE_FULL,
        }
        if self._streaming:
            self.expectations.expect(client_order_id)
        try:
            data = await self.rest.signed("POST", c.ORDER, full, client_order_id=client_order_id)
        except ExchangeError:
            # refused, or unknown (reconciliation decides): no stream event is owed for sure
            self.expectations.seen(client_order_id)
            raise
        return parse_order(data)

    async def get_order(self, symbol: str, client_order_id: str) -> OrderResult:
        params = {"symbol": symbol, "origClientOrderId": client_order_id}
        return parse_order(await self.rest.signed("GET", c.ORDER, params))

    async def cancel_order(self, symbol: str, client_order_id: str) -> OrderResult:
        """Cancel once; if the reply is lost, report the order's state from a lookup instead."""
        params = {"symbol": symbol, "origClientOrderId": client_order_id}
        try:
            data = await self.rest.signed("DELETE", c.ORDER, params, idempotent=False)
        except OutcomeUnknown:
            return await self.get_order(symbol, client_order_id)
        return parse_order(data)

    async def open_orders(self, symbol: str) -> list[OrderResult]:
        data = await self.rest.signed("GET", c.OPEN_ORDERS, {"symbol": symbol})
        return [parse_order(o) for o in data]

    async def fills(self, symbol: str, venue_order_id: str | None = None) -> list[Fill]:
        params: dict[str, object] = {"symbol": symbol}
        if venue_order_id is not None:
            params["orderId"] = venue_order_id
        return [parse_fill(t) for t in await self.rest.signed("GET", c.MY_TRADES, params)]

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
