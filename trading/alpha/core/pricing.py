"""Prices and size of one OTO pair from the latest trade price (pure).

Offsets are signed. ``pct``: buy = last × (1 − b), sell = last × (1 + s) with b, s in percent;
``fixed``: buy = last − b, sell = last + s. Positive offsets are maker pricing (buy below, sell
above the last price); negative ones cross the spread to fill fast at a cost. The buy is rounded
DOWN to the tick, the sell UP (neither rounding ever makes the trade worse than asked); the
quantity is the order size in USDT divided by the buy price, floored to the lot step. A pair
whose buy notional is below the token's min-notional is refused with a reason, never shrunk or
grown.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from enum import StrEnum

ZERO = Decimal(0)
HUNDRED = Decimal(100)


class OffsetMode(StrEnum):
    PCT = "pct"
    FIXED = "fixed"


@dataclass(frozen=True)
class Rules:
    """What the venue allows for the symbol (from exchange info)."""

    tick: Decimal
    step: Decimal
    min_notional: Decimal


@dataclass(frozen=True)
class PairPlan:
    buy_price: Decimal
    quantity: Decimal
    sell_price: Decimal

    @property
    def buy_notional(self) -> Decimal:
        return self.buy_price * self.quantity


@dataclass(frozen=True)
class Unpriced:
    """Why no pair can be priced (machine-readable code + a zh sentence for the trader)."""

    code: str
    message: str


def to_step(value: Decimal, step: Decimal, *, up: bool = False) -> Decimal:
    """``value`` on the ``step`` grid: floor, or ceiling with ``up``."""
    if step <= 0:
        return value
    units = (value / step).to_integral_value(rounding=ROUND_CEILING if up else ROUND_FLOOR)
    return (units * step).normalize() if units else ZERO


def raw_prices(
    last: Decimal, mode: OffsetMode | str, buy_offset: Decimal, sell_offset: Decimal
) -> tuple[Decimal, Decimal]:
    """Unrounded (buy, sell) for ``last`` and the signed offsets (``mode``: the enum or its
    stored value)."""
    if OffsetMode(mode) is OffsetMode.PCT:
        return last * (1 - buy_offset / HUNDRED), last * (1 + sell_offset / HUNDRED)
    return last - buy_offset, last + sell_offset


def plan_pair(
    *,
    last: Decimal,
    mode: OffsetMode | str,
    buy_offset: Decimal,
    sell_offset: Decimal,
    order_usdt: Decimal,
    rules: Rules,
) -> PairPlan | Unpriced:
    """The pair's terms, or why there are none."""
    if last <= 0:
        return Unpriced("no_price", "没有最新成交价")
    buy, sell = raw_prices(last, mode, buy_offset, sell_offset)
    buy, sell = to_step(buy, rules.tick), to_step(sell, rules.tick, up=True)
    if buy <= 0 or sell <= 0:
        return Unpriced("bad_offset", "偏移过大：价格不为正")
    qty = to_step(order_usdt / buy, rules.step)
    if qty <= 0 or buy * qty < rules.min_notional:
        return Unpriced("min_notional", f"下单金额低于最小成交额 {rules.min_notional} USDT")
    return PairPlan(buy_price=buy, quantity=qty, sell_price=sell)


def estimated_cost(
    *,
    mode: OffsetMode,
    buy_offset: Decimal,
    sell_offset: Decimal,
    order_usdt: Decimal,
    last: Decimal,
    fee_rate: Decimal,
) -> Decimal:
    """Estimated USDT lost per full cycle at ``last``: the sell−buy spread on the bought quantity
    (a gain with positive offsets) plus both fees. Shown next to the offsets in the admin."""
    buy, sell = raw_prices(last, mode, buy_offset, sell_offset)
    if buy <= 0:
        return ZERO
    qty = order_usdt / buy
    spread = (buy - sell) * qty
    fees = fee_rate * (buy * qty + sell * qty)
    return spread + fees
