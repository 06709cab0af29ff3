"""Binance spot REST endpoints under ``/api/v3`` as raw ASGI handlers (the hot path).

Each path maps methods to an ``Endpoint`` (handler, weight, security). The dispatcher reads the
raw query and body, applies the ``rate_limit`` fault, authenticates SIGNED calls, runs the handler
under ``world.lock`` and answers JSON with the weight / order-count headers; order placement then
gets the post-execution faults (``drop_reply``, ``error_after_exec``, ``duplicate``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from exchange_sim.asgi import Headers, Receive, Scope, Send, abort_connection, header, read_body
from exchange_sim.asgi import send_json as _send_json
from exchange_sim.binance_spot import engine, market_data, sapi, views
from exchange_sim.binance_spot.auth import (
    account_for_key,
    check_timestamp,
    parse_params,
    verify_rest,
)
from exchange_sim.binance_spot.state import BinanceError, Order, SpotAccount, SpotVenue
from exchange_sim.binance_spot.symbols import SYMBOLS, exchange_info
from exchange_sim.binance_spot.validate import mandatory, parse_new_order, require, symbol_spec

Handler = Callable[[SpotVenue, SpotAccount | None, dict[str, str]], Any]


@dataclass(frozen=True)
class Endpoint:
    handler: Handler
    weight: int = 1
    security: str = "NONE"  # NONE | API_KEY | SIGNED
    order: bool = False  # counts as an order (order-count headers, post-execution faults)


# -- handlers (run under world.lock) ------------------------------------------------------------


def ping(venue: SpotVenue, account: SpotAccount | None, params: dict[str, str]) -> Any:
    return {}


def server_time(venue: SpotVenue, account: SpotAccount | None, params: dict[str, str]) -> Any:
    return {"serverTime": venue.world.clock_ms()}


def exchange_info_get(venue: SpotVenue, account: SpotAccount | None, p: dict[str, str]) -> Any:
    names: list[str] | None = None
    if p.get("symbol"):
        names = [p["symbol"].upper()]
    elif p.get("symbols"):
        try:
            names = [str(n).upper() for n in json.loads(p["symbols"])]
        except (ValueError, TypeError) as exc:
            raise mandatory("symbols") from exc
    if names and any(n not in SYMBOLS for n in names):
        raise BinanceError(-1121, "Invalid symbol.")
    return exchange_info(venue.world.clock_ms(), names)


def ticker_price(venue: SpotVenue, account: SpotAccount | None, p: dict[str, str]) -> Any:
    prices = venue.world.market.prices()
    if p.get("symbol"):
        spec = symbol_spec(p)
        return {"symbol": spec.symbol, "price": f"{prices[spec.symbol]:.8f}"}
    return [{"symbol": s, "price": f"{prices[s]:.8f}"} for s in SYMBOLS if s in prices]


def account_get(venue: SpotVenue, account: SpotAccount | None, p: dict[str, str]) -> Any:
    assert account is not None
    return views.account_json(account, p.get("omitZeroBalances") == "true")


def order_post(venue: SpotVenue, account: SpotAccount | None, p: dict[str, str]) -> Any:
    assert account is not None
    req = parse_new_order(p)
    order = engine.place(venue, account, req)
    if req.resp_type == "ACK":
        return views.order_ack(order, order.time)
    if req.resp_type == "RESULT":
        return views.order_result(order, order.time)
    return views.order_full(order, order.time)


def order_test(venue: SpotVenue, account: SpotAccount | None, p: dict[str, str]) -> Any:
    engine.check(venue, parse_new_order(p))
    return {}


def find_order(venue: SpotVenue, account: SpotAccount, p: dict[str, str]) -> Order | None:
    spec = symbol_spec(p)
    order_id, client_id = p.get("orderId"), p.get("origClientOrderId")
    if not order_id and not client_id:
        raise BinanceError(
            -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!"
        )
    if order_id:
        order = account.orders.get(int(order_id)) if order_id.isdigit() else None
    else:
        order = account.by_client_id.get(client_id or "")
    if order is None or order.symbol != spec.symbol:
        return None
    if order.hidden_until and venue.world.clock_ms() < order.hidden_until:
        return None
    return order


def order_get(venue: SpotVenue, account: SpotAccount | None, p: dict[str, str]) -> Any:
    assert account is not None
    order = find_order(venue, account, p)
    if order is None:
        raise BinanceError(-2013, "Order does not exist.")
    return views.order_query(order)


def order_delete(venue: SpotVenue, account: SpotAccount | None, p: dict[str, str]) -> Any:
    assert account is not None
    order = find_order(venue, account, p)
    if order is None or not order.is_open:
        raise BinanceError(-2011, "Unknown order sent.")
    cancel_id = engine.cancel(venue, account, order, p.get("newClientOrderId"))
    return views.order_canceled(order, cancel_id, order.update_time)


def _visible_open(venue: SpotVenue, account: SpotAccount, symbol: str | None) -> list[Order]:
    now = venue.world.clock_ms()
    return [
        o
        for o in account.open_orders.values()
        if (symbol is None or o.symbol == symbol) and not (o.hidden_until and now < o.hidden_until)
    ]


def open_orders_get(venue: SpotVenue, account: SpotAccount | None, p: dict[str, str]) -> Any:
    assert account is not None
    symbol = symbol_spec(p).symbol if p.get("symbol") else None
    return [views.order_query(o) for o in _visible_open(venue, account, symbol)]


def open_orders_delete(venue: SpotVenue, account: SpotAccount | None, p: dict[str, str]) -> Any:
    assert account is not None
    symbol = symbol_spec(p).symbol
    orders = [o for o in account.open_orders.values() if o.symbol == symbol]
    if not orders:
        raise BinanceError(-2011, "Unknown order sent.")
    out = []
    for order in orders:
        cancel_id = engine.cancel(venue, account, order, None)
        out.append(views.order_canceled(order, cancel_id, order.update_time))
    return out


def all_orders(venue: SpotVenue, account: SpotAccount | None, p: dict[str, str]) -> Any:
    """``GET /api/v3/allOrders``: this symbol's orders from ``orderId`` on, oldest first."""
    assert account is not None
    symbol = symbol_spec(p).symbol
    now = venue.world.clock_ms()
    orders = [o for o in account.orders.values() if o.symbol == symbol and now >= o.hidden_until]
    if p.get("orderId"):
        orders = [o for o in orders if o.order_id >= int(p["orderId"])]
    if p.get("startTime"):
        orders = [o for o in orders if o.time >= int(p["startTime"])]
    if p.get("endTime"):
        orders = [o for o in orders if o.time <= int(p["endTime"])]
    limit = min(int(p.get("limit") or 500), 1000)
    return [views.order_query(o) for o in orders[:limit]]


