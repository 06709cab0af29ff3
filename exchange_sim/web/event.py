"""Binance event contracts (事件合约, binary up/down), docs/protocols.md §5.

``place-order`` (v1 and v2 paths) validates every field, checks that ``payoutRatio`` equals the
ratio currently offered for (symbol, timeIncrements) (default 0.80, set per pair through
``POST /sim/web/config``), debits the stake from the session user's USDT and records the entry
price. At the end of the time increment the order settles against the market price: a win pays
stake × (1 + payoutRatio), a loss pays nothing, an unchanged price refunds the stake (DRAW).
Settlement runs lazily (on every web request and price change), so a pinned clock controls it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from exchange_sim.web.common import after_exec, decimal_of, json_body
from exchange_sim.web.session import (
    WebError,
    WebSession,
    WebState,
    WebUser,
    bad_param,
    envelope,
    state_of,
)
from exchange_sim.world import World

INCREMENTS_S = {"TEN_MINUTE": 600, "THIRTY_MINUTE": 1800, "ONE_HOUR": 3600, "ONE_DAY": 86_400}
SYMBOLS = ("BTCUSDT", "ETHUSDT", "BNBUSDT")
OPEN_LIMIT_CODE = "93420018"
UNAVAILABLE_CODE = "93420004"
INSUFFICIENT_CODE = "93420002"  # [INF] real code not found; message as the web UI shows it
PAYOUT_CHANGED_CODE = "93420010"  # the offered payout moved since the client read it
PAYOUT_CHANGED_MSG = "The payout ratio has changed, please try again."


@dataclass
class EventOrder:
    """One event-contract order and, once settled, its outcome."""

    order_id: int
    user_id: str
    session_id: str
    symbol: str
    direction: str
    increment: str
    stake: Decimal
    payout: Decimal
    entry_price: Decimal
    create_ms: int
    end_ms: int
    status: str = "ONGOING"  # → WIN | LOSE | DRAW
    settle_price: Decimal | None = None
    paid: Decimal = Decimal(0)

    def row(self) -> dict[str, Any]:
        return {
            "orderId": str(self.order_id),
            "symbolName": self.symbol,
            "direction": self.direction,
            "timeIncrements": self.increment,
            "orderAmount": str(self.stake),
            "payoutRatio": str(self.payout),
            "openPrice": str(self.entry_price),
            "closePrice": str(self.settle_price) if self.settle_price is not None else None,
            "createTime": self.create_ms,
            "endTime": self.end_ms,
            "status": self.status,
            "payoutAmount": str(self.paid),
            "walletType": "UM",
        }


def orders(state: WebState) -> list[EventOrder]:
    return state.extra.setdefault("event_orders", [])


def offered_payout(state: WebState, symbol: str, increment: str) -> Decimal:
    cfg = state.config
    return cfg.event_payout.get(f"{symbol}:{increment}", cfg.event_default_payout)


async def payout_ratios(request: Request, world: World) -> Response:
    """The current offer per symbol and increment (public; the connector reads it before each
    placement). The path is the simulator's: where the real page reads it was not found."""
    state = state_of(world)
    with world.lock:
        data = [
            {"symbolName": s, "timeIncrements": i, "payoutRatio": str(offered_payout(state, s, i))}
            for s in SYMBOLS
            for i in INCREMENTS_S
        ]
    return JSONResponse(envelope(data))


def _validate(state: WebState, body: dict[str, Any]) -> tuple[str, str, str, Decimal, Decimal]:
    symbol, increment = body.get("symbolName"), body.get("timeIncrements")
    direction = body.get("direction")
    if symbol not in SYMBOLS:
        raise bad_param("illegal parameter: symbolName")
    if increment not in INCREMENTS_S:
        raise bad_param("illegal parameter: timeIncrements")
    if direction not in ("LONG", "SHORT"):
        raise bad_param("illegal parameter: direction")
    if "orderAmount" not in body or "payoutRatio" not in body:
        raise bad_param("illegal parameter: orderAmount and payoutRatio are required")
    stake = decimal_of(body["orderAmount"], "orderAmount")
    payout = decimal_of(body["payoutRatio"], "payoutRatio")
    cfg = state.config
    if (
        stake < cfg.event_min_stake
        or stake > cfg.event_max_stake
        or stake != stake.quantize(Decimal("0.01"))
    ):
        raise bad_param(
            f"illegal parameter: orderAmount must be {cfg.event_min_stake}-{cfg.event_max_stake}"
        )
    if payout != offered_payout(state, symbol, increment):
        raise WebError(PAYOUT_CHANGED_CODE, PAYOUT_CHANGED_MSG)
    return symbol, increment, direction, stake, payout


