"""Conditional (algo) orders: STOP_MARKET / TAKE_PROFIT_MARKET held until the price crosses.

Trigger rules (docs/protocols.md §3.2): STOP BUY fires when price ≥ trigger, STOP SELL when ≤;
TAKE_PROFIT BUY when ≤, TAKE_PROFIT SELL when ≥. A trigger already met at placement is rejected
with -2021. On trigger the algo order goes TRIGGERED, a MARKET order executes (the whole position
for ``closePosition``), then FINISHED — each step an ALGO_UPDATE. Callers hold ``world.lock``.
"""

from __future__ import annotations

from decimal import Decimal

from exchange_sim.futures import engine
from exchange_sim.futures.auth import ApiError
from exchange_sim.futures.state import Account, AlgoOrder
from exchange_sim.world import World

ALGO_TYPES = frozenset({"STOP_MARKET", "TAKE_PROFIT_MARKET"})


def triggered(algo: AlgoOrder, price: Decimal) -> bool:
    stop = algo.type.startswith("STOP")
    if (algo.side == "BUY") == stop:
        return price >= algo.trigger
    return price <= algo.trigger


def validate(acc: Account, algo: AlgoOrder, price: Decimal) -> None:
    spec = engine.spec_of(algo.symbol)
    if algo.trigger <= 0 or algo.trigger % spec.tick:
        raise ApiError(-4014, "Price not increased by tick size.")
    if algo.close_position and (algo.quantity or algo.reduce_only):
        raise ApiError(-4136, "Target strategy invalid for orderType {0},closePosition {1}")
    if not algo.close_position:
        engine.check_filters(spec, algo.quantity, algo.trigger, algo.reduce_only)
    if triggered(algo, price):
        raise ApiError(-2021, "Order would immediately trigger.")


def place(world: World, acc: Account, algo: AlgoOrder) -> AlgoOrder:
    validate(acc, algo, engine.mark(world, algo.symbol))
    acc.algos[algo.algo_id] = algo
    engine.publish_algo(world, acc, algo)
    return algo


def cancel(world: World, acc: Account, algo: AlgoOrder) -> None:
    algo.status = "CANCELED"
    algo.update_time = world.clock_ms()
    engine.publish_algo(world, acc, algo)


def on_price(world: World, symbol: str, price: Decimal) -> None:
    """Market listener: fire crossed algo orders and fill crossed resting LIMIT orders."""
    state = world.venues["binance_futures"]
    with world.lock:
        for acc in list(state.accounts.values()):
            for order in list(acc.orders.values()):
                live = order.symbol == symbol and order.status == "NEW"
                if live and engine.crosses(order, price):
                    engine.fill(world, acc, order, order.price, maker=True)
            for algo in list(acc.algos.values()):
                if algo.symbol == symbol and algo.status == "NEW" and triggered(algo, price):
                    fire(world, acc, algo, price)


def fire(world: World, acc: Account, algo: AlgoOrder, price: Decimal) -> None:
    now = world.clock_ms()
    algo.status, algo.trigger_time, algo.update_time = "TRIGGERED", now, now
    amount = acc.position(algo.symbol).amount
    qty = abs(amount) if algo.close_position else algo.quantity
    reduce = algo.close_position or algo.reduce_only
    if reduce and (amount == 0 or (amount > 0) == (algo.side == "BUY")):
        algo.status = "EXPIRED"  # nothing left to close
        engine.publish_algo(world, acc, algo)
        return
    qty = min(qty, abs(amount)) if reduce else qty
    engine.publish_algo(world, acc, algo)  # TRIGGERED, then the MARKET order's own events
    new = engine.NewOrder(
        symbol=algo.symbol, side=algo.side, type="MARKET", quantity=qty, price=Decimal(0),
        time_in_force="GTC", reduce_only=reduce, client_id=algo.client_id,
        close_position=algo.close_position, orig_type=algo.type,
    )  # fmt: skip
    try:
        order = engine.place(world, acc, new)
    except ApiError:
        algo.status = "REJECTED"
        engine.publish_algo(world, acc, algo)
        return
    algo.actual_order_id, algo.actual_price = order.order_id, order.avg_price
    algo.status = "FINISHED"
    algo.update_time = world.clock_ms()
    engine.publish_algo(world, acc, algo)
