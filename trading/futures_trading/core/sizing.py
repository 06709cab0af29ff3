"""Entry size from the trader's margin and leverage, as pure functions of values.

``quantity = margin × leverage / price``, floored to the venue's MARKET step (never more margin
than chosen) and refused below the minimum quantity or above ``MARKET_LOT_SIZE.maxQty`` (Binance
answers -4005 above it). ``worst_case_loss`` is what the stop-loss costs if it fills at its
trigger, plus taker fees both ways — the figure the confirmation shows and the risk rule checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from trading.exchanges.types import SymbolRules

ZERO = Decimal(0)
TAKER_FEE = Decimal("0.0005")  # Binance USDⓈ-M default taker rate (VIP 0); commissionRate refines


class SizeProblem:
    """Machine codes of an entry that cannot be sized."""

    NO_MARGIN = "no_margin"
    BELOW_MIN_QTY = "below_min_qty"
    ABOVE_MARKET_MAX = "above_market_max_qty"


@dataclass(frozen=True)
class EntrySize:
    """The quantity to send, its notional at ``price``, or the problem that prevents it."""

    quantity: Decimal
    notional: Decimal
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def _step(rules: SymbolRules) -> Decimal:
    return rules.market_step_size or rules.step_size


def size_entry(margin: Decimal, leverage: int, price: Decimal, rules: SymbolRules) -> EntrySize:
    """``margin × leverage / price`` floored to the MARKET step, within MARKET_LOT_SIZE."""
    if margin <= 0 or leverage <= 0 or price <= 0:
        return EntrySize(ZERO, ZERO, SizeProblem.NO_MARGIN)
    raw = margin * leverage / price
    step = _step(rules)
    qty = (raw / step).to_integral_value(ROUND_DOWN) * step if step else raw
    qty = qty.normalize() if qty else ZERO
    notional = qty * price
    min_qty = rules.market_min_qty or rules.min_qty
    max_qty = rules.market_max_qty or rules.max_qty
    if qty <= 0 or (min_qty and qty < min_qty):
        return EntrySize(qty, notional, SizeProblem.BELOW_MIN_QTY)
    if max_qty and qty > max_qty:
        return EntrySize(qty, notional, SizeProblem.ABOVE_MARKET_MAX)
    return EntrySize(qty, notional)


def worst_case_loss(
    qty: Decimal, entry: Decimal, stop: Decimal, fee_rate: Decimal = TAKER_FEE
) -> Decimal:
    """Loss if the stop fills at its trigger: distance × qty + taker fee on entry and exit."""
    return abs(entry - stop) * qty + (entry + stop) * qty * fee_rate


def margin_needed(notional: Decimal, leverage: int) -> Decimal:
    return notional / leverage if leverage else notional


def bracket_cap(brackets: list[tuple[int, Decimal]], leverage: int) -> Decimal:
    """The notional cap at ``leverage`` from ``(initial leverage, notional cap)`` brackets: the
    largest cap among brackets that allow at least that leverage (0 when none does)."""
    caps = [cap for lev, cap in brackets if lev >= leverage]
    return max(caps) if caps else ZERO
