"""Alpha HTTP endpoints: the public market data (§4.1) and the private web API (§4.3).

Public replies and private ones share the ``bapi`` envelope; private ones authenticate with the
shared web session (``exchange_sim.web.common.private``). Order placement goes through
``after_exec`` so ``drop_reply`` / ``error_after_exec`` (keyed by web session id) apply after the
order exists.
"""

from __future__ import annotations

import random
import secrets
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from exchange_sim.alpha import engine
from exchange_sim.alpha.state import VENUE, AlphaState, ListenKey, Order, Token, q8, s8
from exchange_sim.futures.klines import INTERVALS_MS
from exchange_sim.numbers import floor_to_step
from exchange_sim.web.common import after_exec, decimal_of, json_body
from exchange_sim.web.session import WebSession, WebUser, bad_param, envelope, ok
from exchange_sim.world import World

FINISHED = "FILLED,PARTIALLY_FILLED,EXPIRED,CANCELED,REJECTED"
ONE_UNIT = Decimal("0.00000001")  # the last of the 8 decimals


def alpha_of(world: World) -> AlphaState:
    state: AlphaState = world.venues[VENUE]
    return state


# --- helpers ------------------------------------------------------------------------------------


def _int_param(request: Request, name: str, default: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise bad_param(f"illegal parameter: {name}") from None


def _symbol(st: AlphaState, raw: Any) -> tuple[Token, str]:
    found = st.token_by_symbol(str(raw or ""))
    if found is None:
        raise bad_param("illegal parameter: symbol")
    return found


def _token(st: AlphaState, body: dict[str, Any]) -> tuple[Token, str]:
    base, quote = body.get("baseAsset"), body.get("quoteAsset")
    if not isinstance(base, str) or not isinstance(quote, str):
        raise bad_param("illegal parameter: baseAsset and quoteAsset are required")
    return _symbol(st, base + quote)


def _payment(body: dict[str, Any], side: str, price: Decimal, qty: Decimal, step: Decimal) -> None:
    """``paymentDetails`` must say what the order spends (BUY: CARD, quote string; SELL: ALPHA,
    base number) — docs/alpha.md "Wire facts". A BUY's amount is either price × qty (± the last
    decimal: clients round either way) or the total the user typed on the page, from which the
    quantity was derived: ``"1"`` for 0.07 × 14.28 = 0.9996 — at least the cost and less than
    one more lot step's worth."""
    details = body.get("paymentDetails")
    if not isinstance(details, list) or len(details) != 1 or not isinstance(details[0], dict):
        raise bad_param("illegal parameter: paymentDetails")
    wallet = details[0].get("paymentWalletType")
    amount = decimal_of(details[0].get("amount"), "paymentDetails.amount")
    if side == "BUY":
        cost = engine.buy_cost(price, qty)
        typed_total = cost <= amount < cost + price * step
        ok_amount = wallet == "CARD" and (abs(amount - cost) <= ONE_UNIT or typed_total)
    else:
        ok_amount = wallet == "ALPHA" and amount == qty
    if not ok_amount:
        raise bad_param("illegal parameter: paymentDetails amount does not match the order")


def _dec(body: dict[str, Any], name: str) -> Decimal:
    if name not in body:
        raise bad_param(f"illegal parameter: {name} is required")
    return decimal_of(body[name], name)


# --- public -------------------------------------------------------------------------------------


def token_json(world: World, token: Token) -> dict[str, Any]:
    price = world.market.price(token.trading_symbol()) or Decimal(0)
    return {
        "tokenId": token.contract_address[2:34].upper(), "chainId": token.chain_id,
        "chainIconUrl": "", "chainName": token.chain_name,
        "contractAddress": token.contract_address, "name": token.name, "symbol": token.symbol,
        "iconUrl": "", "price": str(price), "percentChange24h": "0", "volume24h": "0",
        "marketCap": "0", "fdv": "0", "liquidity": "0", "totalSupply": "1000000000",
        "circulatingSupply": "1000000000", "holders": "1000", "decimals": token.decimals,
        "listingCex": False, "hotTag": False, "cexCoinName": "", "canTransfer": True,
        "denomination": 1, "offline": token.offline, "tradeDecimal": token.trade_decimal,
        "alphaId": token.alpha_id, "offsell": token.offsell, "priceHigh24h": str(price),
        "priceLow24h": str(price), "count24h": "0", "onlineTge": False, "onlineAirdrop": False,
        "score": 0, "cexOffDisplay": False, "stockState": False,
        "listingTime": token.listing_ms, "mulPoint": int(token.mul_point)
        if token.mul_point == token.mul_point.to_integral_value() else str(token.mul_point),
        "bnExclusiveState": False,
    }  # fmt: skip


async def token_list(request: Request, world: World) -> Response:
    with world.lock:
        return ok([token_json(world, t) for t in alpha_of(world).tokens.values()])


def symbol_json(token: Token, quote: str) -> dict[str, Any]:
    return {
        "symbol": token.trading_symbol(quote),
        "status": "BREAK" if token.offline or token.offsell else "TRADING",
        "baseAsset": token.alpha_id, "quoteAsset": quote, "pricePrecision": token.price_decimal,
        "quantityPrecision": token.trade_decimal, "baseAssetPrecision": 8, "quotePrecision": 8,
        "filters": [
            {"filterType": "PRICE_FILTER", "minPrice": f"{token.tick:f}",
             "maxPrice": f"{token.max_price:f}", "tickSize": f"{token.tick:f}"},
            {"filterType": "LOT_SIZE", "stepSize": f"{token.step:f}",
             "maxQty": f"{token.max_qty:f}", "minQty": f"{token.step:f}"},
            {"filterType": "MIN_NOTIONAL", "minNotional": f"{token.min_notional:f}"},
        ],
        "orderTypes": ["LIMIT"],
    }  # fmt: skip


async def exchange_info(request: Request, world: World) -> Response:
    with world.lock:
        st = alpha_of(world)
        symbols = [symbol_json(t, q) for t, q in st.by_symbol.values()]
        assets = sorted({s["baseAsset"] for s in symbols} | {s["quoteAsset"] for s in symbols})
    return ok({"timezone": "UTC", "assets": [{"asset": a} for a in assets], "symbols": symbols})


async def agg_trades(request: Request, world: World) -> Response:
    st = alpha_of(world)
    token, quote = _symbol(st, request.query_params.get("symbol"))
    limit = _int_param(request, "limit", 500) or 500
    if not 1 <= limit <= 1000:
        raise bad_param("illegal parameter: limit")
    from_id = _int_param(request, "fromId")
    start, end = _int_param(request, "startTime"), _int_param(request, "endTime")
    with world.lock:
        rows = list(st.agg.get(token.trading_symbol(quote), ()))
    if from_id is not None:
        rows = [r for r in rows if r["a"] >= from_id][:limit]
    else:
        rows = [r for r in rows if (start is None or r["T"] >= start)]
        rows = [r for r in rows if (end is None or r["T"] <= end)][-limit:]
    return ok(rows)


async def klines(request: Request, world: World) -> Response:
    st = alpha_of(world)
    token, quote = _symbol(st, request.query_params.get("symbol"))
    interval = request.query_params.get("interval", "")
    if interval not in INTERVALS_MS:
        raise bad_param("illegal parameter: interval")
    limit = _int_param(request, "limit", 500) or 500
    if not 1 <= limit <= 1500:
        raise bad_param("illegal parameter: limit")
    start, end = _int_param(request, "startTime"), _int_param(request, "endTime")
    assert st.history is not None
    rows = st.history.candles(token.trading_symbol(quote), interval, world.clock_ms(), limit,
                              start, end)  # fmt: skip
    return ok([[str(v) for v in row] for row in rows])


async def ticker(request: Request, world: World) -> Response:
    st = alpha_of(world)
    token, quote = _symbol(st, request.query_params.get("symbol"))
    symbol = token.trading_symbol(quote)
    now = world.clock_ms()
    assert st.history is not None
    with world.lock:
        last = world.market.price(symbol) or Decimal(0)
        candles = st.history.candles(symbol, "1h", now, 24, None, None)
        trades = [r for r in st.agg.get(symbol, ()) if r["T"] >= now - engine.DAY_MS]
    opened = Decimal(candles[0][1]) if candles else last
    highs = [Decimal(c[2]) for c in candles] + [last]
    lows = [Decimal(c[3]) for c in candles] + [last]
    volume = sum((Decimal(r["q"]) for r in trades), Decimal(0))
    quote_vol = sum((Decimal(r["q"]) * Decimal(r["p"]) for r in trades), Decimal(0))
    change = last - opened
    return ok({
        "symbol": symbol, "priceChange": s8(change),
        "priceChangePercent": f"{(change / opened * 100 if opened else 0):.3f}",
        "weightedAvgPrice": s8(quote_vol / volume if volume else last), "lastPrice": s8(last),
        "lastQty": trades[-1]["q"] if trades else "0", "openPrice": s8(opened),
        "highPrice": s8(max(highs)), "lowPrice": s8(min(lows)), "volume": s8(volume),
        "quoteVolume": s8(quote_vol), "openTime": now - engine.DAY_MS, "closeTime": now,
        "firstId": trades[0]["a"] if trades else -1, "lastId": trades[-1]["a"] if trades else -1,
        "count": len(trades),
    })  # fmt: skip


DEPTH_LIMITS = (5, 10, 20, 50, 100, 500, 1000)
DEPTH_GAP = Decimal("0.0005")  # 0.05 % between synthetic levels


async def full_depth(request: Request, world: World) -> Response:
    """A synthetic book around the last price: ``limit`` levels a side, 0.05 % apart, seeded
    sizes (the simulator has no other participants; resting orders fill on price moves)."""
    st = alpha_of(world)
    token, quote = _symbol(st, request.query_params.get("symbol"))
    limit = _int_param(request, "limit", 100)
    if limit not in DEPTH_LIMITS:
        raise bad_param("illegal parameter: limit")
    symbol = token.trading_symbol(quote)
    price = world.market.price(symbol) or token.tick
    rng = random.Random(f"{symbol}:{price}")
    bids: list[list[str]] = []
    asks: list[list[str]] = []
    for k in range(1, limit + 1):
        bid = floor_to_step(price * (1 - DEPTH_GAP * k), token.tick)
        ask = -floor_to_step(-price * (1 + DEPTH_GAP * k), token.tick)  # ceiling to the tick
        size = floor_to_step(Decimal(rng.uniform(50, 5000)) / price, token.step) or token.step
        if bid > 0 and (not bids or s8(bid) != bids[-1][0]):
            bids.append([s8(bid), s8(size)])
        if not asks or s8(ask) != asks[-1][0]:
            asks.append([s8(ask), s8(size)])
    now = world.clock_ms()
    data = {"lastUpdateId": st.next_agg, "symbol": symbol, "bids": bids, "asks": asks,
            "E": now, "T": now}  # fmt: skip
    return ok(data)


async def fee_rate(request: Request, world: World) -> Response:
    _symbol(alpha_of(world), request.query_params.get("symbol"))
    units = int(alpha_of(world).config.fee_rate * 1_000_000)  # 100 = 0.01 % [INF units 1e-6]
    return ok({"buyerCommission": units, "sellerCommission": units})


# --- private: orders ----------------------------------------------------------------------------


async def place_limit(
    request: Request, world: World, session: WebSession, user: WebUser
) -> Response:
    body = await json_body(request)
    st = alpha_of(world)
    token, quote = _token(st, body)
    side = body.get("side")
    if side not in ("BUY", "SELL"):
        raise bad_param("illegal parameter: side")
    if body.get("orderType", "LIMIT") != "LIMIT":
        raise bad_param("illegal parameter: orderType")
    price, qty = _dec(body, "price"), _dec(body, "quantity")
    _payment(body, side, price, qty, token.step)
    with world.lock:
        order = engine.place_limit(world, st, session, user, (token, quote, side, price, qty))
        data = str(order.order_id)
    return after_exec(world, session.session_id, envelope(data))


async def place_oto(request: Request, world: World, session: WebSession, user: WebUser) -> Response:
    body = await json_body(request)
    st = alpha_of(world)
    token, quote = _token(st, body)
    if body.get("workingSide", "BUY") != "BUY":
        raise bad_param("illegal parameter: workingSide (only BUY is supported)")
    if body.get("pendingType", "LIMIT") != "LIMIT":
        raise bad_param("illegal parameter: pendingType")
    w_price, w_qty = _dec(body, "workingPrice"), _dec(body, "workingQuantity")
    p_price = _dec(body, "pendingPrice")
    _payment(body, "BUY", w_price, w_qty, token.step)
    if world.faults.take("open_order_limit", session.session_id) is not None:
        raise engine.WebError(
            engine.OPEN_LIMIT_CODE, "Open order number has reached maximum limit."
        )
    with world.lock:
        working, pending = engine.place_oto(
            world, st, session, user, (token, quote, w_price, w_qty, p_price)
        )
        data = {"workingOrderId": working.order_id, "pendingOrderId": pending.order_id}
    return after_exec(world, session.session_id, envelope(data))


async def cancel(request: Request, world: World, session: WebSession, user: WebUser) -> Response:
    """Both variants: ``{orderId, symbol}`` and the older ``{orderId, baseAsset, quoteAsset}``."""
    body = await json_body(request)
    st = alpha_of(world)
    token, quote = _symbol(st, body.get("symbol")) if "symbol" in body else _token(st, body)
    try:
        order_id = int(str(body.get("orderId", "")))
    except ValueError:
        raise bad_param("illegal parameter: orderId") from None
    with world.lock:
        order = st.orders.get(order_id)
        mine = order is not None and order.user_id == user.user_id
        if order is None or not mine or order.symbol != token.trading_symbol(quote):
            raise engine.WebError(engine.NO_ORDER_CODE, "Order does not exist.")
        engine.cancel(world, st, order)
    return ok(None)


def _rows(orders: list[Order]) -> list[dict[str, Any]]:
    return [o.row() for o in sorted(orders, key=lambda o: -o.order_id)]


async def open_orders(
    request: Request, world: World, session: WebSession, user: WebUser
) -> Response:
    side = request.query_params.get("side") or None
    if side not in (None, "BUY", "SELL"):
        raise bad_param("illegal parameter: side")
    with world.lock:
        mine = [
            o
            for o in alpha_of(world).user_orders(user.user_id)
            if o.is_open and (side is None or o.side == side)
        ]
        return ok(_rows(mine))


async def order_history(
    request: Request, world: World, session: WebSession, user: WebUser
) -> Response:
    """``get-order-history-merge`` (and the older ``-web``): filtered by status list, time
    (creation), base asset; newest first; ``page``/``rows`` (≤ 100)."""
    q = request.query_params
    page, rows = _int_param(request, "page", 1) or 1, _int_param(request, "rows", 20) or 20
    if page < 1 or not 1 <= rows <= 100:
        raise bad_param("illegal parameter: page/rows")
    statuses = {s.strip() for s in (q.get("orderStatus") or FINISHED).split(",") if s.strip()}
    start, end = _int_param(request, "startTime"), _int_param(request, "endTime")
    base = q.get("baseAsset") or None
    with world.lock:
        mine = [
            o
            for o in alpha_of(world).user_orders(user.user_id)
            if o.status in statuses
            and (start is None or o.time >= start)
            and (end is None or o.time <= end)
            and (base is None or o.token.alpha_id == base)
        ]
        return ok(_rows(mine)[(page - 1) * rows : page * rows])


async def user_trades(
    request: Request, world: World, session: WebSession, user: WebUser
) -> Response:
    st = alpha_of(world)
    order_id = _int_param(request, "orderId")
    symbol = request.query_params.get("symbol") or None
    if symbol is not None:
        _symbol(st, symbol)
    out = []
    with world.lock:
        for order in st.user_orders(user.user_id):
            if (order_id is not None and order.order_id != order_id) or (
                symbol is not None and order.symbol != symbol.upper()
            ):
                continue
            for n, t in enumerate(order.trades, 1):
                out.append({
                    "symbol": order.symbol, "id": str(t.trade_id), "orderId": str(order.order_id),
                    "tradeId": str(t.trade_id), "side": t.side, "price": s8(t.price), "qty": s8(t.qty),
                    "quoteQty": s8(t.quote), "commission": s8(t.fee),
                    "commissionAsset": t.fee_asset, "time": t.time, "pageId": str(t.trade_id),
                    "buyer": t.side == "BUY", "baseAsset": order.token.alpha_id,
                    "quoteAsset": order.quote_asset, "orderType": "LIMIT",
                    "lastTrade": n == len(order.trades) and not order.is_open,
                })  # fmt: skip
    return ok(sorted(out, key=lambda r: -int(r["id"])))  # ids are strings, as the real reply


# --- private: account ---------------------------------------------------------------------------


async def listen_key(
    request: Request, world: World, session: WebSession, user: WebUser
) -> Response:
    """The session's listen key (the same one until it expires, then a fresh one); asking
    again keeps the key alive for another ``listen_key_ttl_ms``."""
    st = alpha_of(world)
    now = world.clock_ms()
    with world.lock:
        key = st.session_keys.get(session.session_id)
        owner = st.listen_keys.get(key) if key else None
        if owner is None or owner.expired(now):
            key = _new_key(st, session)
            owner = st.listen_keys[key]
        owner.expires_ms = now + st.config.listen_key_ttl_ms
    return ok(key)


def _new_key(st: AlphaState, session: WebSession) -> str:
    key = secrets.token_hex(32)
    st.listen_keys[key] = ListenKey(key, session.session_id, session.user_id)
    st.session_keys[session.session_id] = key
    return key


async def today_volume(
    request: Request, world: World, session: WebSession, user: WebUser
) -> Response:
    """``{totalVolume, tradeVolumeInfoList[{icon, tokenName, volume}]}`` — numbers, not strings;
    each fill counts its quote value × the token's ``mulPoint`` (docs/protocols.md §4.5)."""
    with world.lock:
        volumes = engine.today_volume(world, alpha_of(world), user.user_id)
    rows = [
        {"icon": "", "tokenName": name, "volume": float(q8(v))}
        for name, v in sorted(volumes.items())
    ]
    total = float(q8(sum(volumes.values(), Decimal(0))))
    return ok({"totalVolume": total, "tradeVolumeInfoList": rows})


async def wallet(request: Request, world: World, session: WebSession, user: WebUser) -> Response:
    st = alpha_of(world)
    rows, total = [], Decimal(0)
    with world.lock:
        for token in st.tokens.values():
            free = user.balance(token.alpha_id)
            locked = st.locked_of(user.user_id, token.alpha_id)
            if free + locked == 0:
                continue
            price = world.market.price(token.trading_symbol()) or Decimal(0)
            value = q8((free + locked) * price)
            total += value
            rows.append({
                "chainId": token.chain_id, "contractAddress": token.contract_address,
                "cexAsset": False, "name": token.name, "symbol": token.symbol,
                "tokenId": token.alpha_id, "free": s8(free), "freeze": "0", "locked": s8(locked),
                "withdrawing": "0", "amount": s8(free + locked), "valuation": s8(value),
            })  # fmt: skip
    return JSONResponse(envelope({"totalValuation": s8(total), "list": rows}))


async def assets(request: Request, world: World, session: WebSession, user: WebUser) -> Response:
    """``asset-service/wallet/asset?needAlphaAsset=1``: every asset's total (free + what open
    orders hold) as ``amount`` with its USDT ``valuationAmount`` (§4.3; no free/locked split)."""
    st = alpha_of(world)
    rows = []
    with world.lock:
        held = st.locked[user.user_id]
        for asset in sorted(set(user.balances) | {a for a, v in held.items() if v}):
            amount = user.balance(asset) + held.get(asset, Decimal(0))
            token = st.tokens.get(asset)
            price = world.market.price(token.trading_symbol()) if token else Decimal(1)
            rows.append({
                "asset": asset, "assetName": token.name if token else asset,
                "amount": s8(amount), "logoUrl": "", "valuationAmount": s8(amount * (price or 0)),
                "isCexAsset": token is None, "chainId": token.chain_id if token else None,
                "contractAddress": token.contract_address if token else None,
            })  # fmt: skip
    return ok(rows)
