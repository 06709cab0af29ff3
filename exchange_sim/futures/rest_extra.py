"""More fapi endpoints real clients call: leverage brackets, 24 h ticker, order book, all
orders, position mode, multi-assets mode, commission rate, and the ``/sapi`` API-key restrictions.

Shapes follow the Binance USDⓈ-M REST docs (docs/simulator.md#futures-endpoints). The bracket
table is one ladder for every symbol, scaled from BTCUSDT's: higher leverage, lower notional cap.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from exchange_sim.futures import engine, views
from exchange_sim.futures.auth import ApiError, Params
from exchange_sim.futures.state import OPEN_STATUSES, Account
from exchange_sim.futures.symbols import CONTRACTS, MAKER_FEE, TAKER_FEE
from exchange_sim.world import World

# (initial leverage, notional floor, notional cap, maintenance ratio, cum)
BRACKETS: list[tuple[int, int, int, str, str]] = [
    (125, 0, 50_000, "0.004", "0"),
    (100, 50_000, 600_000, "0.005", "50"),
    (75, 600_000, 3_000_000, "0.0065", "950"),
    (50, 3_000_000, 12_000_000, "0.01", "11450"),
    (25, 12_000_000, 70_000_000, "0.02", "131450"),
    (20, 70_000_000, 100_000_000, "0.025", "481450"),
    (10, 100_000_000, 230_000_000, "0.05", "2981450"),
    (5, 230_000_000, 480_000_000, "0.1", "14481450"),
    (4, 480_000_000, 600_000_000, "0.125", "26481450"),
    (2, 600_000_000, 800_000_000, "0.25", "101481450"),
    (1, 800_000_000, 1_200_000_000, "0.5", "301481450"),
]


def max_notional(leverage: int) -> Decimal:
    """The notional cap at ``leverage``: the largest bracket whose initial leverage allows it."""
    caps = [cap for lev, _, cap, _, _ in BRACKETS if lev >= leverage]
    return Decimal(max(caps)) if caps else Decimal(0)


def _bracket_json(symbol: str) -> dict[str, Any]:
    rows = [
        {
            "bracket": i + 1,
            "initialLeverage": lev,
            "notionalCap": cap,
            "notionalFloor": floor,
            "maintMarginRatio": float(ratio),
            "cum": float(cum),
        }
        for i, (lev, floor, cap, ratio, cum) in enumerate(BRACKETS)
    ]
    return {"symbol": symbol, "notionalCoef": 1.0, "brackets": rows}


async def leverage_bracket(
    request: Request, world: World, acc: Account, params: Params
) -> Response:
    """A list for every symbol, or one object when ``symbol`` is sent (as Binance documents)."""
    symbol = params.get("symbol").upper()
    if symbol:
        return JSONResponse(_bracket_json(engine.spec_of(symbol).symbol))
    return JSONResponse([_bracket_json(name) for name in CONTRACTS])


async def ticker_24hr(request: Request, world: World, params: Params) -> Response:
    symbol = params.get("symbol").upper()
    now = world.clock_ms()
    history = world.venues["binance_futures"].history

    def row(name: str) -> dict[str, Any]:
        last = engine.mark(world, name)
        candles = history.candles(name, "1h", now, 24, None, None) or []
        opened = Decimal(candles[0][1]) if candles else last
        high = max([Decimal(c[2]) for c in candles] + [last])
        low = min([Decimal(c[3]) for c in candles] + [last])
        volume = sum((Decimal(c[5]) for c in candles), Decimal(0))
        quote = sum((Decimal(c[7]) for c in candles), Decimal(0))
        change = last - opened
        pct = (change / opened * 100).quantize(Decimal("0.001")) if opened else Decimal(0)
        return {
            "symbol": name, "priceChange": views.s(change), "priceChangePercent": views.s(pct),
            "weightedAvgPrice": views.s(quote / volume if volume else last),
            "lastPrice": views.s(last), "lastQty": "0", "openPrice": views.s(opened),
            "highPrice": views.s(high), "lowPrice": views.s(low), "volume": views.s(volume),
            "quoteVolume": views.s(quote), "openTime": now - 86_400_000, "closeTime": now,
            "firstId": 0, "lastId": 0, "count": len(candles),
        }  # fmt: skip

    if symbol:
        return JSONResponse(row(engine.spec_of(symbol).symbol))
    return JSONResponse([row(name) for name in CONTRACTS])


DEPTH_LIMITS = (5, 10, 20, 50, 100, 500, 1000)


async def depth(request: Request, world: World, params: Params) -> Response:
    """A synthetic book around the market price: ``limit`` levels a tick apart on each side."""
    spec = engine.spec_of(params.req("symbol"))
    limit = params.integer("limit", 500) or 500
    if limit not in DEPTH_LIMITS:
        raise ApiError(-1130, "Data sent for parameter 'limit' is not valid.")
    mid = engine.mark(world, spec.symbol).quantize(spec.tick)
    size = views.s(spec.step * 1000, spec.qty_precision)
    pp = spec.price_precision
    bids = [[views.s(mid - spec.tick * (i + 1), pp), size] for i in range(limit)]
    asks = [[views.s(mid + spec.tick * (i + 1), pp), size] for i in range(limit)]
    now = world.clock_ms()
    return JSONResponse({"lastUpdateId": now, "E": now, "T": now, "bids": bids, "asks": asks})


async def all_orders(request: Request, world: World, acc: Account, params: Params) -> Response:
    symbol = engine.spec_of(params.req("symbol")).symbol
    limit = min(params.integer("limit", 500) or 500, 1000)
    start, end = params.integer("startTime"), params.integer("endTime")
    from_id = params.integer("orderId")
    with world.lock:
        rows = [
            views.order_json(o)
            for o in sorted(acc.orders.values(), key=lambda o: o.order_id)
            if o.symbol == symbol
            and (from_id is None or o.order_id >= from_id)
            and (start is None or o.time >= start)
            and (end is None or o.time <= end)
        ]
    return JSONResponse(rows[:limit] if from_id is not None else rows[-limit:])


def _has_exposure(acc: Account) -> bool:
    return any(p.amount for p in acc.positions.values()) or any(
        o.status in OPEN_STATUSES for o in acc.orders.values()
    )


async def position_mode(request: Request, world: World, acc: Account, params: Params) -> Response:
    """GET reads ``dualSidePosition``; POST changes it (-4059 when unchanged, -4068 with a
    position or open order)."""
    if request.method == "GET":
        return JSONResponse({"dualSidePosition": acc.dual_side})
    wanted = params.req("dualSidePosition").lower()
    if wanted not in ("true", "false"):
        raise ApiError(-1130, "Data sent for parameter 'dualSidePosition' is not valid.")
    with world.lock:
        if acc.dual_side == (wanted == "true"):
            raise ApiError(-4059, "No need to change position side.")
        if _has_exposure(acc):
            raise ApiError(-4068, "Position side cannot be changed if there exists position.")
        acc.dual_side = wanted == "true"
    return JSONResponse({"code": 200, "msg": "success"})


async def multi_assets(request: Request, world: World, acc: Account, params: Params) -> Response:
    return JSONResponse({"multiAssetsMargin": acc.multi_assets})


async def commission_rate(request: Request, world: World, acc: Account, params: Params) -> Response:
    symbol = engine.spec_of(params.req("symbol")).symbol
    return JSONResponse(
        {
            "symbol": symbol,
            "makerCommissionRate": views.s(MAKER_FEE),
            "takerCommissionRate": views.s(TAKER_FEE),
        }
    )


async def api_restrictions(
    request: Request, world: World, acc: Account, params: Params
) -> Response:
    """``GET /sapi/v1/account/apiRestrictions``: what the API key may do."""
    body = {
            "ipRestrict": False, "createTime": 1_700_000_000_000, "enableReading": True,
            "enableWithdrawals": acc.can_withdraw, "enableInternalTransfer": False,
            "enableMargin": False, "enableFutures": True, "permitsUniversalTransfer": False,
            "enableVanillaOptions": False, "enableFixApiTrade": False,
            "enableFixReadOnly": False, "enableSpotAndMarginTrading": False,
            "enablePortfolioMarginTrading": False,
    }  # fmt: skip
    return JSONResponse(body)