def my_trades(venue: SpotVenue, account: SpotAccount | None, p: dict[str, str]) -> Any:
    assert account is not None
    symbol = symbol_spec(p).symbol
    now = venue.world.clock_ms()
    trades = [t for t in account.trades if t.symbol == symbol]
    hidden = {o.order_id for o in account.open_orders.values() if now < o.hidden_until}
    hidden |= {t.order_id for t in trades if now < account.orders[t.order_id].hidden_until}
    trades = [t for t in trades if t.order_id not in hidden]
    if p.get("orderId"):
        trades = [t for t in trades if str(t.order_id) == p["orderId"]]
    if p.get("fromId"):
        trades = [t for t in trades if t.id >= int(p["fromId"])]
    if p.get("startTime"):
        trades = [t for t in trades if t.time >= int(p["startTime"])]
    if p.get("endTime"):
        trades = [t for t in trades if t.time <= int(p["endTime"])]
    limit = min(int(p.get("limit") or 500), 1000)
    return [views.my_trade(t) for t in trades[:limit]]


def _user_stream(action: str) -> Handler:
    def handler(venue: SpotVenue, account: SpotAccount | None, p: dict[str, str]) -> Any:
        assert account is not None
        if action == "start":
            return {"listenKey": venue.listen_key_for(account)}
        key = require(p, "listenKey")
        if venue.listen_key_owner.get(key) is not account:
            raise BinanceError(-1125, "This listenKey does not exist.")
        if action == "close":
            venue.close_listen_key(key)
        return {}

    return handler


