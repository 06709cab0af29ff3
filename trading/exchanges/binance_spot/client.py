"""Binance spot account client implementing :class:`trading.exchanges.base.SpotVenue`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from decimal import Decimal
from typing import Any

from trading.exchanges.base import SpotCapabilities
from trading.exchanges.binance_spot import constants as c
from trading.exchanges.binance_spot.auth import HmacSigner, Params, Signer, ws_signed_params
from trading.exchanges.binance_spot.mapping import (
    parse_account,
    parse_fill,
    parse_order,
    parse_symbol_rules,
)
from trading.exchanges.binance_spot.rest import BinanceSpotRest
from trading.exchanges.binance_spot.streams import HEARTBEAT_S, UserStream
from trading.exchanges.environments import Env, endpoints
from trading.exchanges.errors import OutcomeUnknown, ProtocolError
from trading.exchanges.http import HttpTransport, Sender
from trading.exchanges.ratelimit import RateLimiter, limiter_for
from trading.exchanges.reconnect import ReconnectPolicy
from trading.exchanges.spot_orders import SpotOrderPath
from trading.exchanges.types import (
    ZERO,
    AccountSnapshot,
    Balance,
    Fill,
    History,
    OrderResult,
    Side,
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


class BinanceSpotClient(SpotOrderPath):
    """One Binance spot account. ``signer`` defaults to HMAC with ``secret``."""

    capabilities = CAPABILITIES
    rest: BinanceSpotRest
    stream: UserStream

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
        heartbeat_s: float = HEARTBEAT_S,
    ) -> None:
        """``heartbeat_s``: how long the user-data socket may be quiet before a WS-API ``ping``."""
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
        self.stream = UserStream(
            ep.ws, api_key, self._signer, self.rest.time, heartbeat_interval=heartbeat_s
        )
        self._init_order_path(stream_policy, rules_cache)

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

    async def account_snapshot(self) -> AccountSnapshot:
        """The account: every listed asset (zero ones too) and its last change (``updateTime``)."""
        return parse_account(await self.rest.signed("GET", c.ACCOUNT, {}))

    async def balances(self) -> dict[str, Balance]:
        snapshot = await self.account_snapshot()
        return {a: b for a, b in snapshot.balances.items() if b.total > 0}

    async def free(self, asset: str) -> Decimal:
        balance = (await self.balances()).get(asset)
        return balance.free if balance else ZERO

    async def _fetch_rules(self, symbol: str) -> SymbolRules:
        info = await self.rest.public("GET", c.EXCHANGE_INFO, {"symbol": symbol})
        matches = [s for s in info.get("symbols", []) if s["symbol"] == symbol]
        if not matches:
            raise ProtocolError(f"exchangeInfo has no {symbol}", venue=c.VENUE)
        return parse_symbol_rules(matches[0])

    def _market_buy_params(self, quote_amount: Decimal) -> Params:
        return {"side": Side.BUY.value, "type": "MARKET", "quoteOrderQty": quote_amount}

    def _market_sell_params(self, qty: Decimal) -> Params:
        return {"side": Side.SELL.value, "type": "MARKET", "quantity": qty}

    def _limit_params(
        self, side: Side, qty: Decimal, price: Decimal, time_in_force: TimeInForce, post_only: bool
    ) -> Params:
        params: dict[str, object] = {"side": side.value, "quantity": qty, "price": price}
        if post_only:
            params["type"] = "LIMIT_MAKER"  # maker-only; takes no timeInForce
        else:
            params.update(type="LIMIT", timeInForce=time_in_force.value)
        return params

    async def _send_order(self, symbol: str, client_order_id: str, params: Params) -> Any:
        full = {
            "symbol": symbol,
            **params,
            "newClientOrderId": client_order_id,
            "newOrderRespType": c.RESP_TYPE_FULL,
        }
        return await self.rest.signed("POST", c.ORDER, full, client_order_id=client_order_id)

    async def _order_reply(self, symbol: str, client_order_id: str, reply: Any) -> OrderResult:
        return parse_order(reply)

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

    async def fills_since(
        self, symbol: str, start_ms: int, *, limit: int, max_pages: int
    ) -> History[Fill]:
        """The account's trades in ``symbol`` since ``start_ms`` (``myTrades``), oldest first."""
        rows, complete = await self._since(
            c.MY_TRADES, symbol, start_ms, limit, max_pages, ("id", "fromId")
        )
        return History([parse_fill(t) for t in rows], complete)

    async def orders_since(
        self, symbol: str, start_ms: int, *, limit: int, max_pages: int
    ) -> History[OrderResult]:
        """The account's orders in ``symbol`` since ``start_ms`` (``allOrders``), oldest first."""
        rows, complete = await self._since(
            c.ALL_ORDERS, symbol, start_ms, limit, max_pages, ("orderId", "orderId")
        )
        return History([parse_order(o) for o in rows], complete)

    async def _since(
        self,
        path: str,
        symbol: str,
        start_ms: int,
        limit: int,
        max_pages: int,
        id_cursor: tuple[str, str],
    ) -> tuple[list[Any], bool]:
        """Rows since ``start_ms``: the first page by time, each next one from the last row's
        id + 1 (``id_cursor``: the row's id field, the request's cursor param); both endpoints
        list oldest first. False when ``max_pages`` full pages were read."""
        key, cursor = id_cursor
        params: dict[str, Any] = {"symbol": symbol, "startTime": start_ms, "limit": limit}
        rows: list[Any] = []
        for _ in range(max_pages):
            page = await self.rest.signed("GET", path, params)
            rows.extend(page)
            if len(page) < limit:
                return rows, True
            params = {"symbol": symbol, cursor: int(page[-1][key]) + 1, "limit": limit}
        return rows, False

    def user_session(self) -> AbstractAsyncContextManager[AsyncIterator[object]]:
        """One subscribed user-data session, for a caller that runs its own reconnect loop
        (:func:`trading.exchanges.reconnect.reconnecting`); it yields the session's events."""
        return self.stream.open_session()

    async def fills(self, symbol: str, venue_order_id: str | None = None) -> list[Fill]:
        params: dict[str, object] = {"symbol": symbol}
        if venue_order_id is not None:
            params["orderId"] = venue_order_id
        return [parse_fill(t) for t in await self.rest.signed("GET", c.MY_TRADES, params)]
