"""Turning the leader's stream into copyable events — pure state, fed values, no I/O.

*When do we act?* On the **complete** market order: the ``executionReport`` whose status is final
(FILLED, or EXPIRED/CANCELED with something executed). A MARKET order fills in the same
matching-engine pass, so its trade reports arrive back to back within a millisecond; waiting for the
last one costs nothing, whereas acting on the first fill would need the final size, which no partial
report carries. The cumulative totals of the final report (``z`` = cum base, ``Z`` = cum quote) are
the leader's filled amounts; fees are summed over the order's trade reports.

*F / B (the leader's free balance just before the order)* are reconstructed, not read from a stale
snapshot: Binance sends ``outboundAccountPosition`` (balances AFTER the order) right after the final
``executionReport``. ``before = after + what the order took out of that asset`` (BUY: USDT after +
Z (+ fee if charged in USDT); SELL: BTC after + z (+ fee if charged in BTC)). If that position does
not arrive within a short window, the last position seen before the order (the account stream cache)
is used: a MARKET order locks nothing before it fills, so that snapshot is the balance before it.
After a stream gap, orders recovered over REST are rewound from the current REST balances.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from trading.exchanges.types import BalanceUpdate, OrderResult, OrderUpdate

ZERO = Decimal(0)
BASE, QUOTE, SYMBOL = "BTC", "USDT", "BTCUSDT"


@dataclass(frozen=True)
class LeaderOrder:
    """A completed leader market order: what it took and gave, and its fees."""

    order_id: str
    side: str
    base: Decimal
    quote: Decimal
    fee: Decimal = ZERO
    fee_asset: str | None = None
    event_time: datetime | None = None

    @property
    def spent_asset(self) -> str:
        """The asset whose share the copy rule uses: USDT for a BUY, BTC for a SELL."""
        return QUOTE if self.side == "BUY" else BASE

    @property
    def filled(self) -> Decimal:
        """``Z`` (quote spent) for a BUY, ``z`` (base sold) for a SELL."""
        return self.quote if self.side == "BUY" else self.base


def is_market(update: OrderUpdate) -> bool:
    """Only MARKET orders of the leader are copied (executionReport field ``o``)."""
    return str(update.raw.get("o", "")).upper() == "MARKET"


@dataclass
class OrderAssembler:
    """Collects a leader's executionReports until each market order is complete."""

    symbol: str = SYMBOL
    _fees: dict[str, Decimal] = field(default_factory=dict)

    def feed(self, update: OrderUpdate) -> LeaderOrder | None:
        """Returns the completed order on its final report, else ``None``."""
        if update.symbol != self.symbol or not is_market(update) or update.side is None:
            return None
        fee = self._fees.get(update.venue_order_id, ZERO) + update.fee
        self._fees[update.venue_order_id] = fee
        if not update.status.is_final:
            return None
        self._fees.pop(update.venue_order_id, None)
        if update.cum_base <= 0:
            return None
        return LeaderOrder(
            update.venue_order_id,
            str(update.side),
            update.cum_base,
            update.cum_quote,
            fee,
            update.fee_asset,
            update.event_time,
        )


def order_from_result(result: OrderResult) -> LeaderOrder | None:
    """A leader order recovered over REST (after a gap), if it is a completed market order."""
    if result.type is None or str(result.type) != "MARKET" or result.side is None:
        return None
    if not result.status.is_final or result.executed_base <= 0:
        return None
    return LeaderOrder(
        result.venue_order_id,
        str(result.side),
        result.executed_base,
        result.executed_quote,
        result.fee,
        result.fee_asset,
        result.updated_at or result.created_at,
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
    """Balances before each recovered order, walking back from the current balances; returned in
    the same (newest first) order. Used after a stream gap."""
    free = dict(current)
    befores: list[Decimal] = []
    for order in newest_first:
        for asset in (BASE, QUOTE):
            free[asset] = free.get(asset, ZERO) + outflow(order, asset)
        befores.append(free[order.spent_asset])
    return befores


@dataclass
class BalanceBook:
    """The leader's last known free balances (from outboundAccountPosition or REST)."""

    free: dict[str, Decimal] = field(default_factory=dict)

    def apply(self, update: BalanceUpdate) -> None:
        for bal in update.balances:
            self.free[bal.asset] = bal.free

    def get(self, asset: str) -> Decimal | None:
        return self.free.get(asset)
