"""Binance USDⓈ-M futures (``/fapi``) for the simulator: orders, algo (TP/SL) orders, positions,
income, klines and the listenKey user stream. State: ``world.venues["binance_futures"]``.

A futures account is created by the control API (``POST /sim/futures/accounts``) or, like on
Binance where one API key serves spot and futures, on first use of a Binance spot API key (with
``FuturesState.default_wallet`` USDT in its futures wallet).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route, WebSocketRoute

from exchange_sim.futures import algo, control, rest_account, rest_market, rest_trade, stream
from exchange_sim.futures.auth import ApiError, api_key_account, read_params, signed
from exchange_sim.futures.hub import Hub
from exchange_sim.futures.klines import PriceHistory
from exchange_sim.futures.market_data import funding_rate, kline_stream
from exchange_sim.futures.replies import raw_endpoint, starlette_endpoint
from exchange_sim.futures.state import FuturesState
from exchange_sim.world import World

Handler = Callable[..., Awaitable[Response]]

SIGNED: dict[str, dict[str, Handler]] = {
    "/fapi/v1/order": {
        "POST": rest_trade.new_order,
        "GET": rest_trade.get_order,
        "DELETE": rest_trade.cancel_order,
    },
    "/fapi/v1/openOrders": {"GET": rest_trade.open_orders},
    "/fapi/v1/algoOrder": {
        "POST": rest_trade.new_algo,
        "GET": rest_trade.get_algo,
        "DELETE": rest_trade.cancel_algo,
    },
    "/fapi/v1/openAlgoOrders": {"GET": rest_trade.open_algos},
    "/fapi/v1/allAlgoOrders": {"GET": rest_trade.all_algos},
    "/fapi/v1/algoOpenOrders": {"DELETE": rest_trade.cancel_all_algos},
    "/fapi/v1/leverage": {"POST": rest_account.leverage},
    "/fapi/v1/marginType": {"POST": rest_account.margin_type},
    "/fapi/v2/positionRisk": {"GET": rest_account.position_risk_v2},
    "/fapi/v3/positionRisk": {"GET": rest_account.position_risk_v3},
    "/fapi/v2/balance": {"GET": rest_account.balance},
    "/fapi/v3/balance": {"GET": rest_account.balance},
    "/fapi/v2/account": {"GET": rest_account.account},
    "/fapi/v3/account": {"GET": rest_account.account},
    "/fapi/v1/userTrades": {"GET": rest_account.user_trades},
    "/fapi/v1/income": {"GET": rest_account.income},
}
KEYED: dict[str, dict[str, Handler]] = {
    "/fapi/v1/listenKey": {
        "POST": stream.create_key,
        "PUT": stream.keepalive,
        "DELETE": stream.close_key,
    },
}
PUBLIC: dict[str, Handler] = {
    "/fapi/v1/ping": rest_market.ping,
    "/fapi/v1/time": rest_market.server_time,
    "/fapi/v1/exchangeInfo": rest_market.info,
    "/fapi/v1/klines": rest_market.klines,
    "/fapi/v1/ticker/price": rest_market.ticker_price,
    "/fapi/v2/ticker/price": rest_market.ticker_price,
    "/fapi/v1/premiumIndex": rest_market.premium_index,
    "/fapi/v1/fundingRate": funding_rate,
}
FAST_PATHS = ("/fapi/v1/order", "/fapi/v1/algoOrder")


def _weight(state: FuturesState, world: World) -> dict[str, str]:
    minute = world.clock_ms() // 60_000
    if state.weight[0] != minute:
        state.weight[:] = [minute, 0]
    state.weight[1] += 1
    return {"X-MBX-USED-WEIGHT-1M": str(state.weight[1])}


def _endpoint(world: World, handlers: dict[str, Handler], auth: str) -> Handler:
    state: FuturesState = world.venues["binance_futures"]

    async def endpoint(request: Request) -> Response:
        headers = _weight(state, world)
        handler = handlers.get(request.method)
        try:
            if handler is None:
                raise ApiError(-1000, "Method not allowed.", 405)
            if auth == "signed":
                acc, params = await signed(request, state, world)
                response = await handler(request, world, acc, params)
            elif auth == "key":
                params, _, _ = await read_params(request)
                acc = api_key_account(request, state, world)
                response = await handler(request, world, acc, params)
            else:
                params, _, _ = await read_params(request)
                response = await handler(request, world, params)
        except ApiError as err:
            response = err.response()
        response.headers.update(headers)
        return response

    return endpoint


def install(world: World) -> list[BaseRoute]:
    state = FuturesState(hub=Hub(), history=PriceHistory(world.clock_ms()))
    world.venues["binance_futures"] = state
    for symbol, price in world.market.prices().items():
        state.history.anchor(symbol, price)

    def on_price(symbol: str, price: Decimal) -> None:
        state.history.record(symbol, price, world.clock_ms())
        algo.on_price(world, symbol, price)

    world.market.subscribe(on_price)
    return _routes(world)


def _routes(world: World) -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    for table, auth in ((SIGNED, "signed"), (KEYED, "key")):
        for path, handlers in table.items():
            endpoint = starlette_endpoint(_endpoint(world, handlers, auth))
            routes.append(Route(path, endpoint, methods=list(handlers)))
    for path, handler in PUBLIC.items():
        routes.append(Route(path, _endpoint(world, {"GET": handler}, "public"), methods=["GET"]))
    routes.append(WebSocketRoute("/fstream/ws/{listen_key}", stream.ws_endpoint))
    routes.append(WebSocketRoute("/fstream/stream", kline_stream))
    return routes + control.routes(world)


def fast_routes(world: World) -> dict[str, Any]:
    """Order placement served raw so ``drop_reply`` can reset the TCP connection."""
    return {path: raw_endpoint(_endpoint(world, SIGNED[path], "signed")) for path in FAST_PATHS}
