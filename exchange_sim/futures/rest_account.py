"""Account endpoints: leverage, margin type, positionRisk, balance, account, trades, income."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from exchange_sim.futures import engine, views
from exchange_sim.futures.auth import ApiError, Params, missing
from exchange_sim.futures.state import Account
from exchange_sim.futures.symbols import CONTRACTS, MAINT_MARGIN_RATE, MAX_NOTIONAL
from exchange_sim.world import World

DAY_MS = 86_400_000


async def leverage(request: Request, world: World, acc: Account, params: Params) -> Response:
    symbol = engine.spec_of(params.req("symbol")).symbol
    value = params.integer("leverage")
    if value is None:
        raise missing("leverage")
    if not 1 <= value <= 125:
        raise ApiError(-4028, f"Leverage {value} is not valid")
    with world.lock:
        acc.leverage[symbol] = value
    return JSONResponse(
        {"leverage": value, "maxNotionalValue": views.s(MAX_NOTIONAL), "symbol": symbol}
    )


async def margin_type(request: Request, world: World, acc: Account, params: Params) -> Response:
    symbol = engine.spec_of(params.req("symbol")).symbol
    kind = params.req("marginType").upper()
    if kind not in ("ISOLATED", "CROSSED"):
        raise ApiError(-1130, "Data sent for parameter 'marginType' is not valid.")
    wanted = "isolated" if kind == "ISOLATED" else "cross"
    with world.lock:
        if acc.margin_type.get(symbol, "cross") == wanted:
            raise ApiError(-4046, "No need to change margin type.")
        if any(p.amount for p in acc.sides(symbol)):
            raise ApiError(-4048, "Margin type cannot be changed if there exists position.")
        acc.margin_type[symbol] = wanted
    return JSONResponse({"code": 200, "msg": "success"})


async def position_risk_v2(
    request: Request, world: World, acc: Account, params: Params
) -> Response:
    return JSONResponse(_positions(world, acc, params, views.position_v2, only_open=False))


async def position_risk_v3(
    request: Request, world: World, acc: Account, params: Params
) -> Response:
    return JSONResponse(_positions(world, acc, params, views.position_v3, only_open=True))


def _positions(world: World, acc: Account, params: Params, view: Any, only_open: bool) -> list:
    symbol = params.get("symbol").upper()
    symbols = [engine.spec_of(symbol).symbol] if symbol else list(CONTRACTS)
    with world.lock:
        rows = []
        for name in symbols:
            for pos in acc.sides(name):
                if only_open and not pos.amount:
                    continue
                rows.append(view(acc, pos, engine.mark(world, name)))
    return rows


def _totals(world: World, acc: Account) -> dict[str, Decimal]:
    unrealized = sum(
        (views.unrealized(p, engine.mark(world, p.symbol)) for p in acc.positions.values()),
        Decimal(0),
    )
    return {"unrealized": unrealized, "available": engine.available(world, acc)}


async def balance(request: Request, world: World, acc: Account, params: Params) -> Response:
    with world.lock:
        t = _totals(world, acc)
        row = {
            "accountAlias": "SgsR", "asset": "USDT", "balance": views.s(acc.wallet, 8),
            "crossWalletBalance": views.s(acc.wallet, 8),
            "crossUnPnl": views.s(t["unrealized"], 8),
            "availableBalance": views.s(t["available"], 8),
            "maxWithdrawAmount": views.s(max(t["available"], Decimal(0)), 8),
            "marginAvailable": True, "updateTime": world.clock_ms(),
        }  # fmt: skip
    return JSONResponse([row])


def _margins(world: World, acc: Account) -> dict[str, Decimal]:
    """Initial / maintenance margin of the open positions and resting orders (USDT)."""
    position_im = maint = orders_im = Decimal(0)
    for p in acc.positions.values():
        if p.amount:
            notional = abs(p.amount) * engine.mark(world, p.symbol)
            position_im += notional / acc.lev(p.symbol)
            maint += notional * MAINT_MARGIN_RATE
    for o in acc.orders.values():
        if o.status in ("NEW", "PARTIALLY_FILLED") and not o.reduce_only:
            orders_im += (o.quantity - o.executed) * o.price / acc.lev(o.symbol)
    return {"position": position_im, "orders": orders_im, "maint": maint}


async def account(request: Request, world: World, acc: Account, params: Params) -> Response:
    """``/fapi/v2/account`` keeps the v2-only flags; ``/fapi/v3/account`` has the v3 shape
    (Binance "Account Information V3": no ``canTrade``/``feeTier``, slim position rows)."""
    with world.lock:
        t, m = _totals(world, acc), _margins(world, acc)
        positions = [(p, engine.mark(world, p.symbol)) for p in acc.positions.values() if p.amount]
        now = world.clock_ms()
    v3 = request.url.path.startswith("/fapi/v3/")
    body = _account_body(acc, t, m, now)
    if v3:
        body["positions"] = [views.position_account_v3(acc, p, mark) for p, mark in positions]
        return JSONResponse(body)
    body["positions"] = [views.position_v3(acc, p, mark) for p, mark in positions]
    body.update(canTrade=True, canDeposit=True, canWithdraw=acc.can_withdraw, feeTier=0)
    body.update(feeBurn=True, multiAssetsMargin=acc.multi_assets, tradeGroupId=-1, updateTime=0)
    return JSONResponse(body)


def _account_body(acc: Account, t: dict, m: dict, now: int) -> dict[str, Any]:
    f = views.s
    initial = m["position"] + m["orders"]
    margin_balance = acc.wallet + t["unrealized"]
    avail = f(t["available"], 8)
    asset = {
        "asset": "USDT", "walletBalance": f(acc.wallet, 8),
        "unrealizedProfit": f(t["unrealized"], 8), "marginBalance": f(margin_balance, 8),
        "maintMargin": f(m["maint"], 8), "initialMargin": f(initial, 8),
        "positionInitialMargin": f(m["position"], 8),
        "openOrderInitialMargin": f(m["orders"], 8), "crossWalletBalance": f(acc.wallet, 8),
        "crossUnPnl": f(t["unrealized"], 8), "availableBalance": avail,
        "maxWithdrawAmount": avail, "updateTime": now,
    }  # fmt: skip
    return {
        "totalInitialMargin": f(initial, 8), "totalMaintMargin": f(m["maint"], 8),
        "totalWalletBalance": f(acc.wallet, 8), "totalUnrealizedProfit": f(t["unrealized"], 8),
        "totalMarginBalance": f(margin_balance, 8),
        "totalPositionInitialMargin": f(m["position"], 8),
        "totalOpenOrderInitialMargin": f(m["orders"], 8),
        "totalCrossWalletBalance": f(acc.wallet, 8), "totalCrossUnPnl": f(t["unrealized"], 8),
        "availableBalance": avail, "maxWithdrawAmount": avail, "assets": [asset],
    }  # fmt: skip


def _window(params: Params, now: int) -> tuple[int, int, int]:
    start, end = params.integer("startTime"), params.integer("endTime")
    limit = params.integer("limit", 500) or 500
    if start is not None and end is not None and end - start > 7 * DAY_MS:
        raise ApiError(-4166, "Time between startTime and endTime can not be longer than 7 days.")
    end = end if end is not None else now
    start = start if start is not None else end - 7 * DAY_MS
    return start, end, min(limit, 1000)


async def user_trades(request: Request, world: World, acc: Account, params: Params) -> Response:
    symbol = engine.spec_of(params.req("symbol")).symbol
    order_id, from_id = params.integer("orderId"), params.integer("fromId")
    start, end, limit = _window(params, world.clock_ms())
    with world.lock:
        rows = [
            t
            for t in acc.trades
            if t.symbol == symbol
            and (order_id is None or t.order_id == order_id)
            and (t.trade_id >= from_id if from_id is not None else start <= t.time <= end)
        ]
        body = (
            [views.trade_json(t) for t in rows[:limit]]
            if from_id
            else [views.trade_json(t) for t in rows[-limit:]]
        )
    return JSONResponse(body)


async def income(request: Request, world: World, acc: Account, params: Params) -> Response:
    symbol, kind = params.get("symbol").upper(), params.get("incomeType")
    start, end, limit = _window(params, world.clock_ms())
    page = params.integer("page", 1) or 1
    with world.lock:
        rows = [
            {
                "symbol": i.symbol,
                "incomeType": i.income_type,
                "income": views.s(i.income, 8),
                "asset": "USDT",
                "info": i.info or i.income_type,
                "time": i.time,
                "tranId": i.tran_id,
                "tradeId": i.trade_id,
            }
            for i in acc.income
            if (not symbol or i.symbol == symbol)
            and (not kind or i.income_type == kind)
            and start <= i.time <= end
        ]
    return JSONResponse(rows[(page - 1) * limit : page * limit])
