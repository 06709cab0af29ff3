"""The Bitget spot engine: place (market buy ``size`` = quote amount), rest, cross, cancel.

Same model as the Binance engine: market orders fill at once at the market price (taker); limit
orders that cross fill at once at the market price, else rest with funds frozen and fill at their
price (maker) when the market crosses, in ``limit_fill_parts`` parts. Fees (``fee_rate``) are
charged in the coin received. Callers hold ``world.lock``; pushes go to the private channels.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from exchange_sim.bitget import views
from exchange_sim.bitget.state import BgOrder, BitgetAccount, BitgetError, BitgetVenue, Fill
from exchange_sim.bitget.symbols import SYMBOLS, BgSymbol
from exchange_sim.numbers import ZERO, decimals_of, floor_to_step, parse_decimal

ORDER_ID_BASE = 1_100_000_000_000_000_000
_Q8 = Decimal("0.00000001")


def _required(body: dict[str, str], name: str) -> str:
    value = body.get(name)
    if not value:
        raise BitgetError("40019", f"Parameter {name} cannot be empty")
    return value


def _decimal(body: dict[str, str], name: str, scale: int) -> Decimal:
    value = parse_decimal(_required(body, name))
    if value is None or value <= 0:
        raise BitgetError("40017", f"Parameter {name} error")
    if decimals_of(value) > scale:
        code = "41103" if name == "price" else "40808"
        raise BitgetError(
            code,
            f"Parameter verification exception {name} checkBDScale error "
            f"value={value} checkScale={scale}",
        )
    return value


def spec_of(body: dict[str, str]) -> BgSymbol:
    spec = SYMBOLS.get(_required(body, "symbol").upper())
    if spec is None:
        raise BitgetError("40034", "Parameter symbol does not exist")
    return spec


def place(venue: BitgetVenue, account: BitgetAccount, body: dict[str, str]) -> BgOrder:
    """Validate like Bitget, check the balance, then fill or rest the order."""
    spec = spec_of(body)
    side, kind = _required(body, "side").lower(), _required(body, "orderType").lower()
    if side not in ("buy", "sell") or kind not in ("limit", "market"):
        raise BitgetError("40017", "Parameter verification failed side/orderType")
    if kind == "limit":
        _required(body, "force")  # the docs make it mandatory; market orders ignore it
    force = (body.get("force") or "gtc").lower()
    if force not in ("gtc", "post_only", "fok", "ioc"):
        raise BitgetError("40017", "Parameter force error")
    market = venue.world.market.price(spec.symbol)
    assert market is not None
    quote_size = kind == "market" and side == "buy"
    size = _decimal(body, "size", spec.quote_precision if quote_size else spec.quantity_precision)
    price = _decimal(body, "price", spec.price_precision) if kind == "limit" else ZERO
    client_oid = body.get("clientOid") or ""
    existing = account.by_client_oid.get(client_oid) if client_oid else None
    if existing is not None and existing.is_open:
        raise BitgetError("40786", "Duplicate clientOid")
    _check_minimum(spec, kind, side, size, price or market)
    if kind == "limit":
        _check_price_band(spec, side, price, market)
    order = _new_order(venue, account, spec, body, side, kind, force, price, size)
    crosses = kind == "market" or (market <= price if side == "buy" else market >= price)
    if crosses and force == "post_only":
        raise BitgetError("43008", "The post_only order would take liquidity")
    _reserve(account, spec, order, market)
    _register(venue, account, order)
    if crosses:
        base = floor_to_step(size / market, spec.qty_step) if quote_size else size
        fill(venue, account, order, base, market, maker=False)
    elif force in ("ioc", "fok"):
        finish(venue, account, order)
    else:
        venue.resting.setdefault(spec.symbol, []).append((order, account))
    return order


def _check_minimum(spec: BgSymbol, kind: str, side: str, size: Decimal, price: Decimal) -> None:
    quote = size if (kind == "market" and side == "buy") else size * price
    base = size / price if (kind == "market" and side == "buy") else size
    if base < spec.min_trade_amount or base < spec.qty_step:
        raise BitgetError("43006", "The order amount is less than the minimum")
    if quote < spec.min_trade_usdt:
        raise BitgetError("45110", f"less than the minimum amount {spec.min_trade_usdt} USDT")


def _check_price_band(spec: BgSymbol, side: str, price: Decimal, market: Decimal) -> None:
    """A limit buy above ``market * (1 + buyLimitPriceRatio)`` or a limit sell below
    ``market * (1 - sellLimitPriceRatio)`` is refused with 40808, naming the order price by
    Bitget's internal field name (docs/simulator.md)."""
    too_high = side == "buy" and price > market * (1 + spec.buy_limit_price_ratio)
    too_low = side == "sell" and price < market * (1 - spec.sell_limit_price_ratio)
    if too_high or too_low:
        raise BitgetError("40808", "Parameter verification exception delegatePrice")


