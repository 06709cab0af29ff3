"""The copy rule as pure functions of values (no I/O, no Django): tested with tables.

Leader BUY that spent ``Z`` USDT out of ``F`` free USDT: ``x = Z / F``; follower ``i`` buys with
``quote_i = x × free_USDT_i``. Leader SELL of ``z`` BTC out of ``B`` free BTC: ``y = z / B``;
follower ``i`` sells ``qty_i = y × free_BTC_i``. Amounts are floored to the follower venue's
quote precision / lot step (never spend more than the share), and a copy below the venue minimum
or with nothing to spend is skipped with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from trading.exchanges.types import SymbolRules

ZERO = Decimal(0)
ONE = Decimal(1)
RATIO_PLACES = Decimal("1E-12")


class SkipReason:
    """Machine codes recorded on a skipped copy execution."""

    NO_BALANCE = "no_balance"
    BALANCE_UNKNOWN = "balance_unknown"
    BELOW_MIN_QTY = "below_min_qty"
    BELOW_MIN_NOTIONAL = "below_min_notional"
    ZERO_AFTER_ROUNDING = "zero_after_rounding"
    RATIO_ZERO = "ratio_zero"


def copy_ratio(filled: Decimal, balance_before: Decimal) -> Decimal:
    """``x = Z / F`` (BUY) or ``y = z / B`` (SELL), capped at 1 and floored to 12 places — never
    rounded up, so no follower's copy exceeds its exact share (a ratio rounded half-even up by
    5e-13 pushed 5 of 15 000 copies one venue step over the rule in bench_fanout).

    A ratio above 1 means ``F``/``B`` was under-estimated (e.g. a deposit the stream missed); the
    leader cannot spend more than everything, so neither may a follower."""
    if filled <= 0 or balance_before <= 0:
        return ZERO
    return min(ONE, filled / balance_before).quantize(RATIO_PLACES, rounding=ROUND_DOWN)


@dataclass(frozen=True)
class CopySize:
    """The amount to send for one follower, or why not. ``amount`` is quote (BUY) or base (SELL)."""

    amount: Decimal
    raw_amount: Decimal
    skip_reason: str = ""

    @property
    def skipped(self) -> bool:
        return bool(self.skip_reason)


def size_buy(
    ratio: Decimal, free_quote: Decimal | None, rules: SymbolRules, price: Decimal
) -> CopySize:
    """Quote amount a follower spends on a market BUY (Binance ``quoteOrderQty``, Bitget
    ``size``). ``price`` is only used for the venue's minimum-quantity check."""
    skip = _precheck(ratio, free_quote)
    if skip:
        return CopySize(ZERO, ZERO, skip)
    raw = ratio * free_quote  # type: ignore[operator]
    amount = rules.floor_quote(raw)
    if amount <= 0:
        return CopySize(ZERO, raw, SkipReason.ZERO_AFTER_ROUNDING)
    if not rules.notional_ok(amount, market=True):
        return CopySize(amount, raw, SkipReason.BELOW_MIN_NOTIONAL)
    if price > 0 and rules.min_qty > 0 and amount / price < rules.min_qty:
        return CopySize(amount, raw, SkipReason.BELOW_MIN_QTY)
    return CopySize(amount, raw)


def size_sell(
    ratio: Decimal, free_base: Decimal | None, rules: SymbolRules, price: Decimal
) -> CopySize:
    """Base quantity a follower sells on a market SELL, floored to the (market) lot step."""
    skip = _precheck(ratio, free_base)
    if skip:
        return CopySize(ZERO, ZERO, skip)
    raw = ratio * free_base  # type: ignore[operator]
    qty = rules.floor_qty(raw, market=True)
    if qty <= 0:
        return CopySize(ZERO, raw, SkipReason.ZERO_AFTER_ROUNDING)
    if not rules.qty_ok(qty, market=True):
        return CopySize(qty, raw, SkipReason.BELOW_MIN_QTY)
    if price > 0 and not rules.notional_ok(qty * price, market=True):
        return CopySize(qty, raw, SkipReason.BELOW_MIN_NOTIONAL)
    return CopySize(qty, raw)


def size_copy(
    side: str, ratio: Decimal, free: Decimal | None, rules: SymbolRules, price: Decimal
) -> CopySize:
    """Dispatch on the leader's side: BUY sizes in quote, SELL in base."""
    sizer = size_buy if side == "BUY" else size_sell
    return sizer(ratio, free, rules, price)


def _precheck(ratio: Decimal, free: Decimal | None) -> str:
    if free is None:
        return SkipReason.BALANCE_UNKNOWN
    if free <= 0:
        return SkipReason.NO_BALANCE
    if ratio <= 0:
        return SkipReason.RATIO_ZERO
    return ""


def balance_after(
    side: str,
    before: tuple[Decimal, Decimal],
    filled: tuple[Decimal, Decimal],
    fee: Decimal,
    fee_asset: str | None,
    unknown_fee_rate: Decimal,
) -> tuple[Decimal, Decimal]:
    """Free (USDT, BTC) after a filled market order of ``filled`` = (base, quote), from the free
    balances ``before`` it: what the order spent goes, what it bought comes, less the venue's fee
    in the asset it was charged in (another asset, e.g. BNB, changes neither). When the reply did
    not say (``fee_asset`` None) the proceeds are cut by ``unknown_fee_rate`` — under-estimating
    is safe (a follower never sizes from money it does not have); the poller corrects it."""
    usdt, btc = before
    base, quote = filled
    if side == "BUY":
        usdt, btc = usdt - quote, btc + base
    else:
        usdt, btc = usdt + quote, btc - base
    if fee_asset is None:
        if side == "BUY":
            btc -= base * unknown_fee_rate
        else:
            usdt -= quote * unknown_fee_rate
    elif fee_asset == "USDT":
        usdt -= fee
    elif fee_asset == "BTC":
        btc -= fee
    return max(usdt, ZERO), max(btc, ZERO)


def within_rounding(requested: Decimal, ratio: Decimal, free: Decimal, step: Decimal) -> bool:
    """Whether ``requested`` equals the rule's ``ratio × free`` up to one venue step (the
    benchmark's ``sizing_errors`` check)."""
    exact = ratio * free
    return ZERO <= exact - requested < max(step, Decimal("1E-12"))
