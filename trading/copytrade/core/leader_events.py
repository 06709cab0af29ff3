"""Turning the leader's stream into copyable events — pure state, fed values, no I/O.

*When do we act?* On the **complete** market order: the ``executionReport`` whose status is final
(FILLED, or EXPIRED/CANCELED with something executed). A MARKET order fills in the same
matching-engine pass, so its trade reports arrive back to back within a millisecond; waiting for the
last one costs nothing, whereas acting on the first fill would need the final size, which no partial
report carries. The cumulative totals of the final report (``z`` = cum base, ``Z`` = cum quote) are
the leader's filled amounts; fees are summed over the order's trade reports.

*F / B (the leader's free balance just before the order)* are reconstructed, not read from a stale
snapshot (:class:`LeaderTracker`):

1. ``position`` — Binance sends ``outboundAccountPosition`` (balances AFTER the fill) right after
   the final ``executionReport``. ``before = after + what the order took out of that asset``
   (BUY: USDT after + Z (+ fee if charged in USDT); SELL: BTC after + z (+ fee if in BTC)). When
   several completed orders wait for the same position, it is rewound through all of them.
2. ``snapshot`` — if no position arrives within ``position_wait_s``, the free balance the book
   held when the order's FIRST report arrived is used: a MARKET order locks nothing before it
   fills, and no position of this order can have arrived before its first report.
3. ``rest`` — after a stream gap, orders recovered over REST are rewound (:func:`recover`) from the
   current REST balances through every order that filled since (market or not).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from trading.exchanges.types import BalanceUpdate, Fill, OrderResult, OrderUpdate

ZERO = Decimal(0)
BASE, QUOTE, SYMBOL = "BTC", "USDT", "BTCUSDT"

SOURCE_POSITION = "position"
SOURCE_SNAPSHOT = "snapshot"
SOURCE_REST = "rest"
COMPLETED_KEPT = 1000


@dataclass(frozen=True)
class LeaderOrder:
    """A leader order that executed: what it took and gave, and its fees. ``market`` orders are
    the copyable ones; the others only matter when rewinding balances."""

    order_id: str
    side: str
    base: Decimal
    quote: Decimal
    fee: Decimal = ZERO
    fee_asset: str | None = None
    event_time: datetime | None = None
    market: bool = True

    @property
    def spent_asset(self) -> str:
        """The asset whose share the copy rule uses: USDT for a BUY, BTC for a SELL."""
        return spent_asset(self.side)

    @property
    def filled(self) -> Decimal:
        """``Z`` (quote spent) for a BUY, ``z`` (base sold) for a SELL."""
        return self.quote if self.side == "BUY" else self.base


def spent_asset(side: str) -> str:
    return QUOTE if side == "BUY" else BASE


def is_market(update: OrderUpdate) -> bool:
    """Only MARKET orders of the leader are copied (executionReport field ``o``)."""
    return str(update.raw.get("o", "")).upper() == "MARKET"


@dataclass
class OrderAssembler:
    """Collects a leader's executionReports until each market order is complete."""

    symbol: str = SYMBOL
    _fees: dict[str, tuple[Decimal, str | None]] = field(default_factory=dict)

    def copyable(self, update: OrderUpdate) -> bool:
        return update.symbol == self.symbol and is_market(update) and update.side is not None

    def feed(self, update: OrderUpdate) -> LeaderOrder | None:
        """Returns the completed order on its final report, else ``None``."""
        if not self.copyable(update):
            return None
        oid = update.venue_order_id
        fee, fee_asset = self._fees.get(oid, (ZERO, None))
        if update.fee and (fee_asset is None or update.fee_asset == fee_asset):
            fee, fee_asset = fee + update.fee, update.fee_asset  # the trade reports' commissions
        self._fees[oid] = (fee, fee_asset)
        if not update.status.is_final:
            return None
        self._fees.pop(oid, None)
        if update.cum_base <= 0:
            return None
        return LeaderOrder(
            oid,
            str(update.side),
            update.cum_base,
            update.cum_quote,
            fee,
            fee_asset,
            update.event_time,
        )