def _new_order(
    venue: BitgetVenue,
    account: BitgetAccount,
    spec: BgSymbol,
    body: dict[str, str],
    side: str,
    kind: str,
    force: str,
    price: Decimal,
    size: Decimal,
) -> BgOrder:
    now = venue.world.clock_ms()
    order_id = str(ORDER_ID_BASE + venue.world.next_id())
    return BgOrder(
        symbol=spec.symbol,
        order_id=order_id,
        client_oid=body.get("clientOid") or order_id,
        side=side,
        order_type=kind,
        force=force,
        price=price,
        size=size,
        c_time=now,
        u_time=now,
        user_id=str(account.account_id),
    )


def _reserve(account: BitgetAccount, spec: BgSymbol, order: BgOrder, market: Decimal) -> None:
    if order.side == "buy":
        coin = spec.quote
        need = order.size if order.order_type == "market" else order.size * order.price
    else:
        coin, need = spec.base, order.size
    row = account.balance(coin)
    if row[0] < need:
        raise BitgetError("43012", "Insufficient balance")
    if order.order_type == "limit":
        row[0] -= need
        row[1] += need


def _register(venue: BitgetVenue, account: BitgetAccount, order: BgOrder) -> None:
    account.orders[order.order_id] = order
    account.by_client_oid[order.client_oid] = order
    fault = venue.world.faults.take("not_found_window", account.api_key)
    if fault is not None:
        order.hidden_until = order.c_time + int(fault.params.get("ms", 1000))
    push_order(venue, account, order, None)
    if order.order_type == "limit":
        spec = SYMBOLS[order.symbol]
        push_account(venue, account, [spec.quote if order.side == "buy" else spec.base])


def fill(
    venue: BitgetVenue,
    account: BitgetAccount,
    order: BgOrder,
    base: Decimal,
    price: Decimal,
    *,
    maker: bool,
) -> Fill:
    """Execute ``base`` at ``price``: balances, fee, fill record, pushes."""
    spec = SYMBOLS[order.symbol]
    now = venue.world.clock_ms()
    quote = (base * price).quantize(_Q8, ROUND_DOWN)
    buy = order.side == "buy"
    if order.order_type == "limit":
        coin, amount = (spec.quote, base * order.price) if buy else (spec.base, base)
        row = account.balance(coin)
        row[1] -= amount
        row[0] += amount
    fee = ((base if buy else quote) * account.fee_rate).quantize(_Q8, ROUND_DOWN)
    fee_coin = spec.base if buy else spec.quote
    account.balance(spec.quote)[0] += -quote if buy else quote - fee
    account.balance(spec.base)[0] += base - fee if buy else -base
    item = Fill(
        str(ORDER_ID_BASE + venue.world.next_id()),
        order.order_id,
        order.symbol,
        order.side,
        order.order_type,
        price,
        base,
        quote,
        fee,
        fee_coin,
        maker,
        now,
    )
    order.base_volume += base
    order.quote_volume += quote
    order.fee += fee
    order.fee_coin = fee_coin
    order.fills.append(item)
    order.u_time = account.u_time = now
    done = order.order_type == "market" or order.base_volume >= order.size
    order.status = "filled" if done else "partially_filled"
    account.fills.append(item)
    if done:
        _unrest(venue, order)
    push_order(venue, account, order, item)
    push_account(venue, account, [spec.base, spec.quote])
    return item


def _unrest(venue: BitgetVenue, order: BgOrder) -> None:
    book = venue.resting.get(order.symbol)
    if book:
        book[:] = [(o, a) for (o, a) in book if o is not order]


def finish(venue: BitgetVenue, account: BitgetAccount, order: BgOrder) -> None:
    """Cancel an open limit order: unfreeze what is left."""
    spec = SYMBOLS[order.symbol]
    left = order.size - order.base_volume
    coin, amount = (spec.quote, left * order.price) if order.side == "buy" else (spec.base, left)
    row = account.balance(coin)
    row[1] -= amount
    row[0] += amount
    order.status = "cancelled"
    order.u_time = account.u_time = venue.world.clock_ms()
    _unrest(venue, order)
    push_order(venue, account, order, None)
    push_account(venue, account, [coin])


def on_price(venue: BitgetVenue, symbol: str, price: Decimal) -> None:
    for order, account in list(venue.resting.get(symbol, [])):
        crossed = price <= order.price if order.side == "buy" else price >= order.price
        if not order.is_open or not crossed:
            continue
        left = order.size - order.base_volume
        part = left
        if account.limit_fill_parts > 1:
            step = SYMBOLS[symbol].qty_step
            part = min(left, floor_to_step(order.size / account.limit_fill_parts, step)) or left
        fill(venue, account, order, part, order.price, maker=True)


def push_order(
    venue: BitgetVenue, account: BitgetAccount, order: BgOrder, item: Fill | None
) -> None:
    if venue.hub.has(account.api_key):
        venue.hub.publish(account.api_key, ("orders", views.ws_order(order, item)))


def push_account(venue: BitgetVenue, account: BitgetAccount, coins: list[str]) -> None:
    if venue.hub.has(account.api_key):
        for coin in coins:
            venue.hub.publish(account.api_key, ("account", views.asset(account, coin)))
