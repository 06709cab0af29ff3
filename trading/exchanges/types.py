"""Venue-neutral value types shared by every connector: balances, symbol rules, orders, fills and
stream events. Frozen dataclasses with ``Decimal`` amounts; ``raw`` keeps the venue's own JSON for
debugging and is excluded from equality so two parses of the same fact compare equal.

Rounding happens once, at the edge, through the helpers on :class:`SymbolRules` (docs/style.md §11).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from trading.exchanges.errors import FilterRejected, ProtocolError

ZERO = Decimal(0)
RawJson = Mapping[str, Any]


class Side(StrEnum):
    BUY = "BUY"
    SELL = "SELL"


class OrderType(StrEnum):
    MARKET = "MARKET"
    LIMIT = "LIMIT"
    LIMIT_MAKER = "LIMIT_MAKER"


class TimeInForce(StrEnum):
    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"


class OrderStatus(StrEnum):
    """Normalized order status. ``is_final`` says whether the order can still change."""

    NEW = "NEW"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    CANCELED = "CANCELED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"

    @property
    def is_final(self) -> bool:
        return self not in (OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED)


def ms_to_datetime(ms: int | str | None) -> datetime | None:
    """Venue millisecond timestamps → aware UTC datetimes (``None`` stays ``None``)."""
    if ms is None or ms == "":
        return None
    return datetime.fromtimestamp(int(ms) / 1000, tz=UTC)


def dec(value: Any, default: Decimal | None = ZERO, *, venue: str | None = None) -> Decimal:
    """A venue number (decimal string, JSON number or null) → ``Decimal``, via ``str`` so no
    amount passes through float math. Every connector's parsers use this one function.

    A missing number (``None`` or ``""``) is ``default``; with ``default=None`` it is a
    ``ProtocolError``. A malformed number is a ``ProtocolError`` naming ``venue``; without a
    ``venue`` (the spot parsers) ``decimal.InvalidOperation`` goes through unchanged, as it always
    has there — a garbled order reply must not look like a venue refusal to a caller that catches
    ``ExchangeError`` after a placement.
    """
    if value is None or value == "":
        if default is None:
            raise ProtocolError(f"missing number: {value!r}", venue=venue or "")
        return default
    if venue is None:
        return Decimal(str(value))
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ProtocolError(f"bad number {value!r}", venue=venue) from exc


def quantize_to_step(value: Decimal, step: Decimal, rounding: str = ROUND_DOWN) -> Decimal:
    """Round ``value`` to a multiple of ``step`` (step 0 = no rule → value unchanged).

    The result keeps the step's exponent so ``"0.00100000"`` steps give ``0.001``-style output
    without trailing noise; ``rounding`` is a ``decimal`` rounding mode.
    """
    if step <= 0:
        return value
    units = (value / step).to_integral_value(rounding=rounding)
    return (units * step).quantize(step.normalize() if step.normalize() < 1 else Decimal(1))


def step_from_precision(decimals: int | str) -> Decimal:
    """``2`` → ``Decimal("0.01")``: venues that publish precisions (Bitget) instead of steps."""
    return Decimal(1).scaleb(-int(decimals))


@dataclass(frozen=True)
class Balance:
    """Free and locked amount of one asset in a spot account."""

    asset: str
    free: Decimal
    locked: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.free + self.locked


@dataclass(frozen=True)
class SymbolRules:
    """Trading rules of one symbol, normalized from Binance filters or Bitget precisions.

    A zero means "no rule". ``quote_step`` is the precision of quote amounts (``quoteOrderQty`` on
    Binance, market-buy ``size`` on Bitget).
    """

    symbol: str
    base: str
    quote: str
    tick_size: Decimal = ZERO
    step_size: Decimal = ZERO
    market_step_size: Decimal = ZERO
    min_qty: Decimal = ZERO
    max_qty: Decimal = ZERO
    market_min_qty: Decimal = ZERO
    market_max_qty: Decimal = ZERO
    min_notional: Decimal = ZERO
    apply_min_to_market: bool = True
    max_notional: Decimal = ZERO
    apply_max_to_market: bool = True
    quote_step: Decimal = ZERO
    trading: bool = True
    raw: RawJson = field(default_factory=dict, compare=False, repr=False)

    def round_price(self, price: Decimal, rounding: str = ROUND_HALF_UP) -> Decimal:
        """Price to the tick (nearest by default; pass ``ROUND_DOWN``/``ROUND_UP`` to bias)."""
        return quantize_to_step(price, self.tick_size, rounding)

    def floor_qty(self, qty: Decimal, *, market: bool = False) -> Decimal:
        """Base quantity floored to the lot step (MARKET_LOT_SIZE step for market orders if set)."""
        step = self.market_step_size if market and self.market_step_size > 0 else self.step_size
        return quantize_to_step(qty, step, ROUND_DOWN)

    def floor_quote(self, amount: Decimal) -> Decimal:
        """Quote amount floored to the quote precision (never spend more than asked)."""
        return quantize_to_step(amount, self.quote_step, ROUND_DOWN)

    def ceil_quote(self, amount: Decimal) -> Decimal:
        return quantize_to_step(amount, self.quote_step, ROUND_UP)

    def notional_ok(self, notional: Decimal, *, market: bool = False) -> bool:
        """Whether ``notional`` (price × qty, or a quote amount) passes the min/max notional;
        for market orders each bound applies only if the venue says so (Binance NOTIONAL)."""
        check_min = self.min_notional > 0 and (not market or self.apply_min_to_market)
        check_max = self.max_notional > 0 and (not market or self.apply_max_to_market)
        if check_min and notional < self.min_notional:
            return False
        return not (check_max and notional > self.max_notional)

    def qty_ok(self, qty: Decimal, *, market: bool = False) -> bool:
        """Whether ``qty`` is within the lot size (market bounds for market orders if set)."""
        lo = self.market_min_qty if market and self.market_min_qty > 0 else self.min_qty
        hi = self.market_max_qty if market and self.market_max_qty > 0 else self.max_qty
        return qty > 0 and qty >= lo and (hi <= 0 or qty <= hi)

    def check_order(self, qty: Decimal, price: Decimal, *, market: bool = False) -> None:
        """Raise :class:`FilterRejected` before sending an order the venue would refuse."""
        if not self.qty_ok(qty, market=market):
            raise FilterRejected(f"quantity {qty} outside lot size for {self.symbol}")
        if not self.notional_ok(qty * price, market=market):
            raise FilterRejected(f"notional {qty * price} below minimum for {self.symbol}")


@dataclass(frozen=True)
class OrderRequest:
    """What to place. Exactly one of ``quantity`` (base) and ``quote_amount`` is set."""

    symbol: str
    side: Side
    type: OrderType
    client_order_id: str
    quantity: Decimal | None = None
    quote_amount: Decimal | None = None
    price: Decimal | None = None
    time_in_force: TimeInForce = TimeInForce.GTC

    def __post_init__(self) -> None:
        if (self.quantity is None) == (self.quote_amount is None):
            raise ValueError("exactly one of quantity and quote_amount must be set")
        if self.type is not OrderType.MARKET and self.price is None:
            raise ValueError("limit orders need a price")


@dataclass(frozen=True)
class OrderResult:
    """An order as the venue reports it now. ``avg_price`` is executed quote / executed base."""

    symbol: str
    venue_order_id: str
    client_order_id: str
    status: OrderStatus
    side: Side | None = None
    type: OrderType | None = None
    orig_qty: Decimal = ZERO
    price: Decimal = ZERO
    executed_base: Decimal = ZERO
    executed_quote: Decimal = ZERO
    fee: Decimal = ZERO
    fee_asset: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    raw: RawJson = field(default_factory=dict, compare=False, repr=False)
    # When the venue's acceptance reply reached us (epoch ms, our clock), if the result was
    # completed by a later read-back (Bitget's place reply carries only ids).
    acked_ms: int | None = field(default=None, compare=False)

    @property
    def avg_price(self) -> Decimal | None:
        if self.executed_base <= 0:
            return None
        return self.executed_quote / self.executed_base


@dataclass(frozen=True)
class Fill:
    """One trade (execution) of an order."""

    symbol: str
    trade_id: str
    venue_order_id: str
    price: Decimal
    qty: Decimal
    quote_qty: Decimal
    fee: Decimal
    fee_asset: str | None
    is_maker: bool | None = None
    side: Side | None = None
    time: datetime | None = None
    raw: RawJson = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class OrderUpdate:
    """A private-stream order event (Binance ``executionReport``, Bitget ``orders`` channel).

    ``last_*`` describe this event's trade (zero when the event is not a trade); ``cum_*`` the
    order's totals so far. ``fee`` is the commission of this event's trade.
    """

    venue: str
    symbol: str
    venue_order_id: str
    client_order_id: str
    status: OrderStatus
    side: Side | None
    execution_type: str
    last_qty: Decimal = ZERO
    last_price: Decimal = ZERO
    cum_base: Decimal = ZERO
    cum_quote: Decimal = ZERO
    fee: Decimal = ZERO
    fee_asset: str | None = None
    trade_id: str | None = None
    event_time: datetime | None = None
    raw: RawJson = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class BalanceUpdate:
    """A private-stream balance event: absolute balances of the assets that changed
    (Binance ``outboundAccountPosition``, Bitget ``account`` channel)."""

    venue: str
    balances: tuple[Balance, ...]
    event_time: datetime | None = None
    raw: RawJson = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class AccountSnapshot:
    """A spot account read at one moment: every asset the venue lists (zero ones too) and the
    venue's time of the account's last change, in ms (0 when the venue does not say)."""

    balances: Mapping[str, Balance]
    updated_ms: int = 0
    raw: RawJson = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class History[T]:
    """Rows of a paged history read, oldest first; ``complete`` is False when the page budget
    ran out before the venue's last page (the caller decides what a cut-off history means)."""

    rows: list[T]
    complete: bool = True


# The names the brief and the venue docs use for the same events.
ExecutionReport = OrderUpdate
AccountPosition = BalanceUpdate

StreamEvent = OrderUpdate | BalanceUpdate
