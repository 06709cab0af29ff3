"""Counted volume, points, loop count and wear (pure). How they are computed: docs/alpha.md.

- Only buys count toward Alpha volume; during a token's multiplier window the counted volume is
  the buy notional × the multiplier (``mulPoint``) — it raises the count, it does not divide it.
- Points for a day = floor(log2(counted volume)) (1 point at 2 USDT, +1 per doubling), 0 below 2.
- Loops left = ceil(remaining counted volume / (multiplier × per-cycle buy notional)).
- Cost of a cycle = USDT spent − USDT received + the value of base kept (at the last fill price);
  base-asset fees are thereby valued at the fill price. Wear = cost / counted volume in bps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum

ZERO = Decimal(0)
BPS = Decimal(10_000)


class TargetKind(StrEnum):
    TODAY = "today"  # counted volume in USDT for today (UTC day)
    TOTAL = "total"  # counted volume in USDT over the bot's life
    POINTS = "points"  # a points target N: counted volume 2^N today


def counted(buy_notional: Decimal, multiplier: Decimal) -> Decimal:
    return buy_notional * multiplier


def points(counted_volume: Decimal) -> int:
    """floor(log2(v)) for v ≥ 2, else 0 — exact at powers of two (no float rounding there)."""
    if counted_volume < 2:
        return 0
    whole = int(counted_volume)
    n = whole.bit_length() - 1  # floor(log2) of the integer part is floor(log2(v)) for v ≥ 1
    return n if n >= 1 else 0


def target_volume(kind: TargetKind, value: Decimal) -> Decimal:
    """The counted volume a target means (points N → 2^N)."""
    if TargetKind(kind) is TargetKind.POINTS:
        return Decimal(2) ** int(value)
    return value


def remaining(target: Decimal, done: Decimal) -> Decimal:
    return max(ZERO, target - done)


def loops_left(remaining_volume: Decimal, multiplier: Decimal, per_cycle_buy: Decimal) -> int:
    """ceil(remaining / (multiplier × per-cycle buy notional)); 0 when nothing remains."""
    if remaining_volume <= 0:
        return 0
    per_loop = multiplier * per_cycle_buy
    if per_loop <= 0:
        raise ValueError("per-cycle counted volume must be positive")
    return int((remaining_volume / per_loop).to_integral_value(rounding=ROUND_CEILING))


@dataclass(frozen=True)
class CycleFills:
    """A cycle's fills summed: quote spent/received, base bought/sold, fees by asset."""

    buy_quote: Decimal = ZERO
    buy_base: Decimal = ZERO
    fee_base: Decimal = ZERO  # the buy fee, charged in the token
    sell_quote: Decimal = ZERO
    sell_base: Decimal = ZERO
    fee_quote: Decimal = ZERO  # the sell fee, in USDT
    last_price: Decimal = ZERO  # price of the cycle's last fill (values the base kept)

    @property
    def buy_price(self) -> Decimal:
        return self.buy_quote / self.buy_base if self.buy_base else ZERO

    @property
    def base_kept(self) -> Decimal:
        return self.buy_base - self.fee_base - self.sell_base


@dataclass(frozen=True)
class CycleCost:
    counted: Decimal
    fees: Decimal  # USDT: sell fee + buy fee valued at the buy fill price
    spread: Decimal  # the rest of the cost: what the prices themselves lost (or gained)
    cost: Decimal

    @property
    def wear_bps(self) -> Decimal:
        return wear_bps(self.cost, self.counted)


def cycle_cost(fills: CycleFills, multiplier: Decimal) -> CycleCost:
    kept_value = fills.base_kept * (fills.last_price or fills.buy_price)
    cost = fills.buy_quote - (fills.sell_quote - fills.fee_quote) - kept_value
    fees = fills.fee_quote + fills.fee_base * fills.buy_price
    return CycleCost(counted(fills.buy_quote, multiplier), fees, cost - fees, cost)


def wear_bps(cost: Decimal, counted_volume: Decimal) -> Decimal:
    return cost / counted_volume * BPS if counted_volume > 0 else ZERO


def cost_per_point(cost: Decimal, counted_volume: Decimal) -> Decimal | None:
    """Today's cost divided by today's points (None while there are no points)."""
    p = points(counted_volume)
    return cost / p if p else None


class MultiplierReading(StrEnum):
    INCLUDED = "included"  # the venue's figure moved by buy notional × multiplier
    EXCLUDED = "excluded"  # it moved by the plain buy notional
    UNKNOWN = "unknown"


def venue_reading(
    venue_delta: Decimal, own_buy_delta: Decimal, multiplier: Decimal, *, tolerance=Decimal("0.02")
) -> MultiplierReading:
    """Whether today's venue volume includes the multiplier, from one cycle's deltas."""
    if own_buy_delta <= 0:
        return MultiplierReading.UNKNOWN
    ratio = venue_delta / own_buy_delta
    if multiplier != 1 and abs(ratio - multiplier) <= tolerance * multiplier:
        return MultiplierReading.INCLUDED
    if abs(ratio - 1) <= tolerance:
        return MultiplierReading.EXCLUDED if multiplier != 1 else MultiplierReading.INCLUDED
    return MultiplierReading.UNKNOWN


def log2_floor_float(value: float) -> int:
    """Reference for tests: the float formula the rule is written with."""
    return math.floor(math.log2(value)) if value >= 2 else 0