def fees_by_order(fills: Iterable[Fill]) -> dict[str, tuple[Decimal, str | None]]:
    """Total commission per order id from ``myTrades`` (in the asset of the order's first trade)."""
    out: dict[str, tuple[Decimal, str | None]] = {}
    for f in fills:
        total, asset = out.get(f.venue_order_id, (ZERO, f.fee_asset))
        out[f.venue_order_id] = (total + (f.fee if f.fee_asset == asset else ZERO), asset)
    return out


def orders_from_fills(fills: Iterable[Fill], orders: Iterable[OrderResult]) -> list[LeaderOrder]:
    """Every order that filled within a REST window (``myTrades`` grouped by order), newest last
    trade first — limit fills included, since they moved balances too. Orders whose REST state
    (``allOrders``) is a final MARKET order are the copyable ones."""
    kinds = {r.venue_order_id: r for r in orders}
    grouped: dict[str, list[Fill]] = {}
    for f in fills:
        grouped.setdefault(f.venue_order_id, []).append(f)
    out: list[LeaderOrder] = []
    for oid, trades in grouped.items():
        rest = kinds.get(oid)
        market = rest is not None and rest.type == "MARKET" and rest.status.is_final
        fee, fee_asset = fees_by_order(trades)[oid]
        times = [t.time for t in trades if t.time is not None]
        out.append(
            LeaderOrder(
                oid,
                str(trades[0].side),
                sum((t.qty for t in trades), ZERO),
                sum((t.quote_qty for t in trades), ZERO),
                fee,
                fee_asset,
                max(times) if times else None,
                market,
            )
        )
    return sorted(out, key=_newest_key, reverse=True)


def _newest_key(order: LeaderOrder) -> tuple[float, int]:
    at = order.event_time.timestamp() if order.event_time else 0.0
    return at, int(order.order_id) if order.order_id.isdigit() else 0


def order_from_result(
    result: OrderResult, fee: Decimal = ZERO, fee_asset: str | None = None
) -> LeaderOrder | None:
    """An order recovered over REST (after a gap) that executed something; ``market`` says
    whether it is a completed MARKET order (copyable) or only moved balances."""
    if result.side is None or result.executed_base <= 0:
        return None
    market = result.type is not None and str(result.type) == "MARKET" and result.status.is_final
    return LeaderOrder(
        result.venue_order_id,
        str(result.side),
        result.executed_base,
        result.executed_quote,
        fee or result.fee,
        fee_asset or result.fee_asset,
        result.updated_at or result.created_at,
        market,
    )


def outflow(order: LeaderOrder, asset: str) -> Decimal:
    """How much of ``asset`` the order removed from the free balance (negative = added)."""
    fee = order.fee if order.fee_asset == asset else ZERO
    if asset == QUOTE:
        return order.quote + fee if order.side == "BUY" else fee - order.quote
    if asset == BASE:
        return order.base + fee if order.side == "SELL" else fee - order.base
    return fee


def balance_before(order: LeaderOrder, free_after: Decimal) -> Decimal:
    """``F`` (BUY) or ``B`` (SELL): the free balance of the spent asset just before the order."""
    return free_after + outflow(order, order.spent_asset)


def rewind(current: dict[str, Decimal], newest_first: Iterable[LeaderOrder]) -> list[Decimal]:
    """Balances before each order, walking back from the current balances; returned in the same
    (newest first) order."""
    free = dict(current)
    befores: list[Decimal] = []
    for order in newest_first:
        for asset in (BASE, QUOTE):
            free[asset] = free.get(asset, ZERO) + outflow(order, asset)
        befores.append(free[order.spent_asset])
    return befores


