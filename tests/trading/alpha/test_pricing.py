"""Pair pricing from the last price: signed offsets, tick/step rounding, min-notional refusal."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from trading.alpha.core.pricing import (
    OffsetMode,
    PairPlan,
    Rules,
    Unpriced,
    estimated_cost,
    plan_pair,
)

RULES = Rules(tick=D("0.0001"), step=D("0.01"), min_notional=D("0.1"))
PCT, FIXED = OffsetMode.PCT, OffsetMode.FIXED


@pytest.mark.parametrize(
    ("last", "mode", "b", "s", "usdt", "expected"),
    [
        # maker: buy 0.5 % below (down to the tick), sell 0.5 % above (up to the tick)
        ("0.23", PCT, "0.5", "0.5", "10", PairPlan(D("0.2288"), D("43.70"), D("0.2312"))),
        # crossing: negative offsets buy above and sell below the last price
        ("0.23", PCT, "-1", "-1", "10", PairPlan(D("0.2323"), D("43.04"), D("0.2277"))),
        ("0.23", FIXED, "0.0011", "0.0011", "10", PairPlan(D("0.2289"), D("43.68"), D("0.2311"))),
        ("0.23", FIXED, "-0.0011", "0", "10", PairPlan(D("0.2311"), D("43.27"), D("0.23"))),
        # rounding never favours the wrong side: 0.23 × 0.99999 = 0.2299977 → 0.2299
        ("0.23", PCT, "0.001", "0.001", "10", PairPlan(D("0.2299"), D("43.49"), D("0.2301"))),
        ("0.07", PCT, "0", "0", "1", PairPlan(D("0.07"), D("14.28"), D("0.07"))),
    ],
)
def test_pricing(last, mode, b, s, usdt, expected) -> None:
    plan = plan_pair(last=D(last), mode=mode, buy_offset=D(b), sell_offset=D(s),
                     order_usdt=D(usdt), rules=RULES)  # fmt: skip
    assert plan == expected
    assert plan.buy_notional <= D(usdt)


@pytest.mark.parametrize(
    ("last", "mode", "b", "usdt", "code"),
    [
        ("0.23", PCT, "0", "0.05", "min_notional"),
        ("0.23", FIXED, "0.23", "10", "bad_offset"),
        ("0", PCT, "0", "10", "no_price"),
        ("100", PCT, "0", "0.5", "min_notional"),  # 0.5 / 100 = 0.005 < one lot step
    ],
)
def test_refusals(last, mode, b, usdt, code) -> None:
    plan = plan_pair(last=D(last), mode=mode, buy_offset=D(b), sell_offset=D(0),
                     order_usdt=D(usdt), rules=RULES)  # fmt: skip
    assert isinstance(plan, Unpriced) and plan.code == code and plan.message


@pytest.mark.parametrize(
    ("b", "s", "expected"),
    [
        ("0", "0", "0.002"),  # fees only: 0.01 % of 10 on each side
        ("-1", "-1", "0.200000000"),  # crossing costs the spread (0.198) + fees (0.002)
        ("1", "1", "-0.200000000"),  # maker pricing gains the spread (if both fill)
    ],
)
def test_estimated_cost(b, s, expected) -> None:
    cost = estimated_cost(mode=PCT, buy_offset=D(b), sell_offset=D(s), order_usdt=D(10),
                          last=D(1), fee_rate=D("0.0001"))  # fmt: skip
    assert cost.quantize(D("0.000000001")) == D(expected).quantize(D("0.000000001"))
