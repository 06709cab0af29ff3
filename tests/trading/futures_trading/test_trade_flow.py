"""One click against the simulator (real MariaDB, Redis, HTTP): entry, TP/SL legs, the other
leg expiring when one fires, the manual close, the refusal path."""

from __future__ import annotations

from decimal import Decimal

import pytest

from notifications.models import Notification
from trading.futures_trading.choices import CloseReason, IntentState, LegState
from trading.futures_trading.models import RiskRefusal
from trading.futures_trading.services.repair import repair_once
from trading.futures_trading.services.sync import account_sync
from trading.futures_trading.services.trades import trade_close, trade_open_now

from .conftest import choice, sim_account, spec

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


def test_click_opens_a_protected_position(sim, desk):
    d = desk()
    intent = trade_open_now(trader=d.trader, spec=spec(), choice=choice())
    assert intent.state == IntentState.PROTECTED, intent.error
    assert intent.filled_qty == Decimal("0.02") and intent.entry_price == Decimal("50000")
    legs = {leg.kind: leg for leg in intent.legs.all()}
    assert {k: v.state for k, v in legs.items()} == {"sl": LegState.NEW, "tp": LegState.NEW}
    venue = sim_account(sim, d.api_key)
    assert venue["positions"][0]["positionAmt"] == "0.020"
    algos = {a["clientAlgoId"]: a for a in venue["algo_orders"]}
    assert algos[f"ft{intent.pk}sl"]["orderType"] == "STOP_MARKET"
    assert algos[f"ft{intent.pk}sl"]["closePosition"] is True
    assert algos[f"ft{intent.pk}tp"]["triggerPrice"] == "52000.00"
    assert Notification.objects.filter(kind="futures.position_opened").count() == 1


def test_stop_loss_fires_take_profit_expires_and_pnl_syncs(sim, desk):
    d = desk()
    intent = trade_open_now(trader=d.trader, spec=spec(), choice=choice())
    sim.control.set_price("BTCUSDT", "48900.00")
    repair_once()  # what the stream would have told us, found by the repair's venue check
    intent.refresh_from_db()
    assert (intent.state, intent.close_reason) == (IntentState.CLOSED, CloseReason.STOP_LOSS)
    legs = {leg.kind: leg.state for leg in intent.legs.all()}
    assert legs == {"sl": LegState.FINISHED, "tp": LegState.EXPIRED}
    counts = account_sync(d.account)
    assert counts["fills"] == 2 and counts["income"] == 3  # 2 commissions + 1 realized PnL
    assert Notification.objects.filter(kind="futures.leg_fired").count() == 1


def test_manual_close_cancels_both_legs(sim, desk):
    d = desk()
    intent = trade_open_now(trader=d.trader, spec=spec(), choice=choice())
    sim.control.set_price("BTCUSDT", "50500.00")
    trade_close(intent=intent)
    intent.refresh_from_db()
    assert (intent.state, intent.close_reason) == (IntentState.CLOSED, CloseReason.MANUAL)
    assert {leg.state for leg in intent.legs.all()} <= {LegState.CANCELED, LegState.EXPIRED}
    venue = sim_account(sim, d.api_key)
    assert venue["positions"] == []
    assert all(a["algoStatus"] in ("CANCELED", "EXPIRED") for a in venue["algo_orders"])


def test_trailing_stop_is_placed_as_a_third_leg(sim, desk):
    d = desk()
    intent = trade_open_now(
        trader=d.trader, spec=spec(),
        choice=choice(trailing_callback_pct=Decimal("1"), trailing_activation=Decimal("51000")),
    )  # fmt: skip
    assert intent.state == IntentState.PROTECTED, intent.error
    kinds = sorted(leg.kind for leg in intent.legs.all())
    assert kinds == ["sl", "tp", "trail"]


def test_refusal_is_logged_explained_and_notified(sim, desk):
    d = desk()
    intent = trade_open_now(trader=d.trader, spec=spec(sl=None), choice=choice())
    assert intent.state == IntentState.REFUSED
    refusal = RiskRefusal.objects.get(trader=d.trader)
    assert refusal.rule == "stop_loss_required" and "必须设置止损" in refusal.message_zh
    assert sim_account(sim, d.api_key)["orders"] == []
    assert Notification.objects.filter(kind="futures.risk_refused").count() == 1