def recover(
    current: dict[str, Decimal], newest_first: list[LeaderOrder]
) -> list[tuple[LeaderOrder, Decimal]]:
    """The copyable (market) orders among ``newest_first`` with their F/B, oldest first. Every
    order that executed since must be listed (limit fills move balances too)."""
    befores = rewind(current, newest_first)
    pairs = [(o, b) for o, b in zip(newest_first, befores, strict=True) if o.market]
    return pairs[::-1]


@dataclass
class BalanceBook:
    """The leader's last known free balances (from outboundAccountPosition or REST)."""

    free: dict[str, Decimal] = field(default_factory=dict)

    def apply(self, update: BalanceUpdate) -> None:
        for bal in update.balances:
            self.free[bal.asset] = bal.free

    def reset(self, free: dict[str, Decimal]) -> None:
        """Replace everything (a REST read); BTC and USDT default to zero."""
        self.free = {BASE: ZERO, QUOTE: ZERO, **free}

    def get(self, asset: str) -> Decimal | None:
        return self.free.get(asset)


@dataclass(frozen=True)
class Resolved:
    """A completed leader market order with its F/B and how it was obtained (``balance_before``
    ``None``: neither a position nor a snapshot was available; the caller asks REST)."""

    order: LeaderOrder
    balance_before: Decimal | None
    source: str
    received_at: float = 0.0  # when its final report reached us (the tracker's clock)


@dataclass
class _Pending:
    order: LeaderOrder
    completed_at: float
    snapshot: Decimal | None


@dataclass
class LeaderTracker:
    """The leader stream's state machine: feed order and balance events (and the clock through
    :meth:`expire`); get back completed market orders with their F/B. See the module docstring."""

    position_wait_s: float = 1.0
    assembler: OrderAssembler = field(default_factory=OrderAssembler)
    book: BalanceBook = field(default_factory=BalanceBook)
    _snapshots: dict[str, Decimal | None] = field(default_factory=dict)
    _pending: list[_Pending] = field(default_factory=list)
    _completed: dict[str, None] = field(default_factory=dict)  # finished order ids, bounded

    def on_order(self, update: OrderUpdate, now: float) -> None:
        """An executionReport: remember the pre-order balance at its first report; a completed
        market order waits for the account position that follows it."""
        oid = update.venue_order_id
        if not self.assembler.copyable(update) or oid in self._completed:
            return  # a replayed report of a finished order must not be counted twice
        if oid not in self._snapshots:
            self._snapshots[oid] = self.book.get(spent_asset(str(update.side)))
        done = self.assembler.feed(update)
        if update.status.is_final:
            self._completed[oid] = None
            while len(self._completed) > COMPLETED_KEPT:
                del self._completed[next(iter(self._completed))]
            snapshot = self._snapshots.pop(oid, None)
            if done is not None:
                self._pending.append(_Pending(done, now, snapshot))

    def on_balance(self, update: BalanceUpdate) -> list[Resolved]:
        """An account position: the balances after every pending order; rewind through them."""
        self.book.apply(update)
        if not self._pending or not {b.asset for b in update.balances} & {BASE, QUOTE}:
            return []
        newest_first = self._pending[::-1]
        befores = rewind(self.book.free, [p.order for p in newest_first])
        self._pending.clear()
        pairs = zip(newest_first, befores, strict=True)
        return [Resolved(p.order, b, SOURCE_POSITION, p.completed_at) for p, b in pairs][::-1]

    def expire(self, now: float) -> list[Resolved]:
        """Pending orders whose position did not come in time fall back to their snapshot."""
        due = [p for p in self._pending if now - p.completed_at >= self.position_wait_s]
        if not due:
            return []
        self._pending = [p for p in self._pending if p not in due]
        return [
            Resolved(
                p.order,
                p.snapshot,
                SOURCE_SNAPSHOT if p.snapshot is not None else "",
                p.completed_at,
            )
            for p in due
        ]

    @property
    def pending(self) -> int:
        return len(self._pending)
