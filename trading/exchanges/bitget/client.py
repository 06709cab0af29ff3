"""Bitget spot v2 account client implementing :class:`trading.exchanges.base.SpotVenue`.

Bitget's place-order reply carries only ids, so after placing we read the order back by
``clientOid`` (tolerating the brief not-found window) to return fills and status like Binance.
"""

from __future__ import annotations

import dataclasses
import time
from decimal import Decimal
from typing import Any

from trading.exchanges.base import SpotCapabilities
from trading.exchanges.bitget import constants as c
from trading.exchanges.bitget.auth import BitgetCredentials
from trading.exchanges.bitget.mapping import (
    parse_assets,
    parse_fill,
    parse_order,
    parse_symbol_rules,
)
from trading.exchanges.bitget.rest import BitgetRest, Params
from trading.exchanges.bitget.streams import PrivateStream
from trading.exchanges.environments import Env, endpoints
from trading.exchanges.errors import (
    ExchangeError,
    OrderNotFound,
    OutcomeUnknown,
    ProtocolError,
)
from trading.exchanges.http import HttpTransport, Sender
from trading.exchanges.ratelimit import RateLimiter, limiter_for
from trading.exchanges.reconcile import reconcile_order
from trading.exchanges.reconnect import ReconnectPolicy
from trading.exchanges.spot_orders import SpotOrderPath
from trading.exchanges.types import (
    ZERO,
    Balance,
    Fill,
    OrderResult,
    OrderStatus,
    Side,
    SymbolRules,
    TimeInForce,
)

CAPABILITIES = SpotCapabilities(
    venue=c.VENUE,
    market_buy_by_quote=True,
    market_sell_by_quote=False,
    client_id_max_len=40,
    client_id_unique_while_open_only=True,  # clientOid is idempotent only while unfilled (6 h)
    cancel_is_post=True,
    fee_in_base_on_buy=True,
    not_found_window_s=2.0,
    user_stream="private_ws",
)
FORCE = {TimeInForce.GTC: "gtc", TimeInForce.IOC: "ioc", TimeInForce.FOK: "fok"}


class BitgetSpotClient(SpotOrderPath):
    """One Bitget spot account (API key + secret + passphrase)."""

    capabilities = CAPABILITIES
    market_lot_rule = "lot size"  # Bitget has one quantity rule for every order type
    rest: BitgetRest
    stream: PrivateStream

    def __init__(
        self,
        api_key: str,
        secret: str,
        passphrase: str,
        *,
        env: Env | str = Env.PROD,
        limiter: RateLimiter | None = None,
        transport: Sender | None = None,
        timeout: float = 10.0,
        stream_policy: ReconnectPolicy | None = None,
        rules_cache: dict[str, SymbolRules] | None = None,
        readback_attempts: int = 4,
        demo_key: bool | None = None,
    ) -> None:
        """``demo_key`` overrides the environment's ``paptrading`` header (a demo-trading key
        talking to another host, e.g. the simulator); by default the environments table decides."""
        ep = endpoints(c.VENUE, env)
        creds = BitgetCredentials(api_key, secret, passphrase)
        headers = dict(ep.extra_headers)  # paptrading: 1 in demo
        if demo_key is not None:
            headers.pop(c.DEMO_HEADER, None)
            headers.update({c.DEMO_HEADER: "1"} if demo_key else {})
        http = HttpTransport(
            ep.rest,
            venue=c.VENUE,
            limiter=limiter or limiter_for(api_key),
            headers=headers,
            timeout=timeout,
            transport=transport,
        )
        self.rest = BitgetRest(http, creds)
        self.stream = PrivateStream(ep.ws, creds, self.rest.time)
        self._init_order_path(stream_policy, rules_cache)
        self.readback_attempts = readback_attempts

    async def balances(self) -> dict[str, Balance]:
        rows = await self.rest.get(c.ASSETS)
        return {a: b for a, b in parse_assets(rows).items() if b.total > 0}

    async def free(self, asset: str) -> Decimal:
        balance = (await self.balances()).get(asset.upper())
        return balance.free if balance else ZERO

    async def _fetch_rules(self, symbol: str) -> SymbolRules:
        rows = await self.rest.public(c.SYMBOLS, {"symbol": symbol})
        matches = [r for r in rows or [] if r["symbol"] == symbol]
        if not matches:
            raise ProtocolError(f"symbols has no {symbol}", venue=c.VENUE)
        return parse_symbol_rules(matches[0])

    def _market_buy_params(self, quote_amount: Decimal) -> Params:
        """Market BUY: Bitget's ``size`` is the quote amount to spend."""
        return {"side": "buy", "orderType": "market", "force": "gtc", "size": quote_amount}

    def _market_sell_params(self, qty: Decimal) -> Params:
        return {"side": "sell", "orderType": "market", "force": "gtc", "size": qty}

    def _limit_params(
        self, side: Side, qty: Decimal, price: Decimal, time_in_force: TimeInForce, post_only: bool
    ) -> Params:
        force = "post_only" if post_only else FORCE[time_in_force]
        body = {"side": side.value.lower(), "orderType": "limit", "force": force}
        return {**body, "price": price, "size": qty}

    async def _send_order(self, symbol: str, client_order_id: str, params: Params) -> Any:
        full = {"symbol": symbol, **params, "clientOid": client_order_id}
        return await self.rest.post(c.PLACE_ORDER, full, client_order_id=client_order_id)

    async def _order_reply(self, symbol: str, client_order_id: str, reply: Any) -> OrderResult:
        """The reply carries only ids: read the order back (acknowledged now, not at the read)."""
        acked_ms = int(time.time() * 1000)
        result = await self._read_back(symbol, str(reply["orderId"]), client_order_id)
        return dataclasses.replace(result, acked_ms=acked_ms)

    async def _read_back(self, symbol: str, order_id: str, client_order_id: str) -> OrderResult:
        try:
            return await reconcile_order(
                lambda cid: self.get_order(symbol, cid),
                client_order_id,
                attempts=self.readback_attempts,
                backoff=0.1,
            )
        except ExchangeError:  # accepted for sure; details will come from the stream or a lookup
            return OrderResult(symbol, order_id, client_order_id, OrderStatus.NEW)

    async def get_order(self, symbol: str, client_order_id: str) -> OrderResult:
        rows = await self.rest.get(c.ORDER_INFO, {"clientOid": client_order_id})
        if not rows:
            raise OrderNotFound(f"no order {client_order_id}", venue=c.VENUE)
        return parse_order(rows[0])

    async def cancel_order(self, symbol: str, client_order_id: str) -> OrderResult:
        """Cancel by clientOid (a POST: never re-sent), then report the order's state."""
        body = {"symbol": symbol, "clientOid": client_order_id}
        try:
            await self.rest.post(c.CANCEL_ORDER, body, client_order_id=client_order_id)
        except OutcomeUnknown:
            pass  # the lookup below tells what happened
        return await self.get_order(symbol, client_order_id)

    async def open_orders(self, symbol: str) -> list[OrderResult]:
        return [parse_order(o) for o in await self.rest.get(c.UNFILLED_ORDERS, {"symbol": symbol})]

    async def fills(
        self, symbol: str, venue_order_id: str | None = None, *, limit: int | None = None
    ) -> list[Fill]:
        params: dict[str, object] = {"symbol": symbol}
        if venue_order_id is not None:
            params["orderId"] = venue_order_id
        if limit is not None:
            params["limit"] = limit
        return [parse_fill(t) for t in await self.rest.get(c.FILLS, params)]