async def place_order(
    request: Request, world: World, session: WebSession, user: WebUser
) -> Response:
    body = await json_body(request)
    state = state_of(world)
    with world.lock:
        settle_due(world)
        _payout_fault(world, session, body)
        symbol, increment, direction, stake, payout = _validate(state, body)
        if user.unavailable:
            raise WebError(UNAVAILABLE_CODE, "account unavailable")
        open_now = [o for o in orders(state) if o.user_id == user.user_id and o.status == "ONGOING"]
        if len(open_now) >= state.config.event_max_open:
            raise WebError(OPEN_LIMIT_CODE, "Open order number has reached maximum limit.")
        if user.balance("USDT") < stake:
            raise WebError(INSUFFICIENT_CODE, "Insufficient balance")
        _open(world, session, user, (symbol, increment, direction, stake, payout))
    # The real venue answers an empty object: no order id (docs/simulator.md).
    return after_exec(world, session.session_id, envelope({}))


def _payout_fault(world: World, session: WebSession, body: dict[str, Any]) -> None:
    """The ``payout_changed`` fault: the offer moved between the client's read and this send."""
    fault = world.faults.take("payout_changed", session.session_id)
    if fault is None:
        return
    if "ratio" in fault.params:
        key = f"{body.get('symbolName')}:{body.get('timeIncrements')}"
        state_of(world).config.event_payout[key] = decimal_of(fault.params["ratio"], "ratio")
    raise WebError(PAYOUT_CHANGED_CODE, PAYOUT_CHANGED_MSG)


def _open(world: World, session: WebSession, user: WebUser, spec: tuple) -> EventOrder:
    symbol, increment, direction, stake, payout = spec
    price = world.market.price(symbol)
    if price is None:
        raise bad_param("illegal parameter: symbolName")
    now = world.clock_ms()
    user.balances["USDT"] = user.balance("USDT") - stake
    order = EventOrder(
        order_id=world.next_id(), user_id=user.user_id, session_id=session.session_id,
        symbol=symbol, direction=direction, increment=increment, stake=stake, payout=payout,
        entry_price=price, create_ms=now, end_ms=now + INCREMENTS_S[increment] * 1000,
    )  # fmt: skip
    orders(state_of(world)).append(order)
    return order


async def ongoing(request: Request, world: World, session: WebSession, user: WebUser) -> Response:
    try:
        page = int(request.query_params.get("page", "1"))
        rows = int(request.query_params.get("rows", "10"))
    except ValueError:
        raise bad_param("illegal parameter: page/rows") from None
    if page < 1 or not 1 <= rows <= 100:
        raise bad_param("illegal parameter: page/rows")
    with world.lock:
        settle_due(world)
        mine = [o for o in orders(state_of(world)) if o.user_id == user.user_id]
        live = sorted((o for o in mine if o.status == "ONGOING"), key=lambda o: -o.order_id)
        data = [o.row() for o in live[(page - 1) * rows : page * rows]]
    body = envelope(data)
    body["total"] = len(live)
    return JSONResponse(body)


def settle_due(world: World) -> None:
    """Settle every ongoing order whose time increment has ended (caller holds the lock)."""
    now = world.clock_ms()
    state = state_of(world)
    for order in orders(state):
        if order.status == "ONGOING" and order.end_ms <= now:
            _settle(world, state, order)


def _settle(world: World, state: WebState, order: EventOrder) -> None:
    price = world.market.price(order.symbol) or order.entry_price
    order.settle_price = price
    up = price > order.entry_price
    if price == order.entry_price:
        order.status, order.paid = "DRAW", order.stake
    elif up == (order.direction == "LONG"):
        order.status, order.paid = "WIN", order.stake * (1 + order.payout)
    else:
        order.status, order.paid = "LOSE", Decimal(0)
    user = state.users[order.user_id]
    user.balances["USDT"] = user.balance("USDT") + order.paid
