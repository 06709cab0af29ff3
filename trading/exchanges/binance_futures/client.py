"""Binance USDⓈ-M futures for one API key: the methods the futures product uses.

Exactly-once (docs/protocols.md §10): orders carry a client id derived by the caller from its
natural key (:func:`trading.exchanges.client_ids.client_order_id`). Placement is sent ONCE; on a
timeout / 5xx / ``-1007`` the outcome is unknown and, unless ``reconcile=False``, the order is
looked up by its client id (tolerating the brief "not found" window) — never re-sent. ``-4116``
(duplicate client id) means it was already placed: it is looked up the same way.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from trading.exchanges.binance_futures import constants as c
from trading.exchanges.binance_futures import mapping
from trading.exchanges.binance_futures.account_api import FuturesAccountApi
from trading.exchanges.binance_futures.auth import ApiCredentials
from trading.exchanges.binance_futures.constants import AlgoOrderType, PositionSide, WorkingType
from trading.exchanges.binance_futures.models import (
    AlgoOrder,
    FuturesBalance,
    FuturesEvent,
    FuturesFill,
    Income,
    Kline,
    Leverage,
    Position,
)
from trading.exchanges.binance_futures.rest import FuturesRest
from trading.exchanges.binance_futures.streams import UserStream
from trading.exchanges.environments import Env, endpoints
from trading.exchanges.errors import OutcomeUnknown
from trading.exchanges.http import Sender
from trading.exchanges.reconcile import Lookup, reconcile_order
from trading.exchanges.reconnect import ReconnectPolicy, StreamGap
from trading.exchanges.types import OrderResult, Side, SymbolRules


def _ms(value: datetime | None) -> int | None:
    return int(value.timestamp() * 1000) if value is not None else None


def _num(value: Decimal | None) -> str | None:
    return format(value, "f") if value is not None else None


def _sapi_url(env: Env, base_url: str | None) -> str | None:
    """Where ``/sapi`` lives: the spot host on prod, the simulator itself; testnets have none."""
    if env is Env.SIM:
        return base_url or endpoints("binance_futures", env).rest
    if env is Env.PROD:
        return endpoints("binance_spot", env).rest
    return None


class FuturesClient(FuturesAccountApi):
    """Async USDⓈ-M futures client. Close it (or use ``async with``) to release connections."""

    def __init__(
        self,
        credentials: ApiCredentials,
        *,
        env: Env | str = Env.PROD,
        base_url: str | None = None,
        stream_url: str | None = None,
        transport: Sender | None = None,
        timeout: float = 10.0,
        reconcile_sleep: Callable[[float], Awaitable[None]] | None = None,
        rules_cache: dict[str, SymbolRules] | None = None,
    ) -> None:
        """``rules_cache``: a dict shared by the clients of one environment (symbol rules are the
        same for every key), so only the first client fetches ``exchangeInfo``."""
        self.rest = FuturesRest(
            credentials, env=env, base_url=base_url, transport=transport, timeout=timeout
        )
        sapi = _sapi_url(Env(env), base_url)
        self.sapi = (
            FuturesRest(credentials, env=env, base_url=sapi, transport=transport, timeout=timeout)
            if sapi
            else None
        )
        self.stream_url = stream_url or endpoints("binance_futures", env).ws
        self._rules: dict[str, SymbolRules] = rules_cache if rules_cache is not None else {}
        self._brackets = {}
        self._reconcile_kw: dict[str, Any] = (
            {"sleep": reconcile_sleep} if reconcile_sleep is not None else {}
        )

    async def close(self) -> None:
        await self.rest.close()
        if self.sapi is not None:
            await self.sapi.close()

    async def __aenter__(self) -> FuturesClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --- market data / rules -----------------------------------------------------------------

    async def exchange_info(self) -> dict[str, SymbolRules]:
        """Rules of every symbol (cached for :meth:`symbol_rules`)."""
        body = await self.rest.public("GET", c.EXCHANGE_INFO)
        self._rules.update({s["symbol"]: mapping.parse_symbol_rules(s) for s in body["symbols"]})
        return dict(self._rules)

    async def symbol_rules(self, symbol: str) -> SymbolRules:
        if symbol not in self._rules:
            await self.exchange_info()
        return self._rules[symbol]

    async def klines(
        self,
        symbol: str,
        interval: str,
        *,
        limit: int = 500,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[Kline]:
        params = {
            "symbol": symbol,
            "interval": interval,
            "startTime": _ms(start),
            "endTime": _ms(end),
            "limit": min(limit, c.KLINES_MAX_LIMIT),
        }
        rows = await self.rest.public("GET", c.KLINES, params)
        return [mapping.parse_kline(row) for row in rows]

    # --- account ---------------------------------------------------------------------------------

    async def set_leverage(self, symbol: str, leverage: int) -> Leverage:
        if not 1 <= leverage <= 125:
            raise ValueError("leverage must be 1..125")
        body = await self.rest.signed("POST", c.LEVERAGE, {"symbol": symbol, "leverage": leverage})
        return mapping.parse_leverage(body)

    async def balances(self) -> dict[str, FuturesBalance]:
        return mapping.parse_balances(await self.rest.signed("GET", c.ACCOUNT))

    async def positions(self, symbol: str | None = None, *, v2: bool = False) -> list[Position]:
        """``positionRisk`` (v3 by default: only symbols with a position or open orders)."""
        path = c.POSITION_RISK_V2 if v2 else c.POSITION_RISK_V3
        rows = await self.rest.signed("GET", path, {"symbol": symbol})
        return [mapping.parse_position(r) for r in rows]

    async def user_trades(
        self,
        symbol: str,
        *,
        order_id: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        from_id: int | None = None,
        limit: int | None = None,
    ) -> list[FuturesFill]:
        params = {
            "symbol": symbol,
            "orderId": order_id,
            "startTime": _ms(start),
            "endTime": _ms(end),
            "fromId": from_id,
            "limit": limit,
        }
        rows = await self.rest.signed("GET", c.USER_TRADES, params)
        return [mapping.parse_user_trade(r) for r in rows]

    async def income(
        self,
        *,
        symbol: str | None = None,
        income_type: str | None = c.INCOME_REALIZED_PNL,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int | None = None,
    ) -> list[Income]:
        """Income history (realized PnL by default; ``income_type=None`` for every kind)."""
        params = {
            "symbol": symbol,
            "incomeType": income_type,
            "startTime": _ms(start),
            "endTime": _ms(end),
            "limit": limit,
        }
        rows = await self.rest.signed("GET", c.INCOME, params)
        return [mapping.parse_income(r) for r in rows]

    # --- orders ------------------------------------------------------------------------------

    async def place_market_order(
        self,
        symbol: str,
        side: Side,
        quantity: Decimal,
        client_order_id: str,
        *,
        reduce_only: bool = False,
        position_side: PositionSide | None = None,
        reconcile: bool = True,
    ) -> OrderResult:
        """MARKET order with ``newOrderRespType=RESULT`` (the reply is the final FILLED state)."""
        params = {
            "symbol": symbol,
            "side": Side(side).value,
            "type": "MARKET",
            "quantity": _num(quantity),
            "newClientOrderId": client_order_id,
            "newOrderRespType": c.RESP_TYPE_RESULT,
            "positionSide": position_side.value if position_side else None,
            "reduceOnly": "true" if reduce_only else None,
        }
        try:
            body = await self.rest.signed("POST", c.ORDER, params, client_order_id=client_order_id)
        except OutcomeUnknown as exc:
            if not reconcile and exc.code != str(c.E_DUPLICATED_CLIENT_ID):
                raise
            return await self.reconcile_order(symbol, client_order_id)
        return mapping.parse_order(body)

    async def get_order(self, symbol: str, client_order_id: str) -> OrderResult:
        """By client id; ``OrderNotFound`` (-2013) when Binance does not know it (yet)."""
        params = {"symbol": symbol, "origClientOrderId": client_order_id}
        return mapping.parse_order(await self.rest.signed("GET", c.ORDER, params))

    async def cancel_order(self, symbol: str, client_order_id: str) -> OrderResult:
        params = {"symbol": symbol, "origClientOrderId": client_order_id}
        return mapping.parse_order(await self.rest.signed("DELETE", c.ORDER, params))

    async def open_orders(self, symbol: str | None = None) -> list[OrderResult]:
        rows = await self.rest.signed("GET", c.OPEN_ORDERS, {"symbol": symbol})
        return [mapping.parse_order(r) for r in rows]

    async def reconcile_order(self, symbol: str, client_order_id: str) -> OrderResult:
        """Resolve an unknown outcome by lookups only (``NotPlaced`` / ``OutcomeUnknown``)."""
        return await reconcile_order(
            lambda cid: self.get_order(symbol, cid), client_order_id, **self._reconcile_kw
        )

    # --- algo (TP/SL) orders --------------------------------------------------------------------

    async def place_algo_order(
        self,
        symbol: str,
        side: Side,
        order_type: AlgoOrderType,
        trigger_price: Decimal | None,
        client_algo_id: str,
        *,
        quantity: Decimal | None = None,
        close_position: bool = False,
        reduce_only: bool = False,
        working_type: WorkingType = WorkingType.MARK_PRICE,
        position_side: PositionSide | None = None,
        activate_price: Decimal | None = None,
        callback_rate: Decimal | None = None,
        reconcile: bool = True,
    ) -> AlgoOrder:
        """A STOP_MARKET / TAKE_PROFIT_MARKET through the algo service (``/fapi/v1/order``
        refuses conditional types with -4120). ``close_position`` closes the whole position on
        trigger and excludes ``quantity``/``reduce_only``."""
        params = algo_params(
            symbol, side, order_type, trigger_price, client_algo_id,
            quantity=quantity, close_position=close_position, reduce_only=reduce_only,
            working_type=working_type,
        )  # fmt: skip
        params.update(
            positionSide=position_side.value if position_side else None,
            activatePrice=_num(activate_price),
            callbackRate=_num(callback_rate),
        )
        try:
            body = await self.rest.signed(
                "POST", c.ALGO_ORDER, params, client_order_id=client_algo_id
            )
        except OutcomeUnknown as exc:
            if not reconcile and exc.code != str(c.E_DUPLICATED_CLIENT_ID):
                raise
            return await self.reconcile_algo_order(client_algo_id)
        return mapping.parse_algo_order(body)

    async def place_tp_sl(
        self,
        symbol: str,
        entry_side: Side,
        *,
        take_profit: Decimal | None,
        stop_loss: Decimal | None,
        client_algo_ids: tuple[str, str],
    ) -> list[AlgoOrder]:
        """Close-position TP and/or SL for a position opened with ``entry_side``."""
        exit_side = Side.SELL if Side(entry_side) is Side.BUY else Side.BUY
        legs = [
            (AlgoOrderType.TAKE_PROFIT_MARKET, take_profit, client_algo_ids[0]),
            (AlgoOrderType.STOP_MARKET, stop_loss, client_algo_ids[1]),
        ]
        return [
            await self.place_algo_order(symbol, exit_side, kind, price, cid, close_position=True)
            for kind, price, cid in legs
            if price is not None
        ]

    async def get_algo_order(self, client_algo_id: str) -> AlgoOrder:
        body = await self.rest.signed("GET", c.ALGO_ORDER, {"clientAlgoId": client_algo_id})
        return mapping.parse_algo_order(body)

    async def cancel_algo_order(self, client_algo_id: str) -> str:
        """Cancel a TP/SL by its client id; returns the algo id Binance cancelled."""
        body = await self.rest.signed("DELETE", c.ALGO_ORDER, {"clientAlgoId": client_algo_id})
        return str(body.get("algoId", ""))

    async def open_algo_orders(self, symbol: str | None = None) -> list[AlgoOrder]:
        rows = await self.rest.signed("GET", c.OPEN_ALGO_ORDERS, {"symbol": symbol})
        if isinstance(rows, dict):  # some versions wrap the list
            rows = rows.get("orders", [])
        return [mapping.parse_algo_order(r) for r in rows]

    async def reconcile_algo_order(self, client_algo_id: str) -> AlgoOrder:
        # reconcile_order is typed for OrderResult but only passes the lookup's value through.
        lookup = cast(Lookup, self.get_algo_order)
        found = await reconcile_order(lookup, client_algo_id, **self._reconcile_kw)
        return cast(AlgoOrder, found)

    # --- user data stream ------------------------------------------------------------------------

    async def new_listen_key(self) -> str:
        return str((await self.rest.keyed("POST", c.LISTEN_KEY))["listenKey"])

    async def keepalive_listen_key(self) -> None:
        await self.rest.keyed("PUT", c.LISTEN_KEY)

    async def close_listen_key(self) -> None:
        await self.rest.keyed("DELETE", c.LISTEN_KEY)

    def user_stream(
        self,
        *,
        policy: ReconnectPolicy | None = None,
        keepalive_s: float = c.LISTEN_KEY_KEEPALIVE_S,
    ) -> AsyncIterator[FuturesEvent | StreamGap]:
        """Typed user-stream events forever, with keepalive and reconnect (a ``StreamGap`` after
        each reconnect: reconcile positions and orders over REST)."""
        return UserStream(self, self.stream_url, keepalive_s=keepalive_s).events(policy)


def algo_params(
    symbol: str,
    side: Side,
    order_type: AlgoOrderType,
    trigger_price: Decimal | None,
    client_algo_id: str,
    *,
    quantity: Decimal | None,
    close_position: bool,
    reduce_only: bool,
    working_type: WorkingType,
) -> dict[str, Any]:
    """Parameters of ``POST /fapi/v1/algoOrder`` (validated like Binance does)."""
    if close_position and (quantity is not None or reduce_only):
        raise ValueError("closePosition cannot be combined with quantity or reduceOnly")
    if not close_position and quantity is None:
        raise ValueError("quantity is required unless close_position")
    return {
        "algoType": c.ALGO_TYPE_CONDITIONAL,
        "symbol": symbol,
        "side": Side(side).value,
        "type": AlgoOrderType(order_type).value,
        "triggerPrice": _num(trigger_price),
        "quantity": _num(quantity),
        "closePosition": "true" if close_position else None,
        "reduceOnly": "true" if reduce_only else None,
        "workingType": WorkingType(working_type).value,
        "clientAlgoId": client_algo_id,
        "newOrderRespType": c.RESP_TYPE_RESULT,
    }
