"""Bitget v2 REST endpoints as raw ASGI handlers: public time/symbols/tickers, spot account and
trade. Envelope ``{"code":"00000","msg":"success","requestTime":ms,"data":...}``; errors carry the
venue's string code with HTTP 400 (429 for rate limits, 5xx under ``error_after_exec``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from exchange_sim.asgi import Receive, Scope, Send, abort_connection, header, read_body, send_json
from exchange_sim.bitget import engine, market, views
from exchange_sim.bitget.auth import authenticate
from exchange_sim.bitget.state import BgOrder, BitgetAccount, BitgetError, BitgetVenue
from exchange_sim.bitget.symbols import CHAINS, SYMBOLS, coin_json, margin_json, symbol_json
from exchange_sim.numbers import plain

Handler = Callable[[BitgetVenue, BitgetAccount | None, dict[str, str]], Any]


@dataclass(frozen=True)
class Endpoint:
    handler: Handler
    private: bool = True
    order: bool = False


def server_time(venue: BitgetVenue, account: BitgetAccount | None, q: dict[str, str]) -> Any:
    return {"serverTime": str(venue.world.clock_ms())}


def symbols(venue: BitgetVenue, account: BitgetAccount | None, q: dict[str, str]) -> Any:
    chosen = [q["symbol"].upper()] if q.get("symbol") else list(SYMBOLS)
    if any(name not in SYMBOLS for name in chosen):
        raise BitgetError("40034", "Parameter symbol does not exist")
    return [symbol_json(SYMBOLS[name]) for name in chosen]


def coins(venue: BitgetVenue, account: BitgetAccount | None, q: dict[str, str]) -> Any:
    """``GET /api/v2/spot/public/coins``: the coins of the simulated pairs, one or all."""
    names = sorted(CHAINS)
    coin = q.get("coin", "").upper()
    if coin and coin not in CHAINS:
        raise BitgetError("40034", "Parameter coin does not exist")
    return [coin_json(name, i + 1) for i, name in enumerate(names) if not coin or name == coin]


def margin_currencies(venue: BitgetVenue, account: BitgetAccount | None, q: dict[str, str]) -> Any:
    """``GET /api/v2/margin/currencies``: the margin listing ccxt reads while loading markets."""
    return [margin_json(spec) for spec in SYMBOLS.values()]


def tickers(venue: BitgetVenue, account: BitgetAccount | None, q: dict[str, str]) -> Any:
    chosen = [q["symbol"].upper()] if q.get("symbol") else list(SYMBOLS)
    now = str(venue.world.clock_ms())
    out = []
    for name in chosen:
        price = venue.world.market.price(name)
        if name not in SYMBOLS or price is None:
            raise BitgetError("40034", "Parameter symbol does not exist")
        p = plain(price)
        out.append(
            {
                "symbol": name,
                "high24h": p,
                "open": p,
                "low24h": p,
                "lastPr": p,
                "quoteVolume": "0",
                "baseVolume": "0",
                "usdtVolume": "0",
                "bidPr": p,
                "askPr": p,
                "bidSz": "1",
                "askSz": "1",
                "openUtc": p,
                "ts": now,
                "changeUtc24h": "0",
                "change24h": "0",
            }
        )
    return out


def assets(venue: BitgetVenue, account: BitgetAccount | None, q: dict[str, str]) -> Any:
    assert account is not None
    coin = q.get("coin", "").upper()
    held = (q.get("assetType") or "hold_only") == "hold_only"
    rows = [
        views.asset(account, c)
        for c, (available, frozen) in account.balances.items()
        if (not coin or c == coin) and not (held and not coin and available == 0 and frozen == 0)
    ]
    return rows


def place_order(venue: BitgetVenue, account: BitgetAccount | None, body: dict[str, str]) -> Any:
    assert account is not None
    order = engine.place(venue, account, body)
    return {"orderId": order.order_id, "clientOid": order.client_oid}


def _find(venue: BitgetVenue, account: BitgetAccount, q: dict[str, str]) -> BgOrder | None:
    order_id, client_oid = q.get("orderId"), q.get("clientOid")
    if not order_id and not client_oid:
        raise BitgetError("40019", "Parameter orderId or clientOid cannot be empty")
    order = (
        account.orders.get(order_id or "")
        if order_id
        else account.by_client_oid.get(client_oid or "")
    )
    if order is None or (q.get("symbol") and q["symbol"].upper() != order.symbol):
        return None
    if order.hidden_until and venue.world.clock_ms() < order.hidden_until:
        return None
    return order


def cancel_order(venue: BitgetVenue, account: BitgetAccount | None, body: dict[str, str]) -> Any:
    assert account is not None
    engine.spec_of(body)
    order = _find(venue, account, body)
    if order is None or not order.is_open:
        raise BitgetError("43001", "The order does not exist")
    engine.finish(venue, account, order)
    return {"orderId": order.order_id, "clientOid": order.client_oid}


def order_info(venue: BitgetVenue, account: BitgetAccount | None, q: dict[str, str]) -> Any:
    assert account is not None
    order = _find(venue, account, q)
    if order is None:
        raise BitgetError("43001", "The order does not exist")
    return [views.order_info(order)]


def _visible(venue: BitgetVenue, account: BitgetAccount, q: dict[str, str]) -> list[BgOrder]:
    now = venue.world.clock_ms()
    symbol = q.get("symbol", "").upper()
    return [
        o
        for o in reversed(account.orders.values())
        if (not symbol or o.symbol == symbol) and not (o.hidden_until and now < o.hidden_until)
    ]


def unfilled_orders(venue: BitgetVenue, account: BitgetAccount | None, q: dict[str, str]) -> Any:
    assert account is not None
    return [views.unfilled(o) for o in _visible(venue, account, q) if o.is_open]


def history_orders(venue: BitgetVenue, account: BitgetAccount | None, q: dict[str, str]) -> Any:
    assert account is not None
    limit = min(int(q.get("limit") or 100), 100)
    done = [o for o in _visible(venue, account, q) if not o.is_open]
    return [views.order_info(o) for o in done[:limit]]


def fills(venue: BitgetVenue, account: BitgetAccount | None, q: dict[str, str]) -> Any:
    assert account is not None
    visible = {o.order_id for o in _visible(venue, account, q)}
    rows = [f for f in reversed(account.fills) if f.order_id in visible]
    if q.get("orderId"):
        rows = [f for f in rows if f.order_id == q["orderId"]]
    limit = min(int(q.get("limit") or 100), 100)
    return [views.fill_json(f, str(account.account_id)) for f in rows[:limit]]


GET, POST = "GET", "POST"
ROUTES: dict[str, tuple[str, Endpoint]] = {
    "/api/v2/public/time": (GET, Endpoint(server_time, private=False)),
    "/api/v2/spot/public/symbols": (GET, Endpoint(symbols, private=False)),
    "/api/v2/spot/market/tickers": (GET, Endpoint(tickers, private=False)),
    "/api/v2/spot/public/coins": (GET, Endpoint(coins, private=False)),
    "/api/v2/spot/market/candles": (GET, Endpoint(market.candles, private=False)),
    "/api/v2/spot/market/orderbook": (GET, Endpoint(market.orderbook, private=False)),
    "/api/v2/margin/currencies": (GET, Endpoint(margin_currencies, private=False)),
    "/api/v2/spot/account/assets": (GET, Endpoint(assets)),
    "/api/v2/spot/trade/place-order": (POST, Endpoint(place_order, order=True)),
    "/api/v2/spot/trade/cancel-order": (POST, Endpoint(cancel_order)),
    "/api/v2/spot/trade/orderInfo": (GET, Endpoint(order_info)),
    "/api/v2/spot/trade/unfilled-orders": (GET, Endpoint(unfilled_orders)),
    "/api/v2/spot/trade/history-orders": (GET, Endpoint(history_orders)),
    "/api/v2/spot/trade/fills": (GET, Endpoint(fills)),
}


def _envelope(venue: BitgetVenue, data: Any) -> dict[str, Any]:
    return {"code": "00000", "msg": "success", "requestTime": venue.world.clock_ms(), "data": data}


def _error(venue: BitgetVenue, code: str, msg: str) -> dict[str, Any]:
    return {"code": code, "msg": msg, "requestTime": venue.world.clock_ms(), "data": None}


def _params(method: str, scope: Scope, body: bytes) -> dict[str, str]:
    if method == "GET":
        return dict(parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True))
    try:
        data = json.loads(body or b"{}")
    except json.JSONDecodeError as exc:
        raise BitgetError("40017", "Parameter verification failed") from exc
    if not isinstance(data, dict):
        raise BitgetError("40017", "Parameter verification failed")
    return {k: str(v) for k, v in data.items() if v is not None}


def make_asgi(venue: BitgetVenue, method: str, endpoint: Endpoint) -> Callable[..., Any]:
    world = venue.world

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        body = await read_body(receive)
        if scope["method"] != method:
            await send_json(send, 404, _error(venue, "40404", "Request URL NOT FOUND"))
            return
        key = header(scope, b"access-key") or (scope.get("client") or ("local",))[0]
        verdict = venue.throttle.check(world.faults, key)
        if verdict is not None:
            await send_json(
                send,
                429,
                _error(venue, "429", "Too Many Requests"),
                [(b"retry-after", str(verdict[1]).encode())],
            )
            return
        try:
            account = authenticate(venue, scope, body) if endpoint.private else None
            params = _params(method, scope, body)
            if endpoint.order and account is not None and _reject_first(venue, account):
                raise BitgetError("40786", "Duplicate clientOid")
            with world.lock:
                data = endpoint.handler(venue, account, params)
        except BitgetError as exc:
            await send_json(send, exc.status, _error(venue, exc.code, exc.msg))
            return
        except (ValueError, TypeError, ArithmeticError):  # e.g. limit=abc
            await send_json(send, 400, _error(venue, "40017", "Parameter verification failed"))
            return
        if endpoint.order and account is not None and await _after(send, venue, account.api_key):
            return
        await send_json(send, 200, _envelope(venue, data))

    return app


def _reject_first(venue: BitgetVenue, account: BitgetAccount) -> bool:
    fault = venue.world.faults.peek("duplicate", account.api_key)
    if fault is None or fault.params.get("execute", True):
        return False
    return venue.world.faults.take("duplicate", account.api_key) is not None


async def _after(send: Send, venue: BitgetVenue, key: str) -> bool:
    faults = venue.world.faults
    fault = faults.take("drop_reply", key)
    if fault is not None:
        hang = int(fault.params.get("ms", 30_000)) if fault.params.get("mode") == "hang" else 0
        await abort_connection(send, hang)
        return True
    fault = faults.take("error_after_exec", key)
    if fault is not None:
        status = int(fault.params.get("status", 503))
        await send_json(send, status, _error(venue, "40010", "Request timed out"))
        return True
    if faults.take("duplicate", key) is not None:
        await send_json(send, 400, _error(venue, "40786", "Duplicate clientOid"))
        return True
    return False


def fast_routes(venue: BitgetVenue) -> dict[str, Callable[..., Any]]:
    return {path: make_asgi(venue, method, ep) for path, (method, ep) in ROUTES.items()}
