"""The Binance spot matching engine: accept, fill, rest, cross, cancel — and emit the events.

MARKET orders fill at once at the market price (one fill, taker). LIMIT orders that cross fill
at once at the market price (taker); otherwise they rest with their funds locked and fill at their
own price (maker) when the market crosses them, in ``account.limit_fill_parts`` equal parts (one
part per crossing price tick). Commission is charged in the asset received, at the account's
maker/taker rate. Callers hold ``world.lock``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from exchange_sim.binance_spot import views
from exchange_sim.binance_spot.state import BinanceError, Order, SpotAccount, SpotVenue, Trade
from exchange_sim.binance_spot.state import random_token as _token
from exchange_sim.binance_spot.symbols import SYMBOLS
from exchange_sim.binance_spot.validate import NewOrder, check_lot, check_notional, check_price
from exchange_sim.numbers import ZERO, floor_to_step

_Q8 = Decimal("0.00000001")
INSUFFICIENT = "Account has insufficient balance for requested action."


def place(venue: SpotVenue, account: SpotAccount, req: NewOrder) -> Order:
    """Validate against filters, balances and open ids; then execute or rest the order."""
    price = venue.world.market.price(req.spec.symbol)
    if price is None:
        raise BinanceError(-1121, "Invalid symbol.")
    existing = account.by_client_id.get(req.client_id or "")
    if existing is not None and existing.is_open:
        raise BinanceError(-2010, "Duplicate order sent.")
    qty = _checked_quantity(req, price)
    now = venue.world.clock_ms()
    order = Order(
        symbol=req.spec.symbol,
        order_id=venue.world.next_id(),
        client_id=req.client_id or _token(22),
        side=req.side,
        type=req.type,
        time_in_force=req.time_in_force if req.type != "LIMIT_MAKER" else "GTC",
        price=req.price if req.type != "MARKET" else ZERO,
        orig_qty=qty,
        orig_quote_qty=req.quote_qty or ZERO,
        time=now,
        update_time=now,
        stp_mode=req.stp_mode,
    )
    crosses = req.type == "MARKET" or _crosses(order, price)
    if crosses and req.type == "LIMIT_MAKER":
        raise BinanceError(-2010, "Order would immediately match and take.")
    _reserve(account, order, req, price)
    _register(venue, account, order)
    _emit_new(venue, account, order)
    if crosses:
        fill(venue, account, order, qty, price, maker=False)
    elif order.time_in_force in ("IOC", "FOK"):
        _finish(venue, account, order, "EXPIRED")
    else:
        venue.resting.setdefault(order.symbol, []).append((order, account))
    return order


def _checked_quantity(req: NewOrder, price: Decimal) -> Decimal:
    spec = req.spec
    if req.type == "MARKET" and req.quote_qty is not None:
        check_notional(spec, req.quote_qty, market=True)
        qty = floor_to_step(req.quote_qty / price, spec.step)
        if qty < spec.min_qty:
            raise BinanceError(-1013, "Filter failure: LOT_SIZE")
        check_lot(spec, qty, market=True)
        return qty
    assert req.quantity is not None
    check_lot(spec, req.quantity, market=req.type == "MARKET")
    if req.type == "MARKET":
        check_notional(spec, req.quantity * price, market=True)
    else:
        check_price(spec, req.price)
        check_notional(spec, req.quantity * req.price, market=False)
    return req.quantity


def _crosses(order: Order, market: Decimal) -> bool:
    return market <= order.price if order.side == "BUY" else market >= order.price


def _reserve(account: SpotAccount, order: Order, req: NewOrder, price: Decimal) -> None:
    """Check the balance; LIMIT orders move the needed amount from free to locked."""
    spec = req.spec
    if order.side == "BUY":
        asset, need = (
            spec.quote,
            order.orig_qty * (price if order.type == "MARKET" else order.price),
        )
    else:
        asset, need = spec.base, order.orig_qty
    row = account.balance(asset)
    if row[0] < need:
        raise BinanceError(-2010, INSUFFICIENT)
    if order.type != "MARKET":
        row[0] -= need
        row[1] += need


def _register(venue: SpotVenue, account: SpotAccount, order: Order) -> None:
    account.orders[order.order_id] = order
    account.open_orders[order.order_id] = order
    account.by_client_id[order.client_id] = order
    fault = venue.world.faults.take("not_found_window", account.api_key)
    if fault is not None:
        order.hidden_until = order.time + int(fault.params.get("ms", 1000))


def fill(
    venue: SpotVenue,
    account: SpotAccount,
    order: Order,
    qty: Decimal,
    price: Decimal,
    *,
    maker: bool,
) -> Trade:
    """Execute ``qty`` of ``order`` at ``price``: balances, fees, trade record, events."""
    spec_base, spec_quote = _assets(order.symbol)
    now = venue.world.clock_ms()
    quote = (qty * price).quantize(_Q8, ROUND_HALF_UP)
    rate = account.maker_rate if maker else account.taker_rate
    buy = order.side == "BUY"
    if order.type != "MARKET":  # release what this part had locked at the order's price
        locked_asset, locked_amount = (spec_quote, qty * order.price) if buy else (spec_base, qty)
        row = account.balance(locked_asset)
        row[1] -= locked_amount
        row[0] += locked_amount
    if buy:
        commission, fee_asset = (qty * rate).quantize(_Q8, ROUND_HALF_UP), spec_base
        account.balance(spec_quote)[0] -= quote
        account.balance(spec_base)[0] += qty - commission
    else:
        commission, fee_asset = (quote * rate).quantize(_Q8, ROUND_HALF_UP), spec_quote
        account.balance(spec_base)[0] -= qty
        account.balance(spec_quote)[0] += quote - commission
    trade = Trade(
        venue.world.next_id(),
        order.order_id,
        order.symbol,
        price,
        qty,
        quote,
        commission,
        fee_asset,
        now,
        buy,
        maker,
    )
    order.executed_qty += qty
    order.cum_quote += quote
    order.fills.append(trade)
    order.update_time = account.update_time = now
    order.status = "FILLED" if order.executed_qty >= order.orig_qty else "PARTIALLY_FILLED"
    account.trades.append(trade)
    if not order.is_open:
        _close(venue, account, order)
    _emit_trade(venue, account, order, trade, [spec_base, spec_quote])
    venue.trade_listener(order.symbol, trade)
    return trade


def _assets(symbol: str) -> tuple[str, str]:
    spec = SYMBOLS[symbol]
    return spec.base, spec.quote


def _close(venue: SpotVenue, account: SpotAccount, order: Order) -> None:
    account.open_orders.pop(order.order_id, None)
    book = venue.resting.get(order.symbol)
    if book:
        book[:] = [(o, a) for (o, a) in book if o is not order]


def _finish(venue: SpotVenue, account: SpotAccount, order: Order, status: str) -> list[str]:
    """End an open order (CANCELED / EXPIRED): unlock what is left; returns touched assets."""
    base, quote = _assets(order.symbol)
    left = order.orig_qty - order.executed_qty
    asset, amount = (quote, left * order.price) if order.side == "BUY" else (base, left)
    row = account.balance(asset)
    row[1] -= amount
    row[0] += amount
    order.status = status
    order.update_time = account.update_time = venue.world.clock_ms()
    _close(venue, account, order)
    if status == "EXPIRED":
        _emit(venue, account, order, "EXPIRED", [asset])
    return [asset]


def cancel(venue: SpotVenue, account: SpotAccount, order: Order, cancel_id: str | None) -> str:
    """Cancel an open order; returns the cancel's own client id (Binance's ``clientOrderId``)."""
    if not order.is_open:
        raise BinanceError(-2011, "Unknown order sent.")
    new_id = cancel_id or _token(22)
    assets = _finish(venue, account, order, "CANCELED")
    _emit(venue, account, order, "CANCELED", assets, orig_client_id=order.client_id, cid=new_id)
    return new_id


def on_price(venue: SpotVenue, symbol: str, price: Decimal) -> None:
    """A price tick: resting orders that the new price crosses fill (one part per tick)."""
    book = venue.resting.get(symbol)
    if not book:
        return
    for order, account in list(book):
        if not order.is_open or not _crosses(order, price):
            continue
        left = order.orig_qty - order.executed_qty
        part = left
        if account.limit_fill_parts > 1:
            step = _step(symbol)
            part = min(left, floor_to_step(order.orig_qty / account.limit_fill_parts, step)) or left
        fill(venue, account, order, part, order.price, maker=True)


def _step(symbol: str) -> Decimal:
    return SYMBOLS[symbol].step


# -- events ---------------------------------------------------------------------------------


def _emit_new(venue: SpotVenue, account: SpotAccount, order: Order) -> None:
    if not venue.user_hub.has(account.api_key):
        return
    assets = list(_assets(order.symbol)) if order.type != "MARKET" else []
    _emit(venue, account, order, "NEW", assets)


def _emit(
    venue: SpotVenue,
    account: SpotAccount,
    order: Order,
    exec_type: str,
    assets: list[str],
    *,
    orig_client_id: str = "",
    cid: str | None = None,
) -> None:
    if not venue.user_hub.has(account.api_key):
        return
    now = venue.world.clock_ms()
    report = views.execution_report(
        order,
        exec_type=exec_type,
        now=now,
        exec_id=venue.next_exec_id(),
        orig_client_id=orig_client_id,
        client_id=cid,
    )
    venue.user_hub.publish(account.api_key, report)
    if assets:
        venue.user_hub.publish(account.api_key, views.account_position(account, assets, now))


def _emit_trade(
    venue: SpotVenue, account: SpotAccount, order: Order, trade: Trade, assets: list[str]
) -> None:
    if not venue.user_hub.has(account.api_key):
        return
    now = venue.world.clock_ms()
    report = views.execution_report(
        order, exec_type="TRADE", now=now, exec_id=venue.next_exec_id(), trade=trade
    )
    venue.user_hub.publish(account.api_key, report)
    venue.user_hub.publish(account.api_key, views.account_position(account, assets, now))
