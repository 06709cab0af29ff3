"""The Alpha matching engine: validate, lock funds, rest, fill on crossing, OTO legs, cancel, and
the ``executionReport`` events of the ``alpha@<listenKey>`` stream (docs/protocols.md §4.3, §4.4).

- A BUY locks ``price × qty`` (truncated to 8 dp) of the quote asset; a SELL locks the base qty.
- An order that crosses the market on arrival fills at once, whole, at the market price (taker:
  a working BUY @0.23 with the market at 0.2269 fills at 0.2269, as captured). Otherwise it
  rests and fills at its own price (maker) when the price crosses it, in ``config.fill_parts``
  parts (one part per crossing price move), unless ``config.auto_fill`` is off (then only
  ``POST /sim/alpha/orders/{id}/fill`` fills it).
- Fees: ``config.fee_rate`` (0.01 %) of what is received — a BUY pays in the base asset, a SELL
  in the quote asset (§4.4). Amounts are truncated to 8 dp.
- OTO: the pending SELL (id = working id + 1, same ``orderListId``) is ``PENDING`` with qty 0;
  when the working BUY has FILLED it becomes NEW with the working leg's net base quantity
  (filled qty minus base fee, floored to the lot step) and can fill in turn. Cancelling either
  leg while the pending one waits cancels both.
- Volume: only BUY fills count (Binance counts purchases only, docs/alpha.md): each adds
  ``quote × mulPoint`` to the user's volume of the day (UTC); sells add nothing.
- Stream frames write zero amounts as ``"0"`` (the real frames do, the pending leg's ``q``
  included); non-zero amounts keep 8 decimals.

Callers hold ``world.lock``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from exchange_sim.alpha.state import AlphaState, Order, Token, Trade, q8, s8, z8
from exchange_sim.numbers import ZERO, floor_to_step
from exchange_sim.web.session import WebError, WebSession, WebUser, bad_param, state_of
from exchange_sim.world import World

INSUFFICIENT_CODE = "93420002"  # same [INF] code as event contracts (real one not captured)
# "Open order number has reached maximum limit" (docs/protocols.md §4.2)
OPEN_LIMIT_CODE = "93420018"
NO_ORDER_CODE = "93420006"  # [INF] unknown / already finished order on cancel
DAY_MS = 86_400_000


def check_terms(token: Token, price: Decimal, qty: Decimal) -> None:
    """Precision (tick / tradeDecimal), lot bounds and min notional, as the web API refuses them."""
    if token.offline or token.offsell:
        raise bad_param("illegal parameter: this token is not tradable")
    if price <= 0 or price > token.max_price or price % token.tick:
        raise bad_param(f"illegal parameter: price must be a multiple of {token.tick}")
    if qty <= 0 or qty > token.max_qty or qty % token.step:
        raise bad_param(f"illegal parameter: quantity must be a multiple of {token.step}")
    if price * qty < token.min_notional:
        raise bad_param(f"illegal parameter: order value must be at least {token.min_notional}")


def buy_cost(price: Decimal, qty: Decimal) -> Decimal:
    return q8(price * qty)


def _check_open_limit(st: AlphaState, user: WebUser, legs: int) -> None:
    open_now = sum(1 for o in st.by_user.get(user.user_id, ()) if o.is_open)
    if open_now + legs > st.config.max_open:
        raise WebError(OPEN_LIMIT_CODE, "Open order number has reached maximum limit")


def _lock(st: AlphaState, user: WebUser, order: Order, asset: str, amount: Decimal) -> None:
    if user.balance(asset) < amount:
        raise WebError(INSUFFICIENT_CODE, "Insufficient balance")
    user.balances[asset] = user.balance(asset) - amount
    held = st.locked[user.user_id]
    held[asset] = held.get(asset, ZERO) + amount
    order.locked += amount


def _release(world: World, st: AlphaState, order: Order) -> None:
    """Give back what a finished order still holds."""
    if order.locked == 0:
        return
    asset = order.quote_asset if order.side == "BUY" else order.token.alpha_id
    user = state_of(world).users[order.user_id]
    held = st.locked[order.user_id]
    held[asset] = held.get(asset, ZERO) - order.locked
    user.balances[asset] = user.balance(asset) + order.locked
    order.locked = ZERO


def _new_order(world: World, session: WebSession, token: Token, quote: str, **kw: Any) -> Order:
    now = world.clock_ms()
    return Order(
        order_id=world.next_id(),
        user_id=session.user_id,
        session_id=session.session_id,
        token=token,
        quote_asset=quote,
        time=now,
        update_time=now,
        **kw,
    )


def place_limit(
    world: World,
    st: AlphaState,
    session: WebSession,
    user: WebUser,
    spec: tuple[Token, str, str, Decimal, Decimal],
) -> Order:
    token, quote, side, price, qty = spec
    check_terms(token, price, qty)
    _check_open_limit(st, user, 1)
    order = _new_order(world, session, token, quote, side=side, price=price, orig_qty=qty)
    if side == "BUY":
        _lock(st, user, order, quote, buy_cost(price, qty))
    else:
        _lock(st, user, order, token.alpha_id, qty)
    st.add_order(order)
    emit(world, st, order, "NEW")
    _arrive(world, st, order)
    return order


def place_oto(
    world: World,
    st: AlphaState,
    session: WebSession,
    user: WebUser,
    spec: tuple[Token, str, Decimal, Decimal, Decimal],
) -> tuple[Order, Order]:
    """Working BUY + pending SELL; returns both legs (ids consecutive, one orderListId)."""
    token, quote, w_price, w_qty, p_price = spec
    check_terms(token, w_price, w_qty)
    if p_price <= 0 or p_price > token.max_price or p_price % token.tick:
        raise bad_param(f"illegal parameter: pendingPrice must be a multiple of {token.tick}")
    _check_open_limit(st, user, 2)
    with world.lock:  # consecutive ids: pending = working + 1
        working = _new_order(
            world, session, token, quote, side="BUY", price=w_price, orig_qty=w_qty
        )
        pending = _new_order(
            world, session, token, quote, side="SELL", price=p_price, orig_qty=ZERO
        )
        list_id = world.next_id()
    pending.status = "PENDING"
    for leg, position in ((working, "OTO_WORKING"), (pending, "OTO_PENDING")):
        leg.list_id, leg.position = list_id, position
    working.partner, pending.partner = pending, working
    _lock(st, user, working, quote, buy_cost(w_price, w_qty))
    st.add_order(working)
    st.add_order(pending)
    emit(world, st, working, "NEW")
    emit(world, st, pending, "NEW")
    _arrive(world, st, working)
    return working, pending


def _market(world: World, order: Order) -> Decimal | None:
    return world.market.price(order.symbol)


def _crosses(order: Order, price: Decimal) -> bool:
    return price <= order.price if order.side == "BUY" else price >= order.price


def _arrive(world: World, st: AlphaState, order: Order) -> None:
    """A live order meets the market: take at the market price if it crosses, else rest."""
    price = _market(world, order)
    if st.config.auto_fill and price is not None and _crosses(order, price):
        fill(world, st, order, order.remaining, price, maker=False)
        return
    st.resting[order.symbol].append(order)


def on_price(world: World, st: AlphaState, symbol: str, price: Decimal) -> None:
    """Resting orders of ``symbol`` that the new price crosses fill one part at their price."""
    resting = st.resting.get(symbol)
    if not resting or not st.config.auto_fill:
        return
    for order in list(resting):
        if order.is_open and _crosses(order, price):
            fill(world, st, order, _part(st, order), order.price, maker=True)


def _part(st: AlphaState, order: Order) -> Decimal:
    parts = max(1, st.config.fill_parts)
    part = floor_to_step(order.orig_qty / parts, order.token.step) or order.token.step
    return min(part, order.remaining)


def fill(
    world: World, st: AlphaState, order: Order, qty: Decimal, price: Decimal, *, maker: bool
) -> Trade:
    """Execute ``qty`` of ``order`` at ``price``: balances, fee, trade, volume, events."""
    user = state_of(world).users[order.user_id]
    token, quote_asset = order.token, order.quote_asset
    quote = q8(qty * price)
    rate = st.config.fee_rate
    held = st.locked[order.user_id]
    if order.side == "BUY":
        spent = min(quote, order.locked)
        order.locked -= spent
        held[quote_asset] = held.get(quote_asset, ZERO) - spent
        fee, fee_asset = q8(qty * rate), token.alpha_id
        user.balances[token.alpha_id] = user.balance(token.alpha_id) + qty - fee
        order.net_base += qty - fee
    else:
        order.locked -= qty
        held[token.alpha_id] = held.get(token.alpha_id, ZERO) - qty
        fee, fee_asset = q8(quote * rate), quote_asset
        user.balances[quote_asset] = user.balance(quote_asset) + quote - fee
    now = world.clock_ms()
    trade = Trade(world.next_id(), order.order_id, order.symbol, order.side, price, qty, quote,
                  fee, fee_asset, now, maker)  # fmt: skip
    order.trades.append(trade)
    st.trades.append(trade)
    order.executed += qty
    order.cum_quote += quote
    order.update_time = now
    order.status = "FILLED" if order.remaining <= 0 else "PARTIALLY_FILLED"
    _add_volume(world, st, order, quote)
    publish_agg(world, st, order.symbol, price, qty, buyer_maker=order.side == "SELL")
    if order.status == "FILLED":
        _release(world, st, order)
        _unrest(st, order)
    emit(world, st, order, "TRADE", trade)
    if order.status == "FILLED" and order.position == "OTO_WORKING":
        _activate(world, st, order)
    return trade


def _activate(world: World, st: AlphaState, working: Order) -> None:
    """The working BUY filled: the pending SELL goes live with the net base quantity."""
    pending = working.partner
    if pending is None or pending.status != "PENDING":
        return
    qty = floor_to_step(working.net_base, working.token.step)
    user = state_of(world).users[pending.user_id]
    if qty <= 0 or user.balance(working.token.alpha_id) < qty:
        _finish(world, st, pending, "EXPIRED")
        return
    pending.orig_qty = qty
    pending.status = "NEW"
    pending.update_time = world.clock_ms()
    _lock(st, user, pending, working.token.alpha_id, qty)
    emit(world, st, pending, "NEW")
    _arrive(world, st, pending)


def cancel(world: World, st: AlphaState, order: Order) -> None:
    """Cancel ``order``; an OTO whose pending leg still waits is cancelled as a whole."""
    if not order.is_open:
        raise WebError(NO_ORDER_CODE, "Order does not exist or is already finished.")
    partner, was_waiting = order.partner, order.status == "PENDING"
    _finish(world, st, order, "CANCELED")
    if partner is not None and partner.is_open and (was_waiting or partner.status == "PENDING"):
        _finish(world, st, partner, "CANCELED")


def _finish(world: World, st: AlphaState, order: Order, status: str) -> None:
    order.status = status
    order.update_time = world.clock_ms()
    _release(world, st, order)
    _unrest(st, order)
    emit(world, st, order, status)


def _unrest(st: AlphaState, order: Order) -> None:
    resting = st.resting.get(order.symbol)
    if resting and order in resting:
        resting.remove(order)


def _add_volume(world: World, st: AlphaState, order: Order, quote: Decimal) -> None:
    """Count a BUY fill (× the token's multiplier) in today's volume; sells do not count."""
    if order.side != "BUY":
        return
    day = world.clock_ms() // DAY_MS
    per_token = st.volume.setdefault((order.user_id, str(day)), {})
    name = order.token.symbol
    per_token[name] = per_token.get(name, ZERO) + quote * order.token.mul_point


def today_volume(world: World, st: AlphaState, user_id: str) -> dict[str, Decimal]:
    return dict(st.volume.get((user_id, str(world.clock_ms() // DAY_MS)), {}))


def publish_agg(
    world: World, st: AlphaState, symbol: str, price: Decimal, qty: Decimal, *, buyer_maker: bool
) -> None:
    """One aggTrade print: kept for ``agg-trades`` and pushed to ``<sym>@aggTrade``."""
    now = world.clock_ms()
    agg_id = st.next_agg
    st.next_agg += 1
    trade_id = world.next_id()
    row = {"a": agg_id, "p": s8(price), "q": s8(qty), "f": trade_id, "l": trade_id, "T": now,
           "m": buyer_maker}  # fmt: skip
    st.record_agg(symbol, row)
    name = f"{symbol.lower()}@aggTrade"
    if st.market_hub.has(name):
        event = {"e": "aggTrade", "E": now, "s": symbol} | row
        st.market_hub.publish(name, ("market", name, event))


def emit(world: World, st: AlphaState, order: Order, exec_type: str, trade: Trade | None = None):
    """Push an ``executionReport`` of ``order`` to the user's ``alpha@<listenKey>`` streams."""
    if not st.user_hub.has(order.user_id):
        return
    data = execution_report(world, order, exec_type, trade)
    st.user_hub.publish(order.user_id, ("user", order.user_id, data))


def execution_report(
    world: World, order: Order, exec_type: str, trade: Trade | None = None
) -> dict[str, Any]:
    now = world.clock_ms()
    oto = order.list_id is not None
    data: dict[str, Any] = {
        "e": "executionReport", "E": now, "T": trade.time if trade else now, "u": world.next_id(),
        "s": order.symbol, "c": order.client_id, "S": order.side, "o": "LIMIT", "f": "GTC",
        "q": z8(order.orig_qty), "p": z8(order.price), "ap": z8(order.avg_price), "P": "0",
        "x": exec_type, "X": order.status, "i": str(order.order_id),
        "l": z8(trade.qty) if trade else "0", "z": z8(order.executed),
        "L": z8(trade.price) if trade else "0", "t": str(trade.trade_id) if trade else "0",
        "m": trade.maker if trade else False, "ot": "LIMIT", "st": 1, "O": order.time,
        "Z": z8(order.cum_quote), "Y": z8(trade.quote) if trade else "0", "Q": "0",
        "ba": order.token.alpha_id, "qa": order.quote_asset, "id": world.next_id(),
        "il": str(order.list_id) if oto else "-1", "ct": "OTO" if oto else None,
        "cp": order.position,
    }  # fmt: skip
    if trade is not None:
        data["n"], data["N"] = z8(trade.fee), trade.fee_asset
    return data
