"""The copy rule as tables of plain values: ``x = Z / F`` and ``y = z / B`` (capped at 1), each
follower's share floored to its venue's quote precision / lot step, and every reason a copy is
skipped. No DB, no mocks: ``SymbolRules`` as the Binance and Bitget connectors build them for the
simulator's BTCUSDT."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from trading.copytrade.core.sizing import (
    SkipReason,
    balance_after,
    copy_ratio,
    size_buy,
    size_copy,
    size_sell,
    within_rounding,
)
from trading.exchanges.types import SymbolRules

D = Decimal
PRICE = D("50000")

# Binance BTCUSDT filters: PRICE_FILTER tick 0.01 (also the quoteOrderQty precision the connector
# uses), LOT_SIZE step/min 0.00001, MARKET_LOT_SIZE step 0 (→ LOT_SIZE), NOTIONAL min 5 on MARKET.
BINANCE = SymbolRules(
    symbol="BTCUSDT",
    base="BTC",
    quote="USDT",
    tick_size=D("0.01"),
    step_size=D("0.00001"),
    market_step_size=D(0),
    min_qty=D("0.00001"),
    max_qty=D("9000"),
    market_max_qty=D("76.6"),
    min_notional=D("5"),
    apply_min_to_market=True,
    max_notional=D("9000000"),
    apply_max_to_market=False,
    quote_step=D("0.01"),
)
# Bitget BTCUSDT: pricePrecision 2, quantityPrecision 6, quotePrecision 6, minTradeUSDT 1.
BITGET = SymbolRules(
    symbol="BTCUSDT",
    base="BTC",
    quote="USDT",
    tick_size=D("0.01"),
    step_size=D("0.000001"),
    min_notional=D("1"),
    quote_step=D("0.000001"),
)
LOT_0_001 = replace(BINANCE, min_qty=D("0.001"))
MARKET_LOT = replace(BINANCE, market_step_size=D("0.001"), market_min_qty=D("0.01"))
NO_MARKET_MIN = replace(BINANCE, apply_min_to_market=False)
THIRD = D("0.333333333333")
TWO_THIRDS = D("0.666666666667")


@pytest.mark.parametrize(
    ("filled", "before", "ratio"),
    [
        ("1000", "10000", "0.1"),  # x = Z / F
        ("0.25", "1", "0.25"),  # y = z / B
        ("1000", "3000", "0.333333333333"),  # 12 places
        ("2000", "3000", "0.666666666666"),  # floored: a copy never exceeds its exact share
        ("1645.944845", "16459.44845000004", "0.099999999999"),  # just under 0.1: not rounded up
        ("10000", "10000", "1"),
        ("12000", "10000", "1"),  # F under-estimated: never more than everything
        ("0.3", "0.2", "1"),
        ("0", "10000", "0"),
        ("1000", "0", "0"),
        ("1000", "-5", "0"),
    ],
)
def test_copy_ratio(filled, before, ratio):
    got = copy_ratio(D(filled), D(before))
    assert got == D(ratio)
    assert got <= 1


@pytest.mark.parametrize(
    ("ratio", "free", "rules", "amount", "reason"),
    [
        # quote_i = x × free_USDT_i, floored to the venue's quote precision
        (THIRD, "1000", BINANCE, "333.33", ""),
        (THIRD, "1000", BITGET, "333.333333", ""),
        (TWO_THIRDS, "1000", BINANCE, "666.66", ""),  # floored, not rounded to 666.67
        (TWO_THIRDS, "1000", BITGET, "666.666666", ""),
        ("1", "1234.5678", BINANCE, "1234.56", ""),
        ("1", "1234.5678", BITGET, "1234.5678", ""),
        ("0.1", "50", BINANCE, "5.00", ""),  # exactly the minimum passes
        ("0.1", "49.99", BINANCE, "4.99", SkipReason.BELOW_MIN_NOTIONAL),
        ("0.1", "10", BITGET, "1", ""),
        ("0.1", "9.99", BITGET, "0.999", SkipReason.BELOW_MIN_NOTIONAL),
        ("0.1", "10", NO_MARKET_MIN, "1.00", ""),  # NOTIONAL not applied to MARKET
        ("0.000001", "1000", BINANCE, "0", SkipReason.ZERO_AFTER_ROUNDING),
        ("0.0000000001", "1000", BITGET, "0", SkipReason.ZERO_AFTER_ROUNDING),
        ("0.1", "200", LOT_0_001, "20.00", SkipReason.BELOW_MIN_QTY),  # 0.0004 BTC < 0.001
        ("0.1", "500", LOT_0_001, "50.00", ""),  # 0.001 BTC
        ("0.1", None, BINANCE, "0", SkipReason.BALANCE_UNKNOWN),
        ("0.1", "0", BINANCE, "0", SkipReason.NO_BALANCE),
        ("0.1", "-3", BITGET, "0", SkipReason.NO_BALANCE),
        ("0", "1000", BINANCE, "0", SkipReason.RATIO_ZERO),
    ],
)
def test_size_buy(ratio, free, rules, amount, reason):
    size = size_buy(D(ratio), None if free is None else D(free), rules, PRICE)
    assert (size.amount, size.skip_reason, size.skipped) == (D(amount), reason, bool(reason))


@pytest.mark.parametrize(
    ("ratio", "free", "rules", "qty", "reason"),
    [
        # qty_i = y × free_BTC_i, floored to the (market) lot step
        ("0.25", "0.12345678", BINANCE, "0.03086", ""),
        ("0.25", "0.12345678", BITGET, "0.030864", ""),
        (THIRD, "0.3", BINANCE, "0.09999", ""),
        (THIRD, "0.3", BITGET, "0.099999", ""),
        (TWO_THIRDS, "0.1", BINANCE, "0.06666", ""),  # not 0.06667
        (TWO_THIRDS, "0.1", BITGET, "0.066666", ""),
        ("1", "0.5", BINANCE, "0.5", ""),
        ("0.25", "0.12345678", MARKET_LOT, "0.030", ""),  # MARKET_LOT_SIZE step wins
        ("0.0001", "0.05", BINANCE, "0", SkipReason.ZERO_AFTER_ROUNDING),  # 0.000005
        ("0.0001", "0.005", BITGET, "0", SkipReason.ZERO_AFTER_ROUNDING),  # 0.0000005
        ("0.5", "0.0015", LOT_0_001, "0.00075", SkipReason.BELOW_MIN_QTY),
        ("0.5", "0.01", MARKET_LOT, "0.005", SkipReason.BELOW_MIN_QTY),  # market min 0.01
        ("0.5", "0.0002", BINANCE, "0.0001", ""),  # 5 USDT: exactly the minimum
        ("0.5", "0.0001", BINANCE, "0.00005", SkipReason.BELOW_MIN_NOTIONAL),  # 2.5 USDT
        ("1", "0.00001", BITGET, "0.00001", SkipReason.BELOW_MIN_NOTIONAL),  # 0.5 USDT
        ("0.1", None, BITGET, "0", SkipReason.BALANCE_UNKNOWN),
        ("0.1", "0", BINANCE, "0", SkipReason.NO_BALANCE),
        ("0", "1", BITGET, "0", SkipReason.RATIO_ZERO),
    ],
)
def test_size_sell(ratio, free, rules, qty, reason):
    size = size_sell(D(ratio), None if free is None else D(free), rules, PRICE)
    assert (size.amount, size.skip_reason) == (D(qty), reason)


def test_size_sell_without_a_price_skips_only_the_notional_check():
    assert size_sell(D("0.5"), D("0.0001"), BINANCE, D(0)).amount == D("0.00005")
    assert not size_sell(D("0.5"), D("0.0001"), BINANCE, D(0)).skipped


@pytest.mark.parametrize(
    ("side", "rules", "amount"),
    [
        ("BUY", BINANCE, "33.33"),  # a third of 100 USDT
        ("BUY", BITGET, "33.333333"),
        ("SELL", BINANCE, "33.33333"),  # a third of 100 BTC
        ("SELL", BITGET, "33.333333"),
    ],
)
def test_size_copy_sizes_buys_in_quote_and_sells_in_base(side, rules, amount):
    size = size_copy(side, THIRD, D("100"), rules, PRICE)
    assert (size.amount, size.skipped) == (D(amount), False)
    assert size.raw_amount == THIRD * 100


@pytest.mark.parametrize("rules", [BINANCE, BITGET], ids=["binance", "bitget"])
@pytest.mark.parametrize(
    ("filled", "before", "free"),
    [
        ("1000", "3000", "777.77"),
        ("123.45", "10000", "98765.4321"),
        ("7", "9", "1000000"),
        ("0.0123", "0.7", "3.14159265"),
    ],
)
def test_a_copy_never_exceeds_the_share_and_misses_it_by_less_than_one_step(
    rules, filled, before, free
):
    ratio = copy_ratio(D(filled), D(before))
    for side, step in (("BUY", rules.quote_step), ("SELL", rules.step_size)):
        size = size_copy(side, ratio, D(free), rules, PRICE)
        share = ratio * D(free)
        assert D(0) <= share - size.amount < step, (side, size)
        assert size.amount % step == 0
        assert within_rounding(size.amount, ratio, D(free), step)


@pytest.mark.parametrize(
    ("requested", "ratio", "free", "step", "ok"),
    [
        ("333.33", THIRD, "1000", "0.01", True),
        ("333.32", THIRD, "1000", "0.01", False),  # one step short
        ("333.34", THIRD, "1000", "0.01", False),  # more than the share
        ("0.03086", "0.25", "0.12345678", "0.00001", True),
        ("5", "0.5", "10", "0", True),
    ],
)
def test_within_rounding(requested, ratio, free, step, ok):
    assert within_rounding(D(requested), D(ratio), D(free), D(step)) is ok


@pytest.mark.parametrize(
    ("side", "before", "filled", "fee", "fee_asset", "after"),
    [
        # BUY 0.002 BTC for 100 USDT, fee 0.000002 BTC (Binance taker fee in the asset bought)
        ("BUY", ("1000", "0.1"), ("0.002", "100"), "0.000002", "BTC", ("900", "0.101998")),
        # SELL 0.01 BTC for 500 USDT, fee 0.5 USDT
        ("SELL", ("100", "0.05"), ("0.01", "500"), "0.5", "USDT", ("599.5", "0.04")),
        # fee in another asset (BNB): USDT and BTC move by the fill only
        ("BUY", ("1000", "0"), ("0.002", "100"), "0.0001", "BNB", ("900", "0.002")),
        # fee unknown: the proceeds are cut by the allowance (0.2 %)
        ("BUY", ("1000", "0"), ("0.002", "100"), "0", None, ("900", "0.001996")),
        ("SELL", ("0", "1"), ("0.5", "30000"), "0", None, ("29940", "0.5")),
        # never below zero
        ("SELL", ("0", "0.01"), ("0.0101", "505"), "0", "USDT", ("505", "0")),
    ],
)
def test_balance_after_a_fill(side, before, filled, fee, fee_asset, after):
    got = balance_after(
        side,
        (D(before[0]), D(before[1])),
        (D(filled[0]), D(filled[1])),
        D(fee),
        fee_asset,
        D("0.002"),
    )
    assert got == (D(after[0]), D(after[1]))
