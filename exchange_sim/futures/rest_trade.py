"""``/fapi/v1/order`` and ``/fapi/v1/algoOrder`` (+ open orders, cancel, query).

Order placement applies the execution faults of docs/protocols.md §10 *after* executing:
``drop_reply`` (the connection is cut before the reply), ``error_after_exec`` (HTTP 5xx or
-1007), and ``not_found_window`` (lookups of the fresh order answer -2013 for a while).
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from exchange_sim.futures import algo as algos
from exchange_sim.futures import engine, views
from exchange_sim.futures.auth import ApiError, Params, missing
from exchange_sim.futures.replies import after_exec
from exchange_sim.futures.state import OPEN_STATUSES, Account, AlgoOrder, Order
from exchange_sim.futures.symbols import CONDITIONAL_TYPES, TIME_IN_FORCE
from exchange_sim.world import World

CLIENT_ID = re.compile(r"^[.A-Z:/a-z0-9_-]{1,36}$")


def _client_id(params: Params, name: str, acc: Account) -> str:
    client_id = params.get(name) or f"sim-{uuid.uuid4().hex[:20]}"
    if not CLIENT_ID.match(client_id):
        raise ApiError(-1100, f"Illegal characters found in parameter '{name}'.")
    return client_id


def parse_position_side(params: Params, acc: Account) -> str:
    """``positionSide``: BOTH in One-way mode, LONG / SHORT (required) in Hedge mode, where
    ``reduceOnly`` may not be sent (Binance: "cannot be sent in Hedge Mode")."""
    side = (params.get("positionSide") or "BOTH").upper()
    if side not in ("BOTH", "LONG", "SHORT"):
        raise ApiError(-1130, "Data sent for parameter 'positionSide' is not valid.")
    if (side == "BOTH") == acc.dual_side:
        raise ApiError(-4061, "Order's position side does not match user's setting.")
    if acc.dual_side and params.get("reduceOnly"):
        raise ApiError(-1106, "Parameter 'reduceOnly' sent when not required.")
    return side


def parse_new_order(params: Params, acc: Account) -> engine.NewOrder:
    symbol, side, kind = params.req("symbol").upper(), params.req("side"), params.req("type")
    engine.spec_of(symbol)
    if side not in ("BUY", "SELL"):
        raise ApiError(-1117, "Invalid side.")
    if kind in CONDITIONAL_TYPES:
        raise ApiError(
            -4120,
            "Order type not supported for this endpoint. Please use the Algo Order API "
            "endpoints instead.",
        )
    if kind not in ("MARKET", "LIMIT"):
        raise ApiError(-1116, "Invalid orderType.")
    position_side = parse_position_side(params, acc)
    qty = params.decimal("quantity", required=True) or Decimal(0)
    price, tif = _price_and_tif(params, kind)
    client_id = _client_id(params, "newClientOrderId", acc)
    for o in acc.orders.values():
        if o.client_id == client_id and o.status in OPEN_STATUSES:
            raise ApiError(-4116, "ClientOrderId is duplicated.")
    return engine.NewOrder(
        symbol=symbol, side=side, type=kind, quantity=qty, price=price, time_in_force=tif,
        reduce_only=params.flag("reduceOnly"), client_id=client_id, position_side=position_side,
    )  # fmt: skip


def _price_and_tif(params: Params, kind: str) -> tuple[Decimal, str]:
    """A LIMIT order's price and time in force (both required); a MARKET order sends neither."""
    price, tif = Decimal(0), params.get("timeInForce", "GTC")
    if kind == "MARKET":
        for name in ("timeInForce", "price"):
            if params.get(name):
                raise ApiError(-1106, f"Parameter '{name}' sent when not required.")
    if kind == "LIMIT":
        price = params.decimal("price", required=True) or Decimal(0)
        if not params.get("timeInForce"):
            raise missing("timeInForce")
        if tif not in TIME_IN_FORCE:
            raise ApiError(-1115, "Invalid timeInForce.")
    return price, tif


async def new_order(request: Request, world: World, acc: Account, params: Params) -> Response:
    resp_type = params.get("newOrderRespType", "ACK")
    if resp_type not in ("ACK", "RESULT"):
        raise ApiError(-1130, "Data sent for parameter 'newOrderRespType' is not valid.")
    with world.lock:
        order = engine.place(world, acc, parse_new_order(params, acc))
        body = views.order_json(order) if resp_type == "RESULT" else views.ack_json(order)
        _hide_if_faulted(world, acc, order)
    return after_exec(world, acc.api_key, body)


def _hide_if_faulted(world: World, acc: Account, order: Order) -> None:
    fault = world.faults.take("not_found_window", acc.api_key)
    if fault:
        order.hidden_until = world.clock_ms() + int(fault.params.get("ms", 1000))


def find_order(world: World, acc: Account, params: Params) -> Order:
    symbol = params.req("symbol").upper()
    order_id, client_id = params.integer("orderId"), params.get("origClientOrderId")
    if order_id is None and not client_id:
        raise ApiError(-1102, "Either orderId or origClientOrderId must be sent.")
    matches = [
        o
        for o in acc.orders.values()
        if o.symbol == symbol
        and (o.order_id == order_id if order_id is not None else o.client_id == client_id)
        and o.hidden_until <= world.clock_ms()
    ]
    if not matches:
        raise ApiError(-2013, "Order does not exist.")
    return max(matches, key=lambda o: o.order_id)  # a reused client id: the latest order