ROUTES: dict[str, dict[str, Endpoint]] = {
    "/api/v3/ping": {"GET": Endpoint(ping)},
    "/api/v3/time": {"GET": Endpoint(server_time)},
    "/api/v3/exchangeInfo": {"GET": Endpoint(exchange_info_get, weight=20)},
    "/api/v3/ticker/price": {"GET": Endpoint(ticker_price, weight=2)},
    "/api/v3/ticker/24hr": {"GET": Endpoint(market_data.ticker_24hr, weight=2)},
    "/api/v3/ticker/bookTicker": {"GET": Endpoint(market_data.book_ticker, weight=2)},
    "/api/v3/avgPrice": {"GET": Endpoint(market_data.avg_price, weight=2)},
    "/api/v3/klines": {"GET": Endpoint(market_data.klines, weight=2)},
    "/api/v3/uiKlines": {"GET": Endpoint(market_data.klines, weight=2)},
    "/api/v3/depth": {"GET": Endpoint(market_data.depth, weight=5)},
    "/sapi/v1/margin/allPairs": {
        "GET": Endpoint(sapi.margin_all_pairs, weight=1, security="API_KEY")
    },
    "/sapi/v1/margin/isolated/allPairs": {
        "GET": Endpoint(sapi.isolated_all_pairs, weight=10, security="SIGNED")
    },
    "/sapi/v1/capital/config/getall": {
        "GET": Endpoint(sapi.capital_config, weight=10, security="SIGNED")
    },
    "/api/v3/account": {"GET": Endpoint(account_get, weight=20, security="SIGNED")},
    "/api/v3/order": {
        "POST": Endpoint(order_post, weight=1, security="SIGNED", order=True),
        "GET": Endpoint(order_get, weight=4, security="SIGNED"),
        "DELETE": Endpoint(order_delete, weight=1, security="SIGNED"),
    },
    "/api/v3/order/test": {"POST": Endpoint(order_test, weight=1, security="SIGNED")},
    "/api/v3/openOrders": {
        "GET": Endpoint(open_orders_get, weight=6, security="SIGNED"),
        "DELETE": Endpoint(open_orders_delete, weight=1, security="SIGNED"),
    },
    "/api/v3/allOrders": {"GET": Endpoint(all_orders, weight=20, security="SIGNED")},
    "/api/v3/myTrades": {"GET": Endpoint(my_trades, weight=20, security="SIGNED")},
    "/api/v3/userDataStream": {
        "POST": Endpoint(_user_stream("start"), weight=2, security="API_KEY"),
        "PUT": Endpoint(_user_stream("keepalive"), weight=2, security="API_KEY"),
        "DELETE": Endpoint(_user_stream("close"), weight=2, security="API_KEY"),
    },
}


# -- dispatcher -----------------------------------------------------------------------------


def _weight_header(venue: SpotVenue, ip: str, weight: int) -> Headers:
    minute = venue.world.clock_ms() // 60000
    used = venue.weights.get(ip)
    if used is None or used[0] != minute:
        used = venue.weights[ip] = [minute, 0]
    used[1] += weight
    value = str(used[1]).encode()
    return [(b"x-mbx-used-weight", value), (b"x-mbx-used-weight-1m", value)]


def _order_headers(venue: SpotVenue, account: SpotAccount) -> Headers:
    now = venue.world.clock_ms()
    out = []
    for name, span in (("10s", 10_000), ("1d", 86_400_000)):
        window = now // span
        count = account.order_counts.get(name)
        if count is None or count[0] != window:
            count = account.order_counts[name] = [window, 0]
        count[1] += 1
        out.append((f"x-mbx-order-count-{name}".encode(), str(count[1]).encode()))
    return out


def _error(exc: BinanceError) -> dict[str, Any]:
    return {"code": exc.code, "msg": exc.msg}


async def _refuse(send: Send, venue: SpotVenue, key: str, weight: Headers) -> bool:
    verdict = venue.throttle.check(venue.world.faults, key)
    if verdict is None:
        return False
    status, retry_after = verdict
    if status == 418:
        until = venue.world.clock_ms() + retry_after * 1000
        msg = f"Way too much request weight used; IP banned until {until}."
    else:
        msg = (
            "Too much request weight used; current limit is 6000 request weight per 1 MINUTE. "
            "Please use WebSocket Streams for live updates to avoid polling the API."
        )
    headers = [(b"retry-after", str(retry_after).encode()), *weight]
    await _send_json(send, status, {"code": -1003, "msg": msg}, headers)
    return True


