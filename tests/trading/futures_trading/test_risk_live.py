"""Each risk rule refusing a real click on the simulator, and the daily loss limit crossing
mid-day (realized + unrealized), which holds until the next UTC day."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from notifications.models import Notification
from trading.futures_trading.choices import CloseReason, IntentState
from trading.futures_trading.core.values import Direction
from trading.futures_trading.models import RiskOverride, RiskRefusal, TradeIntent
from trading.futures_trading.services.sync import account_sync
from trading.futures_trading.services.trades import trade_open_now

from .conftest import choice, spec

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


def refused_rules(trader) -> set[str]:
    return set(RiskRefusal.objects.filter(trader=trader).values_list("rule", flat=True))


def _streak(d) -> None:
    for i in range(3):
        TradeIntent.objects.create(
            trader=d.trader, signal_key=f"old-{i}", symbol="BTCUSDT", direction="LONG",
            entry_ref=Decimal(50000), margin=Decimal(100), leverage=10,
            share_ratio=Decimal("0.7"), state=IntentState.CLOSED,
            close_reason=CloseReason.STOP_LOSS, closed_at=timezone.now() - timedelta(minutes=i),
        )  # fmt: skip


def _recent(d) -> None:
    TradeIntent.objects.create(
        trader=d.trader, signal_key="just-now", symbol="BTCUSDT", direction="LONG",
        entry_ref=Decimal(50000), margin=Decimal(100), leverage=10, share_ratio=Decimal("0.7"),
        state=IntentState.CLOSED, close_reason=CloseReason.MANUAL, closed_at=timezone.now(),
    )  # fmt: skip


def _open_trade(d) -> None:
    TradeIntent.objects.create(
        trader=d.trader, signal_key="held", symbol="BTCUSDT", direction="SHORT",
        entry_ref=Decimal(50000), margin=Decimal(100), leverage=10, share_ratio=Decimal("0.7"),
        state=IntentState.PROTECTED, filled_qty=Decimal("0.02"),
        clicked_at=timezone.now() - timedelta(minutes=10),
    )  # fmt: skip


CASES = [
    ("leverage", {}, dict(c=choice(leverage=50)), None),
    ("position_notional", {}, dict(c=choice(margin="1000")), None),
    ("bracket", {"balance": "100000"}, dict(c=choice(margin="500", leverage=125)),
     dict(max_position_notional=Decimal("1e9"), max_leverage=125)),
    ("trades_per_day", {}, dict(), dict(max_trades_per_day=0)),
    ("stop_loss_required", {}, dict(s=spec(sl=None)), None),
    ("stop_loss_side", {}, dict(s=spec(sl="51000")), None),
    ("take_profit_side", {}, dict(s=spec(tp="48000")), None),
    ("loss_per_trade", {"balance": "500"}, dict(), None),
    ("min_notional", {}, dict(c=choice(margin="4")), None),
    ("size", {}, dict(c=choice(margin="0.05", leverage=1)), None),
    ("sl_cooldown", {}, dict(setup=_streak), None),
    ("pacing", {}, dict(setup=_recent), None),
    ("symbol_busy", {}, dict(setup=_open_trade), None),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "sim_settings", "click", "override"), CASES,
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_each_rule_refuses_a_live_click(sim, desk, rule, sim_settings, click, override):
    d = desk(**sim_settings)
    if override:
        RiskOverride.objects.create(trader=d.trader, **override)
    if click.get("setup"):
        click["setup"](d)
    intent = trade_open_now(trader=d.trader, spec=click.get("s", spec()),
                            choice=click.get("c", choice()))  # fmt: skip
    assert intent.state == IntentState.REFUSED
    assert rule in refused_rules(d.trader)
    row = RiskRefusal.objects.filter(trader=d.trader, rule=rule).first()
    assert row.message_zh and row.message_en and (row.values or rule == "stop_loss_required")
    assert sim.control.ok("GET", f"/sim/futures/accounts/{d.api_key}")["orders"] == []


def test_daily_loss_limit_crossing_mid_day_holds_until_next_utc_day(sim, desk):
    sim.control.set_price("ETHUSDT", "3000.00")
    d = desk()
    RiskOverride.objects.create(trader=d.trader, max_loss_per_trade_pct=Decimal("20"))
    big = trade_open_now(trader=d.trader, spec=spec("btc-1", sl="40000", tp="60000"),
                         choice=choice(margin="1000", leverage=5))  # fmt: skip
    assert big.state == IntentState.PROTECTED, big.error
    sim.control.set_price("BTCUSDT", "44000.00")  # unrealized −600 on 0.1 BTC: limit is 500
    account_sync(d.account)
    eth = spec("eth-1", sl="2900", tp="3200", symbol="ETHUSDT")
    first = trade_open_now(trader=d.trader, spec=eth, choice=choice())
    assert first.state == IntentState.REFUSED and "daily_loss" in refused_rules(d.trader)
    d.account.refresh_from_db()
    assert d.account.loss_locked_on == timezone.now().date()
    assert Notification.objects.filter(kind="futures.daily_loss_limit").count() == 1
    sim.control.set_price("BTCUSDT", "50000.00")  # back to even: still locked today
    account_sync(d.account)
    again = trade_open_now(trader=d.trader, spec=eth, choice=choice())
    assert again.state == IntentState.REFUSED
    assert Notification.objects.filter(kind="futures.daily_loss_limit").count() == 1
    d.account.loss_locked_on = timezone.now().date() - timedelta(days=1)  # next UTC day
    d.account.save()
    tomorrow = trade_open_now(trader=d.trader, spec=eth, choice=choice())
    assert tomorrow.state == IntentState.PROTECTED, tomorrow.error


def test_short_trade_in_hedge_mode_uses_position_side(sim, desk):
    """A Hedge-mode account: the entry, the legs and the close carry positionSide=SHORT."""
    d = desk(dual_side=True)
    from trading.futures_trading.services.trades import futures_key_test

    assert futures_key_test(account=d.account).hedge is True
    d.account.refresh_from_db()
    intent = trade_open_now(trader=d.trader,
                            spec=spec("h", sl="51000", tp="48000", direction=Direction.SHORT),
                            choice=choice())  # fmt: skip
    assert (intent.position_side, intent.state) == ("SHORT", IntentState.PROTECTED), intent.error
    venue = sim.control.ok("GET", f"/sim/futures/accounts/{d.api_key}")
    assert [(p["positionSide"], p["positionAmt"]) for p in venue["positions"]] == [
        ("SHORT", "-0.020")
    ]
    assert {a["positionSide"] for a in venue["algo_orders"]} == {"SHORT"}
    sim.control.set_price("BTCUSDT", "51100.00")  # the SHORT's stop at 51,000 fires
    from trading.futures_trading.services.repair import repair_once

    repair_once()
    intent.refresh_from_db()
    assert (intent.state, intent.close_reason) == (IntentState.CLOSED, CloseReason.STOP_LOSS)
    venue = sim.control.ok("GET", f"/sim/futures/accounts/{d.api_key}")
    assert venue["positions"] == []
    assert {a["algoStatus"] for a in venue["algo_orders"]} == {"FINISHED", "EXPIRED"}
