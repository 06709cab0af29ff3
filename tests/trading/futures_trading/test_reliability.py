"""Reliability of the one click against the simulator with real MariaDB and Redis: concurrent
replays, a worker killed between entry and protection, a lost entry reply, overlapping and
replayed syncs, a statement that follows the stop-loss."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connections
from django.utils import timezone

from kernel.runtime_config import config_set
from trading.futures_trading.choices import IntentState, LegState, StatementState
from trading.futures_trading.models import (
    FuturesFill,
    IncomeRecord,
    LedgerEntry,
    ProtectiveLeg,
    TradeIntent,
)
from trading.futures_trading.services import execution
from trading.futures_trading.services.repair import repair_once
from trading.futures_trading.services.statements import statement_issue
from trading.futures_trading.services.sync import account_sync
from trading.futures_trading.services.trades import trade_open_now

from .conftest import choice, sim_account, spec

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


def entry_orders(venue: dict) -> list[dict]:
    return [o for o in venue["orders"] if o["origType"] == "MARKET"]


def test_ten_concurrent_clicks_open_one_position(sim, desk):
    d = desk()

    def click(_: int) -> str:
        try:
            return trade_open_now(trader=d.trader, spec=spec(), choice=choice()).state
        finally:
            connections.close_all()

    with ThreadPoolExecutor(10) as pool:
        list(pool.map(click, range(10)))
    repair_once(timezone.now() + timedelta(seconds=10))  # any click that lost the race
    venue = sim_account(sim, d.api_key)
    assert len(entry_orders(venue)) == 1
    assert [p["positionAmt"] for p in venue["positions"]] == ["0.020"]
    assert len(venue["algo_orders"]) == 2
    assert TradeIntent.objects.get(trader=d.trader).state == IntentState.PROTECTED


class Killed(BaseException):
    """The worker process died here (nothing after this line ran, the lease was not released)."""


def test_worker_killed_after_entry_repair_places_the_legs_once(sim, desk):
    d = desk()

    def die(intent: TradeIntent) -> None:
        raise Killed()

    execution.AFTER_ENTRY.append(die)
    with pytest.raises(Killed):
        trade_open_now(trader=d.trader, spec=spec(), choice=choice())
    execution.AFTER_ENTRY.clear()
    intent = TradeIntent.objects.get(trader=d.trader)
    assert intent.state == IntentState.ENTRY_FILLED and intent.lease_until is not None
    assert sim_account(sim, d.api_key)["algo_orders"] == []  # unprotected right now
    assert repair_once()["advanced"] == 0  # the dead worker's lease has not lapsed yet
    later = timezone.now() + execution.LEASE + timedelta(seconds=1)
    assert repair_once(later)["advanced"] == 1
    repair_once(later)
    intent.refresh_from_db()
    assert intent.state == IntentState.PROTECTED
    venue = sim_account(sim, d.api_key)
    assert sorted(a["clientAlgoId"] for a in venue["algo_orders"]) == [
        f"ft{intent.pk}sl", f"ft{intent.pk}tp",
    ]  # fmt: skip
    assert len(entry_orders(venue)) == 1


def test_leg_sent_but_reply_lost_is_looked_up_not_placed_twice(sim, desk):
    d = desk()

    def drop_next_algo_reply(intent: TradeIntent) -> None:
        sim.control.fault("drop_reply", account=d.api_key)

    execution.AFTER_ENTRY.append(drop_next_algo_reply)
    intent = trade_open_now(trader=d.trader, spec=spec(), choice=choice())
    assert intent.state == IntentState.PROTECTED, intent.error
    assert len(sim_account(sim, d.api_key)["algo_orders"]) == 2


@pytest.mark.parametrize(
    "fault",
    [{"kind": "drop_reply"}, {"kind": "error_after_exec"},
     {"kind": "error_after_exec", "status": 408, "code": -1007}],
)  # fmt: skip
def test_entry_reply_lost_is_looked_up_not_resent(sim, desk, fault):
    d = desk()
    params = {k: v for k, v in fault.items() if k != "kind"}
    sim.control.fault(fault["kind"], account=d.api_key, **params)
    sim.control.fault("not_found_window", account=d.api_key, ms=300)
    intent = trade_open_now(trader=d.trader, spec=spec(), choice=choice())
    assert intent.state == IntentState.PROTECTED, intent.error
    venue = sim_account(sim, d.api_key)
    assert len(entry_orders(venue)) == 1
    assert [p["positionAmt"] for p in venue["positions"]] == ["0.020"]


def test_stop_removed_at_the_venue_is_placed_again(sim, desk):
    d = desk()
    intent = trade_open_now(trader=d.trader, spec=spec(), choice=choice())
    sl = ProtectiveLeg.objects.get(intent=intent, kind="sl")
    from trading.futures_trading.services import venues

    venues.call(d.account.credential, lambda c: c.cancel_algo_order(sl.client_algo_id))
    repair_once()
    sl.refresh_from_db()
    intent.refresh_from_db()
    assert (intent.state, sl.state) == (IntentState.PROTECTED, LegState.NEW)
    live = [a for a in sim_account(sim, d.api_key)["algo_orders"] if a["algoStatus"] == "NEW"]
    assert sorted(a["clientAlgoId"] for a in live) == [f"ft{intent.pk}sl", f"ft{intent.pk}tp"]


def test_overlapping_and_replayed_syncs_store_each_row_once(sim, desk):
    d = desk()
    trade_open_now(trader=d.trader, spec=spec("a"), choice=choice())
    sim.control.set_price("BTCUSDT", "52100.00")  # TP fires
    account_sync(d.account)
    fills, income = FuturesFill.objects.count(), IncomeRecord.objects.count()
    assert (fills, income) == (2, 3)
    now = timezone.now()
    for since in (now - timedelta(days=1), now - timedelta(days=6), now - timedelta(minutes=5)):
        account_sync(d.account, since=since)
    account_sync(d.account)
    assert (FuturesFill.objects.count(), IncomeRecord.objects.count()) == (fills, income)


def test_stop_loss_then_statement_reproduces_and_corrects(sim, desk):
    config_set("futures_min_order_interval_s", "0")  # two trades on one symbol in seconds
    d = desk()
    trade_open_now(trader=d.trader, spec=spec("loss"), choice=choice())
    sim.control.set_price("BTCUSDT", "48900.00")  # SL at 49,000 fires
    repair_once()
    account_sync(d.account)
    first = statement_issue(trader=d.trader, start=timezone.now())
    rows = list(IncomeRecord.objects.filter(trader=d.trader))
    net = sum((r.amount for r in rows), Decimal(0))
    assert first.net_pnl == net < 0 and first.platform_share == Decimal("0.00")
    assert first.carry_out == net and first.income_count == len(rows) == 3
    assert statement_issue(trader=d.trader, start=timezone.now()).pk == first.pk  # unchanged
    sim.control.set_price("BTCUSDT", "50000.00")
    win = trade_open_now(trader=d.trader, spec=spec("win"), choice=choice(margin="400"))
    assert win.state == IntentState.PROTECTED, win.error
    sim.control.set_price("BTCUSDT", "52100.00")  # TP at 52,000 fires on 0.08 BTC
    repair_once()
    account_sync(d.account)
    second = statement_issue(trader=d.trader, start=timezone.now())
    all_net = sum((r.amount for r in IncomeRecord.objects.filter(trader=d.trader)), Decimal(0))
    expected = (all_net * Decimal("0.70")).quantize(Decimal("0.01"))
    assert (second.revision, second.net_pnl, second.platform_share) == (2, all_net, expected)
    first.refresh_from_db()
    assert first.state == StatementState.SUPERSEDED
    ledger = list(LedgerEntry.objects.filter(trader=d.trader).values_list("kind", "amount"))
    assert ledger == [("platform_share", Decimal("0.00")), ("correction", expected)]


def test_a_refused_stop_closes_the_position_at_market(sim, desk):
    d = desk()

    def price_jumps_below_the_stop(intent: TradeIntent) -> None:
        sim.control.set_price("BTCUSDT", "48500.00")  # the SL at 49,000 would trigger at once

    execution.AFTER_ENTRY.append(price_jumps_below_the_stop)
    intent = trade_open_now(trader=d.trader, spec=spec(), choice=choice())
    intent.refresh_from_db()
    assert intent.state == IntentState.CLOSED and "-2021" in intent.error
    assert sim_account(sim, d.api_key)["positions"] == []
    from notifications.models import Notification

    assert Notification.objects.filter(kind="futures.unprotected").count() == 1


def test_ratio_changed_mid_period_applies_to_positions_opened_after(sim, desk):
    from trading.futures_trading.models import ShareRatio

    sim.control.set_price("ETHUSDT", "3000.00")
    d = desk()
    first = trade_open_now(trader=d.trader, spec=spec("r1"), choice=choice())
    ShareRatio.objects.create(ratio=Decimal("0.50"), effective_from=timezone.now())
    eth = spec("r2", sl="2900", tp="3100", symbol="ETHUSDT")
    second = trade_open_now(trader=d.trader, spec=eth, choice=choice())
    assert (first.share_ratio, second.share_ratio) == (Decimal("0.7000"), Decimal("0.5000"))
    sim.control.set_price("BTCUSDT", "52100.00")  # both TPs fire
    sim.control.set_price("ETHUSDT", "3150.00")
    repair_once()
    account_sync(d.account)
    by_intent = {
        r.intent_id: r.share_ratio for r in IncomeRecord.objects.filter(income_type="REALIZED_PNL")
    }
    assert by_intent == {first.pk: Decimal("0.7000"), second.pk: Decimal("0.5000")}
    statement = statement_issue(trader=d.trader, start=timezone.now())
    rows = IncomeRecord.objects.filter(trader=d.trader)
    nets = {
        ratio: sum((r.amount for r in rows if r.share_ratio == ratio), Decimal(0))
        for ratio in (Decimal("0.7"), Decimal("0.5"))
    }
    expected = nets[Decimal("0.7")] * Decimal("0.7") + nets[Decimal("0.5")] * Decimal("0.5")
    assert statement.platform_share == expected.quantize(Decimal("0.01"))
    from notifications.models import Notification

    assert Notification.objects.filter(kind="futures.statement_issued").count() == 1


def test_the_celery_path_advances_after_commit(sim, desk):
    from django.db import transaction

    from trading.futures_trading.services.trades import trade_open

    d = desk()
    with transaction.atomic():
        intent = trade_open(trader=d.trader, spec=spec(), choice=choice())
        assert intent.state == IntentState.RECORDED  # nothing sent inside the transaction
        assert sim_account(sim, d.api_key)["orders"] == []
    intent.refresh_from_db()
    assert intent.state == IntentState.PROTECTED


def test_replayed_stream_events_store_each_fill_once(sim, desk):
    from trading.exchanges.binance_futures.models import FuturesOrderUpdate
    from trading.exchanges.types import OrderStatus, Side
    from trading.futures_trading.services.sync import on_event

    d = desk()
    intent = trade_open_now(trader=d.trader, spec=spec(), choice=choice())
    account_sync(d.account)
    fill = FuturesFill.objects.get(trader=d.trader)
    event = FuturesOrderUpdate(
        venue="binance_futures", symbol="BTCUSDT", venue_order_id=fill.order_id,
        client_order_id=f"ft{intent.pk}e", status=OrderStatus.FILLED, side=Side.BUY,
        execution_type="TRADE", last_qty=fill.qty, last_price=fill.price, fee=fill.commission,
        trade_id=fill.trade_id, event_time=fill.time,
    )  # fmt: skip
    for _ in range(3):
        on_event(d.account, event)
    assert FuturesFill.objects.filter(trader=d.trader).count() == 1
    assert FuturesFill.objects.get(trader=d.trader).intent_id == intent.pk