def make_asgi(venue: SpotVenue, methods: dict[str, Endpoint]) -> Callable[..., Any]:
    world = venue.world

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = methods.get(scope["method"])
        body = await read_body(receive)
        if endpoint is None:  # as for an unknown path (exchange_sim/not_found.py)
            msg = f"Path {scope['path']}, Method {scope['method']} is invalid"
            await _send_json(send, 404, {"code": -5000, "msg": msg})
            return
        ip = scope["client"][0] if scope.get("client") else "local"
        api_key = header(scope, b"x-mbx-apikey")
        headers = _weight_header(venue, ip, endpoint.weight)
        if await _refuse(send, venue, api_key or ip, headers):
            return
        ctype = header(scope, b"content-type") or ""
        try:
            params = parse_params(
                scope["query_string"], body, not ctype.startswith("application/json")
            )
            account = _caller(venue, endpoint, scope, body, params, api_key)
            if endpoint.order and account is not None and _reject_first(venue, account):
                raise BinanceError(-2010, "Duplicate order sent.")
            with world.lock:
                result = endpoint.handler(venue, account, params)
        except BinanceError as exc:
            await _send_json(send, exc.status, _error(exc), headers)
            return
        except (ValueError, TypeError, ArithmeticError):  # e.g. limit=abc, orderId=1e3
            error = {"code": -1100, "msg": "Illegal characters found in a parameter."}
            await _send_json(send, 400, error, headers)
            return
        if endpoint.order and account is not None:
            headers += _order_headers(venue, account)
            if await _after_execution(send, venue, account.api_key, headers):
                return
        await _send_json(send, 200, result, headers)

    return app


def _caller(
    venue: SpotVenue,
    endpoint: Endpoint,
    scope: Scope,
    body: bytes,
    params: dict[str, str],
    api_key: str | None,
) -> SpotAccount | None:
    """The calling account (``None`` on a public endpoint); a SIGNED call's timestamp and
    signature are checked first."""
    account = None
    if endpoint.security != "NONE":
        account = account_for_key(venue, api_key)
    if endpoint.security == "SIGNED":
        assert account is not None
        check_timestamp(venue, params)
        verify_rest(account, scope["query_string"], body)
    return account


def _reject_first(venue: SpotVenue, account: SpotAccount) -> bool:
    """The ``duplicate`` fault with ``execute: false``: refuse before the engine sees it."""
    fault = venue.world.faults.peek("duplicate", account.api_key)
    if fault is None or fault.params.get("execute", True):
        return False
    return venue.world.faults.take("duplicate", account.api_key) is not None


async def _after_execution(send: Send, venue: SpotVenue, key: str, headers: Headers) -> bool:
    """Post-execution faults: the order exists, but the client does not learn it cleanly."""
    faults = venue.world.faults
    fault = faults.take("drop_reply", key)
    if fault is not None:
        hang = int(fault.params.get("ms", 30_000)) if fault.params.get("mode") == "hang" else 0
        await abort_connection(send, hang)
        return True
    fault = faults.take("error_after_exec", key)
    if fault is not None:
        code = int(fault.params.get("code", 0))
        if code == -1007:
            msg = (
                "Timeout waiting for response from backend server. "
                "Send status unknown; execution status unknown."
            )
            await _send_json(
                send, int(fault.params.get("status", 408)), {"code": -1007, "msg": msg}, headers
            )
        else:
            msg = "Internal error; unable to process your request. Please try again."
            await _send_json(
                send, int(fault.params.get("status", 503)), {"code": -1001, "msg": msg}, headers
            )
        return True
    if faults.take("duplicate", key) is not None:
        await _send_json(send, 400, {"code": -2010, "msg": "Duplicate order sent."}, headers)
        return True
    return False


def fast_routes(venue: SpotVenue) -> dict[str, Callable[..., Any]]:
    return {path: make_asgi(venue, methods) for path, methods in ROUTES.items()}
