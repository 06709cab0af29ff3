"""The Binance spot matching engine: accept, fill, rest, cross, cancel — and emit the events.

MARKET orders fill at once at the market price (one fill, taker). LIMIT orders that cross fill
at once at the market price (taker); otherwise they rest with their funds locked and fill at their
own price (maker) when the market crosses them, in ``account.limit_fill_parts`` equal parts (one
part per crossing price tick). Stop orders (STOP_LOSS, TAKE_PROFIT and their _LIMIT variants) wait
off the book with their funds locked until the market reaches ``stopPrice``; then the plain ones
execute as MARKET and the _LIMIT ones become LIMIT orders at ``price`` (docs/simulator.md).
Commission is charged in the asset received, at the account's maker/taker rate. Callers hold
``world.lock``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from exchange_sim.binance_spot import views
from exchange_sim.binance_spot.state import BinanceError, Order, SpotAccount, SpotVenue, Trade
from exchange_sim.binance_spot.state import random_token as _token
from exchange_sim.binance_spot.symbols import SYMBOLS
from exchange_sim.binance_spot.validate import (
    LIMIT_KINDS,
    STOP_TYPES,
    NewOrder,
    check_lot,
    check_notional,
    check_price,
)
from exchange_sim.numbers import ZERO, floor_to_step

_Q8 = Decimal("0.00000001")
MARKET_STOPS = ("STOP_LOSS", "TAKE_PROFIT")  # execute as MARKET once triggered
INSUFFICIENT = "Account has insufficient balance for requested action."


def place(venue: SpotVenue, account: SpotAccount, req: NewOrder) -> Order:
    """Validate against filters, balances and open ids; then execute or rest the order."""
    existing = account.by_client_id.get(req.client_id or "")
    if existing is not None and existing.is_open:
        raise BinanceError(-2010, "Duplicate order sent.")
    price, qty = check(venue, req)
    now = venue.world.clock_ms()
    order = Order(
        symbol=req.spec.symbol,
        order_id=venue.world.next_id(),
        client_id=req.client_id or _token(22),
        side=req.side,
        type=req.type,
        time_in_force=req.time_in_force if req.type != "LIMIT_MAKER" else "GTC",
        price=req.price if req.type in LIMIT_KINDS else ZERO,
        orig_qty=qty,
        orig_quote_qty=req.quote_qty or ZERO,
        time=now,
        update_time=now,
        stp_mode=req.stp_mode,
        stop_price=req.stop_price,
        working_time=-1 if req.type in STOP_TYPES else now,
    )
    crosses = req.type == "MARKET" or (req.type in LIMIT_KINDS and _crosses(order, price))
    if crosses and req.type == "LIMIT_MAKER":
        raise BinanceError(-2010, "Order would immediately match and take.")
    _reserve(account, order, price)
    _register(venue, account, order)
    _emit_new(venue, account, order)
    if req.type in STOP_TYPES:
        venue.stops.setdefault(order.symbol, []).append((order, account))
    else:
        _work(venue, account, order, price, crosses)
    return order


def check(venue: SpotVenue, req: NewOrder) -> tuple[Decimal, Decimal]:
    """The checks that need the market (filters, a stop that would trigger at once), as
    ``order/test`` runs them too; returns the market price and the order quantity."""
    price = venue.world.market.price(req.spec.symbol)
    if price is None:
        raise BinanceError(-1121, "Invalid symbol.")
    qty = _checked_quantity(req, price)
    if req.type in STOP_TYPES and _triggered(req.type, req.side, req.stop_price, price):
        raise BinanceError(-2010, "Order would trigger immediately.")
    return price, qty


def _work(
    venue: SpotVenue, account: SpotAccount, order: Order, price: Decimal, crosses: bool
) -> None:
    """An order on the book: fill what crosses, expire IOC/FOK leftovers, rest the rest."""
    if crosses:
        fill(venue, account, order, order.orig_qty, price, maker=False)
    elif order.time_in_force in ("IOC", "FOK"):
        _finish(venue, account, order, "EXPIRED")
    else:
        venue.resting.setdefault(order.symbol, []).append((order, account))


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
    market = req.type not in LIMIT_KINDS
    check_lot(spec, req.quantity, market=market)
    if req.type in STOP_TYPES:
        check_price(spec, req.stop_price)
    if market:
        check_notional(spec, req.quantity * (req.stop_price or price), market=True)
    else:
        check_price(spec, req.price)
        check_notional(spec, req.quantity * req.price, market=False)
    return req.quantity


def _crosses(order: Order, market: Decimal) -> bool:
    return market <= order.price if order.side == "BUY" else market >= order.price


def _triggered(order_type: str, side: str, stop_price: Decimal, market: Decimal) -> bool:
    """STOP_LOSS BUY and TAKE_PROFIT SELL wait above the market, the other two below it."""
    above = (order_type.startswith("STOP_LOSS")) == (side == "BUY")
    return market >= stop_price if above else market <= stop_price


def _locked_per_unit(order: Order) -> tuple[str, Decimal] | None:
    """What one unit of the open order keeps locked: SELL its base; BUY its price in quote (a
    waiting market-kind stop order: its stop price). MARKET orders lock nothing."""
    base, quote = _assets(order.symbol)
    if order.type == "MARKET" or (order.type in MARKET_STOPS and order.is_working):
        return None
    if order.side == "SELL":
        return base, Decimal(1)
    return quote, order.price if order.type in LIMIT_KINDS else order.stop_price


def _reserve(account: SpotAccount, order: Order, price: Decimal) -> None:
    """Check the balance; orders that wait move the needed amount from free to locked."""
    base, quote = _assets(order.symbol)
    locked = _locked_per_unit(order)
    asset, per_unit = locked or ((quote, price) if order.side == "BUY" else (base, Decimal(1)))
    need = order.orig_qty * per_unit
    row = account.balance(asset)
    if row[0] < need:
        raise BinanceError(-2010, INSUFFICIENT)
    if locked is not None:
        _move(account, asset, need)


def _move(account: SpotAccount, asset: str, amount: Decimal) -> None:
    """Lock ``amount`` of ``asset`` (free → locked); a negative amount unlocks it."""
    row = account.balance(asset)
    row[0] -= amount
    row[1] += amount


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
    locked = _locked_per_unit(order)
    if locked is not None:  # release what this part had locked
        _move(account, locked[0], -qty * locked[1])
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
    for books in (venue.resting, venue.stops):
        book = books.get(order.symbol)
        if book:
            book[:] = [(o, a) for (o, a) in book if o is not order]


def _finish(venue: SpotVenue, account: SpotAccount, order: Order, status: str) -> list[str]:
    """End an open order (CANCELED / EXPIRED): unlock what is left; returns touched assets."""
    locked = _locked_per_unit(order)
    assets = []
    if locked is not None:
        _move(account, locked[0], -(order.orig_qty - order.executed_qty) * locked[1])
        assets.append(locked[0])
    order.status = status
    order.update_time = account.update_time = venue.world.clock_ms()
    _close(venue, account, order)
    if status == "EXPIRED":
        _emit(venue, account, order, "EXPIRED", assets)
    return assets


def cancel(venue: SpotVenue, account: SpotAccount, order: Order, cancel_id: str | None) -> str:
    """Cancel an open order; returns the cancel's own client id (Binance's ``clientOrderId``)."""
    if not order.is_open:
        raise BinanceError(-2011, "Unknown order sent.")
    new_id = cancel_id or _token(22)
    assets = _finish(venue, account, order, "CANCELED")
    _emit(venue, account, order, "CANCELED", assets, orig_client_id=order.client_id, cid=new_id)
    return new_id


def on_price(venue: SpotVenue, symbol: str, price: Decimal) -> None:
    """A price tick: stop orders it reaches trigger; resting orders it crosses fill (one part
    per tick)."""
    for order, account in list(venue.stops.get(symbol, [])):
        if order.is_open and _triggered(order.type, order.side, order.stop_price, price):
            _trigger(venue, account, order, price)
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


def _trigger(venue: SpotVenue, account: SpotAccount, order: Order, price: Decimal) -> None:
    """The stop price is reached: the order starts working as a MARKET or a LIMIT order."""
    venue.stops[order.symbol] = [(o, a) for (o, a) in venue.stops[order.symbol] if o is not order]
    if order.type in LIMIT_KINDS:  # its funds stay locked at its limit price
        order.working_time = venue.world.clock_ms()
        _work(venue, account, order, price, _crosses(order, price))
        return
    locked = _locked_per_unit(order)
    assert locked is not None  # a waiting stop order holds its funds
    asset, per_unit = locked
    _move(account, asset, -order.orig_qty * per_unit)  # a market order locks nothing
    order.working_time = venue.world.clock_ms()
    base, quote = _assets(order.symbol)
    have = account.balance(quote if order.side == "BUY" else base)[0]
    if have < order.orig_qty * (price if order.side == "BUY" else 1):
        order.status = "EXPIRED"  # triggered, but the funds are no longer there
        order.update_time = account.update_time = order.working_time
        _close(venue, account, order)
        _emit(venue, account, order, "EXPIRED", [asset])
        return
    fill(venue, account, order, order.orig_qty, price, maker=False)


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
