"""Futures matching and accounting: orders fill against the shared market price.

MARKET orders fill at once at the market price (taker fee); LIMIT orders fill at once if
marketable (at the market price, taker) or rest and fill at their limit price when the market
crosses (maker fee). Positions are net (one-way mode): fills in the position's direction average
the entry price, opposite fills realize PnL = closed qty × (fill − entry) × sign. Every fill
writes a trade, a COMMISSION income row and (when non-zero) a REALIZED_PNL row, and publishes
ORDER_TRADE_UPDATE then ACCOUNT_UPDATE on the account's listen key. Callers hold ``world.lock``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from exchange_sim.futures import filters, views
from exchange_sim.futures.auth import ApiError
from exchange_sim.futures.state import ZERO, Account, AlgoOrder, Income, Order, Trade
from exchange_sim.futures.symbols import CONTRACTS, MAKER_FEE, TAKER_FEE, ContractSpec
from exchange_sim.world import World


@dataclass
class NewOrder:
    """A validated ``POST /fapi/v1/order`` request."""

    symbol: str
    side: str
    type: str
    quantity: Decimal
    price: Decimal
    time_in_force: str
    reduce_only: bool
    client_id: str
    close_position: bool = False
    orig_type: str = ""
    position_side: str = "BOTH"  # LONG / SHORT in Hedge mode

    @property
    def hedge_close(self) -> bool:
        """A Hedge-mode order that reduces its side (SELL on LONG, BUY on SHORT)."""
        return (self.position_side, self.side) in (("LONG", "SELL"), ("SHORT", "BUY"))


def spec_of(symbol: str) -> ContractSpec:
    spec = CONTRACTS.get(symbol.upper())
    if spec is None:
        raise ApiError(-1121, "Invalid symbol.")
    return spec


def mark(world: World, symbol: str) -> Decimal:
    price = world.market.price(symbol)
    if price is None:
        raise ApiError(-1121, "Invalid symbol.")
    return price


def check_filters(
    spec: ContractSpec,
    qty: Decimal,
    price: Decimal,
    reduce_only: bool,
    *,
    market: bool = False,
    side: str = "",
    mark_price: Decimal | None = None,
) -> None:
    """Quantity, price and PERCENT_PRICE (LIMIT only), MIN_NOTIONAL — see ``filters``."""
    filters.check_quantity(spec, qty, market=market)
    if not market:  # a MARKET order carries no price; the reference is the market's
        filters.check_price(spec, price)
        if side and mark_price is not None:
            filters.check_percent_price(spec, side, price, mark_price)
    filters.check_notional(spec, qty, price, reduce_only)


def signed_qty(side: str, qty: Decimal) -> Decimal:
    return qty if side == "BUY" else -qty


def check_reduce_only(
    acc: Account, symbol: str, side: str, qty: Decimal, position_side: str = "BOTH"
) -> None:
    amount = acc.position(symbol, position_side).amount
    if amount == 0 or (amount > 0) == (side == "BUY") or qty > abs(amount):
        raise ApiError(-2022, "ReduceOnly Order is rejected.")


def available(world: World, acc: Account) -> Decimal:
    """Wallet + unrealized PnL − initial margin of positions and open orders."""
    free = acc.wallet
    for pos in acc.positions.values():
        if pos.amount:
            price = mark(world, pos.symbol)
            free += views.unrealized(pos, price) - abs(pos.amount) * price / acc.lev(pos.symbol)
    for o in acc.orders.values():
        if o.status in ("NEW", "PARTIALLY_FILLED") and not o.reduce_only:
            free -= (o.quantity - o.executed) * o.price / acc.lev(o.symbol)
    return free


def check_margin(world: World, acc: Account, new: NewOrder, price: Decimal) -> None:
    if new.reduce_only or new.hedge_close:
        return
    amount = acc.position(new.symbol, new.position_side).amount
    opening = new.quantity
    if amount and (amount > 0) != (new.side == "BUY"):
        opening = max(ZERO, new.quantity - abs(amount))
    need = opening * price / acc.lev(new.symbol) + new.quantity * price * TAKER_FEE
    if opening and need > available(world, acc):
        raise ApiError(-2019, "Margin is insufficient.")


def place(world: World, acc: Account, new: NewOrder) -> Order:
    """Validate, accept and (if marketable) execute a regular order."""
    spec = spec_of(new.symbol)
    price_now = mark(world, new.symbol)
    check_filters(
        spec, new.quantity, new.price or price_now, new.reduce_only,
        market=new.type == "MARKET", side=new.side, mark_price=price_now,
    )  # fmt: skip
    if new.reduce_only or new.hedge_close:
        check_reduce_only(acc, new.symbol, new.side, new.quantity, new.position_side)
    check_margin(world, acc, new, new.price or price_now)
    now = world.clock_ms()
    order = Order(
        order_id=world.next_id(), client_id=new.client_id, symbol=new.symbol, side=new.side,
        type=new.type, quantity=new.quantity, price=new.price, time_in_force=new.time_in_force,
        reduce_only=new.reduce_only, time=now, orig_type=new.orig_type,
        close_position=new.close_position, position_side=new.position_side,
    )  # fmt: skip
    acc.orders[order.order_id] = order
    publish(world, acc, views.order_event(order, now, "NEW", None))
    if new.type == "MARKET" or crosses(order, price_now):
        fill(world, acc, order, price_now, maker=False)
    elif new.time_in_force in ("IOC", "FOK"):
        finish(world, acc, order, "EXPIRED")
    return order


def crosses(order: Order, price: Decimal) -> bool:
    if order.type != "LIMIT":
        return False
    return price <= order.price if order.side == "BUY" else price >= order.price


def fill(world: World, acc: Account, order: Order, price: Decimal, maker: bool) -> Trade:
    """Fill the rest of ``order`` at ``price``: trade, position, wallet, income, events."""
    qty = order.quantity - order.executed
    now = world.clock_ms()
    fee_rate = MAKER_FEE if maker else TAKER_FEE
    commission = (qty * price * fee_rate).quantize(Decimal("0.00000001"), ROUND_DOWN)
    side = order.position_side
    realized = apply_fill(acc, order.symbol, signed_qty(order.side, qty), price, now, side)
    trade = Trade(
        trade_id=world.next_id(), order_id=order.order_id, symbol=order.symbol, side=order.side,
        price=price, qty=qty, commission=commission, realized_pnl=realized, maker=maker, time=now,
        position_side=side,
    )  # fmt: skip
    acc.trades.append(trade)
    acc.wallet += realized - commission
    _income(world, acc, trade)
    order.executed += qty
    order.cum_quote += qty * price
    order.status = "FILLED"
    order.update_time = now
    publish(world, acc, views.order_event(order, now, "TRADE", trade))
    pos = acc.position(order.symbol, side)
    publish(world, acc, views.account_event(acc, pos, mark(world, order.symbol), now, "ORDER"))
    if pos.amount == 0:
        expire_close_position_algos(world, acc, order.symbol, side)
    return trade


def apply_fill(
    acc: Account, symbol: str, delta: Decimal, price: Decimal, now: int, side: str = "BOTH"
) -> Decimal:
    """Update the position (net, or one Hedge side) by ``delta`` at ``price``; return the
    realized PnL."""
    pos = acc.position(symbol, side)
    pos.update_time = now
    if pos.amount == 0 or (pos.amount > 0) == (delta > 0):
        total = abs(pos.amount) + abs(delta)
        pos.entry = (abs(pos.amount) * pos.entry + abs(delta) * price) / total
        pos.entry = pos.entry.quantize(Decimal("0.00000001"))
        pos.amount += delta
        return ZERO
    closed = min(abs(delta), abs(pos.amount))
    direction = 1 if pos.amount > 0 else -1
    realized = closed * (price - pos.entry) * direction
    pos.amount += delta
    if pos.amount == 0:
        pos.entry = ZERO
    elif (pos.amount > 0) != (direction > 0):
        pos.entry = price  # flipped: the remainder opened a new position at this price
    return realized


def _income(world: World, acc: Account, trade: Trade) -> None:
    rows = [("COMMISSION", -trade.commission)]
    if trade.realized_pnl:
        rows.insert(0, ("REALIZED_PNL", trade.realized_pnl))
    for kind, amount in rows:
        acc.income.append(
            Income(
                tran_id=world.next_id(),
                symbol=trade.symbol,
                income_type=kind,
                income=amount,
                time=trade.time,
                trade_id=str(trade.trade_id),
            )
        )


def finish(world: World, acc: Account, order: Order, status: str) -> None:
    """End an open order without a fill (CANCELED by the user, EXPIRED by IOC/FOK)."""
    order.status = status
    order.update_time = world.clock_ms()
    publish(world, acc, views.order_event(order, order.update_time, status, None))


def publish(world: World, acc: Account, event: dict) -> None:
    hub = world.venues["binance_futures"].hub
    if acc.listen_key:
        hub.publish(acc.listen_key, event)


def publish_algo(world: World, acc: Account, algo: AlgoOrder) -> None:
    publish(world, acc, views.algo_event(algo, world.clock_ms()))


def expire_close_position_algos(
    world: World, acc: Account, symbol: str, side: str = "BOTH"
) -> None:
    """With no position left, closePosition / reduceOnly algo orders are cancelled by the system."""
    for algo in acc.algos.values():
        if algo.symbol == symbol and algo.status == "NEW" and algo.position_side == side:
            if algo.close_position or algo.reduce_only:
                algo.status = "EXPIRED"
                algo.update_time = world.clock_ms()
                publish_algo(world, acc, algo)