async def get_order(request: Request, world: World, acc: Account, params: Params) -> Response:
    with world.lock:
        return JSONResponse(views.order_json(find_order(world, acc, params)))


async def cancel_order(request: Request, world: World, acc: Account, params: Params) -> Response:
    with world.lock:
        try:
            order = find_order(world, acc, params)
        except ApiError:
            raise ApiError(-2011, "Unknown order sent.") from None
        if order.status not in OPEN_STATUSES:
            raise ApiError(-2011, "Unknown order sent.")
        engine.finish(world, acc, order, "CANCELED")
        return JSONResponse(views.order_json(order))


async def open_orders(request: Request, world: World, acc: Account, params: Params) -> Response:
    symbol = params.get("symbol").upper()
    with world.lock:
        rows = [
            views.order_json(o)
            for o in acc.orders.values()
            if o.status in OPEN_STATUSES and (not symbol or o.symbol == symbol)
        ]
    return JSONResponse(rows)


def parse_algo(world: World, params: Params, acc: Account) -> AlgoOrder:
    if params.req("algoType") != "CONDITIONAL":
        raise ApiError(-1130, "Data sent for parameter 'algoType' is not valid.")
    symbol, side, kind = params.req("symbol").upper(), params.req("side"), params.req("type")
    engine.spec_of(symbol)
    if side not in ("BUY", "SELL"):
        raise ApiError(-1117, "Invalid side.")
    if kind not in algos.ALGO_TYPES:
        raise ApiError(-1116, "Invalid orderType.")
    close = params.flag("closePosition")
    qty = params.decimal("quantity", required=not close) or Decimal(0)
    client_id = _client_id(params, "clientAlgoId", acc)
    if any(a.client_id == client_id and a.status == "NEW" for a in acc.algos.values()):
        raise ApiError(-4116, "ClientOrderId is duplicated.")
    trailing = kind == algos.TRAILING
    limit = kind in algos.LIMIT_TYPES
    now = world.clock_ms()
    return AlgoOrder(
        algo_id=world.next_id(), client_id=client_id, symbol=symbol, side=side, type=kind,
        quantity=qty, trigger=params.decimal("triggerPrice", required=not trailing) or Decimal(0),
        close_position=close, reduce_only=params.flag("reduceOnly"),
        working_type=params.get("workingType", "CONTRACT_PRICE"),
        price_protect=params.flag("priceProtect"), create_time=now,
        price=params.decimal("price", required=limit) or Decimal(0),
        time_in_force=_algo_tif(params, limit),
        activate_price=params.decimal("activatePrice") or Decimal(0),
        callback_rate=params.decimal("callbackRate", required=trailing) or Decimal(0),
        position_side=parse_position_side(params, acc),
    )  # fmt: skip


def _algo_tif(params: Params, limit: bool) -> str:
    tif = params.get("timeInForce", "GTC")
    if tif not in TIME_IN_FORCE:
        raise ApiError(-1115, "Invalid timeInForce.")
    if limit and not params.get("timeInForce"):
        raise missing("timeInForce")
    return tif


async def new_algo(request: Request, world: World, acc: Account, params: Params) -> Response:
    with world.lock:
        algo = algos.place(world, acc, parse_algo(world, params, acc))
        body = views.algo_json(algo)
    return after_exec(world, acc.api_key, body)


def find_algo(acc: Account, params: Params) -> AlgoOrder:
    algo_id, client_id = params.integer("algoId"), params.get("clientAlgoId")
    if algo_id is None and not client_id:
        raise ApiError(-1102, "Either algoId or clientAlgoId must be sent.")
    matches = [
        a
        for a in acc.algos.values()
        if (a.algo_id == algo_id if algo_id is not None else a.client_id == client_id)
    ]
    if not matches:
        raise ApiError(-2013, "Order does not exist.")
    return max(matches, key=lambda a: a.algo_id)


async def get_algo(request: Request, world: World, acc: Account, params: Params) -> Response:
    with world.lock:
        return JSONResponse(views.algo_json(find_algo(acc, params)))


async def cancel_algo(request: Request, world: World, acc: Account, params: Params) -> Response:
    with world.lock:
        try:
            algo = find_algo(acc, params)
        except ApiError:
            raise ApiError(-2011, "Unknown order sent.") from None
        if algo.status != "NEW":
            raise ApiError(-2011, "Unknown order sent.")
        algos.cancel(world, acc, algo)
        body = {
            "algoId": algo.algo_id,
            "clientAlgoId": algo.client_id,
            "code": "200",
            "msg": "success",
        }
    return JSONResponse(body)


async def open_algos(request: Request, world: World, acc: Account, params: Params) -> Response:
    symbol = params.get("symbol").upper()
    with world.lock:
        rows = [
            views.algo_json(a)
            for a in acc.algos.values()
            if a.status == "NEW" and (not symbol or a.symbol == symbol)
        ]
    return JSONResponse(rows)


async def all_algos(request: Request, world: World, acc: Account, params: Params) -> Response:
    symbol = params.req("symbol").upper()
    with world.lock:
        rows = [views.algo_json(a) for a in acc.algos.values() if a.symbol == symbol]
    return JSONResponse(rows)


async def cancel_all_algos(
    request: Request, world: World, acc: Account, params: Params
) -> Response:
    symbol = params.req("symbol").upper()
    with world.lock:
        for a in list(acc.algos.values()):
            if a.status == "NEW" and a.symbol == symbol:
                algos.cancel(world, acc, a)
    return JSONResponse({"code": 200, "msg": "The operation of cancel all open order is done."})
