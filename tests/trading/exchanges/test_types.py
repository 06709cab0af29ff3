"""Rounding and filter helpers of SymbolRules, checked against tables of plain values."""

from decimal import ROUND_DOWN, ROUND_UP, Decimal

import pytest

from trading.exchanges.errors import FilterRejected
from trading.exchanges.types import (
    OrderRequest,
    OrderResult,
    OrderStatus,
    OrderType,
    Side,
    SymbolRules,
    quantize_to_step,
    step_from_precision,
)

D = Decimal

RULES = SymbolRules(
    symbol="BTCUSDT",
    base="BTC",
    quote="USDT",
    tick_size=D("0.01000000"),
    step_size=D("0.00001000"),
    market_step_size=D("0.00010000"),
    min_qty=D("0.00001000"),
    max_qty=D("9000.00000000"),
    market_min_qty=D("0.00100000"),
    min_notional=D("5.00000000"),
    apply_min_to_market=True,
    max_notional=D("9000000.00000000"),
    quote_step=D("0.01"),
)


@pytest.mark.parametrize(
    ("value", "step", "rounding", "expected"),
    [
        ("1.23456", "0.01", ROUND_DOWN, "1.23"),
        ("1.23956", "0.01", ROUND_DOWN, "1.23"),
        ("1.23456", "0.01", ROUND_UP, "1.24"),
        ("1.23", "0.01", ROUND_UP, "1.23"),
        ("0.000019", "0.00001000", ROUND_DOWN, "0.00001"),
        ("123.7", "1.00000000", ROUND_DOWN, "123"),
        ("1234", "10", ROUND_DOWN, "1230"),
        ("1.5", "0", ROUND_DOWN, "1.5"),
        ("0.35", "0.25", ROUND_DOWN, "0.25"),
    ],
)
def test_quantize_to_step(value, step, rounding, expected):
    result = quantize_to_step(D(value), D(step), rounding)
    assert result == D(expected)
    assert str(result) == expected


@pytest.mark.parametrize(
    ("price", "expected"),
    [("100.004", "100.00"), ("100.005", "100.01"), ("99.999", "100.00"), ("42", "42.00")],
)
def test_round_price_to_tick(price, expected):
    assert str(RULES.round_price(D(price))) == expected


@pytest.mark.parametrize(
    ("qty", "market", "expected"),
    [
        ("0.123456", False, "0.12345"),
        ("0.123456", True, "0.1234"),
        ("0.000009", False, "0.00000"),
        ("1", False, "1.00000"),
    ],
)
def test_floor_qty(qty, market, expected):
    assert str(RULES.floor_qty(D(qty), market=market)) == expected


@pytest.mark.parametrize(("amount", "expected"), [("10.019", "10.01"), ("10", "10.00")])
def test_floor_quote(amount, expected):
    assert str(RULES.floor_quote(D(amount))) == expected


@pytest.mark.parametrize(
    ("notional", "market", "apply_to_market", "ok"),
    [
        ("4.99", False, True, False),
        ("5", False, True, True),
        ("4.99", True, True, False),
        ("4.99", True, False, True),
        ("9000000.01", False, True, False),
        ("9000000.01", True, True, False),
        ("9000000.01", True, False, True),
        ("9000000", False, False, True),
    ],
)
def test_notional(notional, market, apply_to_market, ok):
    rules = SymbolRules(
        "X",
        "A",
        "B",
        min_notional=D(5),
        max_notional=D(9000000),
        apply_min_to_market=apply_to_market,
        apply_max_to_market=apply_to_market,
    )
    assert rules.notional_ok(D(notional), market=market) is ok


@pytest.mark.parametrize(
    ("qty", "price", "market", "rejected"),
    [
        ("0.0001", "60000", False, False),
        ("0.00005", "60000", False, True),  # notional 3 < 5
        ("0.0005", "60000", True, True),  # below the market minimum qty
        ("0.001", "60000", True, False),
        ("9001", "1", False, True),
        ("0", "1", False, True),
    ],
)
def test_check_order(qty, price, market, rejected):
    if rejected:
        with pytest.raises(FilterRejected):
            RULES.check_order(D(qty), D(price), market=market)
    else:
        RULES.check_order(D(qty), D(price), market=market)


@pytest.mark.parametrize(("decimals", "step"), [(0, "1"), (2, "0.01"), ("6", "0.000001")])
def test_step_from_precision(decimals, step):
    assert step_from_precision(decimals) == D(step)


def test_avg_price_and_final_status():
    order = OrderResult(
        "BTCUSDT", "1", "c", OrderStatus.FILLED, executed_base=D("0.5"), executed_quote=D("30000")
    )
    assert order.avg_price == D("60000")
    assert OrderResult("BTCUSDT", "1", "c", OrderStatus.NEW).avg_price is None
    assert OrderStatus.FILLED.is_final and not OrderStatus.PARTIALLY_FILLED.is_final


def test_order_request_validation():
    with pytest.raises(ValueError, match="exactly one"):
        OrderRequest("X", Side.BUY, OrderType.MARKET, "c")
    with pytest.raises(ValueError, match="price"):
        OrderRequest("X", Side.BUY, OrderType.LIMIT, "c", quantity=D(1))
