"""Entry sizing and the risk envelope, table-tested (pure functions, no DB)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from trading.exchanges.types import SymbolRules
from trading.futures_trading.core.risk import Proposal, RiskLimits, RiskState, evaluate, failures
from trading.futures_trading.core.sizing import bracket_cap, size_entry, worst_case_loss
from trading.futures_trading.core.values import Direction

BTC = SymbolRules(
    symbol="BTCUSDT", base="BTC", quote="USDT", tick_size=D("0.10"), step_size=D("0.001"),
    market_step_size=D("0.001"), min_qty=D("0.001"), max_qty=D("1000"),
    market_min_qty=D("0.001"), market_max_qty=D("100"), min_notional=D("100"),
)  # fmt: skip
NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("margin", "lev", "price", "qty", "problem"),
    [
        ("100", 10, "50000", "0.02", ""),
        ("100", 10, "60000", "0.016", ""),  # 0.01666… floored, never more margin than chosen
        ("1", 1, "50000", "0", "below_min_qty"),
        ("600000", 10, "50000", "120", "above_market_max_qty"),  # MARKET_LOT_SIZE max 100
        ("0", 10, "50000", "0", "no_margin"),
    ],
)
def test_size_entry(margin, lev, price, qty, problem):
    size = size_entry(D(margin), lev, D(price), BTC)
    assert (size.quantity, size.problem) == (D(qty), problem)


def test_worst_case_loss_and_bracket_cap():
    assert worst_case_loss(D("0.02"), D("50000"), D("49000")) == D("20") + D("99000") * D(
        "0.02"
    ) * D("0.0005")
    brackets = [(125, D(50_000)), (100, D(600_000)), (50, D(12_000_000))]
    assert bracket_cap(brackets, 20) == D(12_000_000)
    assert bracket_cap(brackets, 110) == D(50_000)
    assert bracket_cap(brackets, 126) == 0


def proposal(**kw) -> Proposal:
    base = dict(symbol="BTCUSDT", direction=Direction.LONG, price=D("50000"), quantity=D("0.02"),
                leverage=10, stop_loss=D("49000"), take_profit=D("52000"),
                bracket_cap=D("12000000"))  # fmt: skip
    base.update(kw)
    return Proposal(**base)


LIMITS = RiskLimits()
STATE = RiskState(wallet=D("10000"))


@pytest.mark.parametrize(
    ("limits", "state", "prop", "rule", "zh_fragment"),
    [
        (LIMITS, STATE, proposal(leverage=25), "leverage", "杠杆 25x 超过上限 20x"),
        (LIMITS, STATE, proposal(quantity=D("0.2"), stop_loss=D("49500")), "position_notional", "10,000.00 USDT 超过上限 5,000.00"),
        (LIMITS, RiskState(wallet=D("10000"), symbol_notional=D("4500")), proposal(),
         "position_notional", "已有 4,500.00"),
        (RiskLimits(max_position_notional=D("1e9")), STATE, proposal(bracket_cap=D("500")),
         "bracket", "最大名义价值为 500.00 USDT"),
        (LIMITS, RiskState(wallet=D("10000"), trades_today=10), proposal(), "trades_per_day",
         "今日已开仓 10 笔"),
        (LIMITS, STATE, proposal(stop_loss=None), "stop_loss_required", "必须设置止损"),
        (LIMITS, STATE, proposal(stop_loss=D("51000")), "stop_loss_side", "止损价 51,000.00"),
        (LIMITS, STATE, proposal(direction=Direction.SHORT, stop_loss=D("51000"),
                                 take_profit=D("52000")), "take_profit_side", "止盈价 52,000.00"),
        (LIMITS, RiskState(wallet=D("500")), proposal(), "loss_per_trade", "超过钱包 500.00 USDT 的 2.00%"),
        (LIMITS, RiskState(wallet=D("10000"), realized_today=D("-300"), unrealized=D("-200")),
         proposal(), "daily_loss", "今日亏损 500.00 USDT"),
        (LIMITS, RiskState(wallet=D("10000"), daily_limit_hit=True), proposal(), "daily_loss",
         "UTC 明日 0 点前"),
        (LIMITS, RiskState(wallet=D("10000"), sl_streak=3, last_sl_at=NOW - timedelta(hours=1)),
         proposal(), "sl_cooldown", "2026-12-07 15:00"),
        (LIMITS, RiskState(wallet=D("10000"), last_order_at=NOW - timedelta(seconds=2)),
         proposal(), "pacing", "仅 2.0 秒"),
        (LIMITS, STATE, proposal(quantity=D("0.0009")), "min_notional", "45.00 USDT 低于 50.00"),
        (LIMITS, RiskState(wallet=D("10000"), open_trade=41), proposal(), "symbol_busy",
         "BTCUSDT 已有持仓（交易 #41）"),
    ],
)  # fmt: skip
def test_each_rule_refuses_with_numbers(limits, state, prop, rule, zh_fragment):
    failed = failures(evaluate(limits, state, prop, NOW))
    assert [c.rule for c in failed] == [rule]
    assert zh_fragment in failed[0].text("zh"), failed[0].text("zh")
    assert failed[0].text("en") and failed[0].text("en") != failed[0].text("zh")


def test_everything_passes_and_is_listed():
    checks = evaluate(LIMITS, STATE, proposal(), NOW)
    assert not failures(checks)
    assert {c.rule for c in checks} >= {"leverage", "loss_per_trade", "daily_loss", "pacing"}
    assert all(c.text("zh") and c.text("en") for c in checks)


def test_cooldown_over_and_optional_stop_loss():
    state = RiskState(wallet=D("10000"), sl_streak=3, last_sl_at=NOW - timedelta(hours=5))
    assert not failures(evaluate(LIMITS, state, proposal(), NOW))
    relaxed = RiskLimits(require_stop_loss=False)
    assert not failures(evaluate(relaxed, STATE, proposal(stop_loss=None), NOW))


def test_reduce_only_exempt_from_min_notional():
    assert not failures(
        evaluate(LIMITS, STATE, proposal(quantity=D("0.0009"), reduce_only=True), NOW)
    )
