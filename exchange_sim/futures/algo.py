"""Conditional (algo) orders held by the Algo Service until the market crosses their trigger.

Types (docs/simulator.md#futures-algo-orders): ``STOP_MARKET`` / ``TAKE_PROFIT_MARKET`` place a
MARKET order on trigger (the whole position for ``closePosition``); ``STOP`` / ``TAKE_PROFIT``
place a LIMIT order at ``price``; ``TRAILING_STOP_MARKET`` starts tracking once the market reaches
``activatePrice`` (at once without one) and fires a MARKET order when the price retraces
``callbackRate`` percent from the best price seen since.

Trigger rules: STOP BUY fires when price ≥ trigger, STOP SELL when ≤; TAKE_PROFIT BUY when ≤,
TAKE_PROFIT SELL when ≥. A trigger already met at placement is rejected with -2021. On trigger the
algo order goes TRIGGERED, the order executes, then FINISHED — each step an ALGO_UPDATE. Callers
hold ``world.lock``.
"""

from __future__ import annotations

from decimal import Decimal

from exchange_sim.futures import engine, filters
from exchange_sim.futures.auth import ApiError
from exchange_sim.futures.state import Account, AlgoOrder
from exchange_sim.world import World

MARKET_TYPES = frozenset({"STOP_MARKET", "TAKE_PROFIT_MARKET"})
LIMIT_TYPES = frozenset({"STOP", "TAKE_PROFIT"})
TRAILING = "TRAILING_STOP_MARKET"
ALGO_TYPES = MARKET_TYPES | LIMIT_TYPES | {TRAILING}
CALLBACK_MIN, CALLBACK_MAX = Decimal("0.1"), Decimal("10")


def triggered(algo: AlgoOrder, price: Decimal) -> bool:
    if algo.type == TRAILING:
        return trailing_fires(algo, price)
    stop = algo.type.startswith("STOP")
    if (algo.side == "BUY") == stop:
        return price >= algo.trigger
    return price <= algo.trigger


def trailing_fires(algo: AlgoOrder, price: Decimal) -> bool:
    """Advance the trailing state with ``price``; True when the retrace reaches the callback."""
    sell = algo.side == "SELL"
    if not algo.activated:
        reached = not algo.activate_price or (
            price >= algo.activate_price if sell else price <= algo.activate_price
        )
        if not reached:
            return False
        algo.activated, algo.extreme = True, price
    algo.extreme = max(algo.extreme, price) if sell else min(algo.extreme, price)
    rate = algo.callback_rate / 100
    return price <= algo.extreme * (1 - rate) if sell else price >= algo.extreme * (1 + rate)


def validate(acc: Account, algo: AlgoOrder, price: Decimal) -> None:
    spec = engine.spec_of(algo.symbol)
    if algo.close_position and (algo.quantity or algo.reduce_only):
        raise ApiError(-4136, "Target strategy invalid for orderType {0},closePosition {1}")
    if algo.close_position and (algo.position_side, algo.side) in (
        ("LONG", "BUY"),
        ("SHORT", "SELL"),
    ):
        raise ApiError(-4136, "closePosition cannot open a Hedge-mode position")
    if algo.close_position and algo.type not in MARKET_TYPES:
        raise ApiError(
            -4136, f"Target strategy invalid for orderType {algo.type},closePosition true"
        )
    if algo.type == TRAILING:
        _validate_trailing(spec, algo, price)
        return
    filters.check_price(spec, algo.trigger)
    if algo.type in LIMIT_TYPES:
        filters.check_price(spec, algo.price)
    if not algo.close_position:
        engine.check_filters(
            spec, algo.quantity, algo.price or algo.trigger, algo.reduce_only,
            market=algo.type in MARKET_TYPES,
        )  # fmt: skip
    if triggered(algo, price):
        raise ApiError(-2021, "Order would immediately trigger.")


def _validate_trailing(spec: engine.ContractSpec, algo: AlgoOrder, price: Decimal) -> None:
    if not CALLBACK_MIN <= algo.callback_rate <= CALLBACK_MAX:
        raise ApiError(-1130, "Data sent for parameter 'callbackRate' is not valid.")
    if algo.activate_price:
        filters.check_price(spec, algo.activate_price)
        # BUY: activatePrice must be below the latest price; SELL: above it.
        buy = algo.side == "BUY"
        if price <= algo.activate_price if buy else price >= algo.activate_price:
            raise ApiError(-2021, "Order would immediately trigger.")
    engine.check_filters(spec, algo.quantity, price, algo.reduce_only, market=True)
    trailing_fires(algo, price)  # a trailing order without activatePrice tracks from now


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
    amount = acc.position(algo.symbol, algo.position_side).amount
    qty = abs(amount) if algo.close_position else algo.quantity
    hedge_close = (algo.position_side, algo.side) in (("LONG", "SELL"), ("SHORT", "BUY"))
    reduce = algo.close_position or algo.reduce_only or hedge_close
    if reduce and (amount == 0 or (amount > 0) == (algo.side == "BUY")):
        algo.status = "EXPIRED"  # nothing left to close
        engine.publish_algo(world, acc, algo)
        return
    qty = min(qty, abs(amount)) if reduce else qty
    engine.publish_algo(world, acc, algo)  # TRIGGERED, then the order's own events
    limit = algo.type in LIMIT_TYPES
    new = engine.NewOrder(
        symbol=algo.symbol, side=algo.side, type="LIMIT" if limit else "MARKET", quantity=qty,
        price=algo.price if limit else Decimal(0), time_in_force=algo.time_in_force,
        reduce_only=reduce and algo.position_side == "BOTH", client_id=algo.client_id,
        close_position=algo.close_position, orig_type=algo.type,
        position_side=algo.position_side,
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
