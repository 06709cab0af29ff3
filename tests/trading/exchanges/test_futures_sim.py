"""Futures connector against the simulator on loopback: leverage, MARKET order, algo TP/SL,
positions, trades, income, klines, the listenKey user stream, and the exactly-once faults."""

from __future__ import annotations

import asyncio
import contextlib
from decimal import Decimal

import pytest

from trading.exchanges.binance_futures.auth import ApiCredentials
from trading.exchanges.binance_futures.client import FuturesClient
from trading.exchanges.binance_futures.constants import AlgoOrderType, AlgoStatus
from trading.exchanges.binance_futures.models import AlgoUpdate, FuturesOrderUpdate
from trading.exchanges.client_ids import client_order_id
from trading.exchanges.errors import NotPlaced, OrderNotFound, OrderRejected, OutcomeUnknown
from trading.exchanges.reconnect import ReconnectPolicy
from trading.exchanges.types import OrderStatus, Side

pytestmark = pytest.mark.integration
QTY = Decimal("0.010")


async def no_sleep(_: float) -> None:
    await asyncio.sleep(0)


@pytest.fixture
async def account(sim):
    info = sim.control.ok("POST", "/sim/futures/accounts", json={"balance": "10000"})
    client = FuturesClient(
        ApiCredentials(info["api_key"], info["secret"]),
        base_url=sim.url,
        stream_url=sim.ws_url + "/fstream",
    )
    yield info["api_key"], client
    await client.close()


def sim_account(sim, api_key: str) -> dict:
    return sim.control.ok("GET", f"/sim/futures/accounts/{api_key}")


async def collect(stream, into: list, stop: asyncio.Event) -> None:
    async for event in stream:
        into.append(event)
        if stop.is_set():
            return


async def wait_for(predicate, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_trade_with_tp_sl_through_the_stream(sim, account) -> None:
    api_key, client = account
    rules = await client.symbol_rules("BTCUSDT")
    assert rules.tick_size == Decimal("0.10") and rules.min_notional == Decimal(100)
    assert (await client.set_leverage("BTCUSDT", 10)).leverage == 10
    events: list = []
    stream = client.user_stream(policy=ReconnectPolicy(stall_timeout=30), keepalive_s=0.2)
    task = asyncio.create_task(collect(stream, events, asyncio.Event()))
    await wait_for(lambda: sim_account(sim, api_key)["listen_key"])
    await asyncio.sleep(0.2)

    cid = client_order_id("fut", "signal-1", "trader-1")
    order = await client.place_market_order("BTCUSDT", Side.BUY, QTY, cid)
    assert (order.status, order.executed_base, order.client_order_id) == (
        OrderStatus.FILLED,
        QTY,
        cid,
    )
    tp, sl = await client.place_tp_sl(
        "BTCUSDT", Side.BUY, take_profit=Decimal(66000), stop_loss=Decimal(64000),
        client_algo_ids=("tp-1", "sl-1"),
    )  # fmt: skip
    assert tp.order_type == "TAKE_PROFIT_MARKET" and tp.close_position
    assert sl.order_type == "STOP_MARKET" and sl.side is Side.SELL
    assert {a.client_algo_id for a in await client.open_algo_orders("BTCUSDT")} == {"tp-1", "sl-1"}
    (pos,) = await client.positions("BTCUSDT")
    assert pos.amount == QTY

    sim.control.set_price("BTCUSDT", "66500")
    await wait_for(lambda: any(isinstance(e, AlgoUpdate) and e.client_algo_id == "tp-1"
                               and e.status is AlgoStatus.FINISHED for e in events))  # fmt: skip
    assert (await client.get_algo_order("tp-1")).status is AlgoStatus.FINISHED
    assert await client.open_algo_orders("BTCUSDT") == []
    assert all(p.amount == 0 for p in await client.positions("BTCUSDT"))
    pnl = await client.income(symbol="BTCUSDT")
    assert pnl and all(i.income_type == "REALIZED_PNL" for i in pnl)
    assert sum(i.income for i in pnl) > 0
    trades = await client.user_trades("BTCUSDT")
    assert len(trades) == 2 and trades[-1].realized_pnl > 0
    updates = [e for e in events if isinstance(e, FuturesOrderUpdate)]
    assert [u.status for u in updates if u.client_order_id == cid] == [
        OrderStatus.NEW,
        OrderStatus.FILLED,
    ]
    closing = [u for u in updates if u.execution_type == "TRADE" and u.realized_pnl > 0]
    assert len(closing) == 1 and closing[0].side is Side.SELL
    await client.keepalive_listen_key()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await stream.aclose()  # type: ignore[attr-defined]


async def test_cancel_algo_and_klines(account) -> None:
    _, client = account
    await client.place_market_order("BTCUSDT", Side.BUY, QTY, "entry-2")
    await client.place_algo_order(
        "BTCUSDT", Side.SELL, AlgoOrderType.STOP_MARKET, Decimal(60000), "sl-2",
        quantity=QTY, reduce_only=True,
    )  # fmt: skip
    assert await client.cancel_algo_order("sl-2")
    assert (await client.get_algo_order("sl-2")).status is AlgoStatus.CANCELED
    with pytest.raises(OrderNotFound):
        await client.cancel_algo_order("sl-2")
    klines = await client.klines("BTCUSDT", "1m", limit=5)
    assert 0 < len(klines) <= 5 and all(k.high >= k.low for k in klines)
    balances = await client.balances()
    assert balances["USDT"].wallet_balance > 0


async def test_conditional_type_is_not_sent_to_the_order_endpoint(account) -> None:
    _, client = account
    with pytest.raises(OrderRejected) as info:
        await client.rest.signed(
            "POST", "/fapi/v1/order",
            {"symbol": "BTCUSDT", "side": "SELL", "type": "STOP_MARKET", "quantity": "0.01",
             "stopPrice": "60000"},
        )  # fmt: skip
    assert info.value.code == "-4120"


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "drop_reply"},
        {"kind": "error_after_exec"},
        {"kind": "error_after_exec", "code": -1007},
    ],
)
async def test_unknown_outcome_is_reconciled_never_placed_twice(sim, account, fault) -> None:
    api_key, client = account
    sim.control.fault(fault.pop("kind"), account=api_key, **fault)
    sim.control.fault("not_found_window", account=api_key, ms=300)
    with pytest.raises(OutcomeUnknown):
        await client.place_market_order("BTCUSDT", Side.BUY, QTY, "once-1", reconcile=False)
    found = await client.reconcile_order("BTCUSDT", "once-1")
    assert found.status is OrderStatus.FILLED and found.executed_base == QTY
    orders = [o for o in sim_account(sim, api_key)["orders"] if o["clientOrderId"] == "once-1"]
    assert len(orders) == 1
    (position,) = sim_account(sim, api_key)["positions"]
    assert Decimal(position["positionAmt"]) == QTY


async def test_default_placement_reconciles_by_itself(sim, account) -> None:
    api_key, client = account
    sim.control.fault("drop_reply", account=api_key)
    order = await client.place_market_order("BTCUSDT", Side.SELL, QTY, "once-2")
    assert order.status is OrderStatus.FILLED and order.client_order_id == "once-2"
    assert len(sim_account(sim, api_key)["orders"]) == 1


async def test_never_placed_is_reported(sim) -> None:
    info = sim.control.ok("POST", "/sim/futures/accounts", json={"balance": "10000"})
    creds = ApiCredentials(info["api_key"], info["secret"])
    async with FuturesClient(creds, base_url=sim.url, reconcile_sleep=no_sleep) as client:
        with pytest.raises(NotPlaced):
            await client.reconcile_order("BTCUSDT", "never-sent")


async def test_listen_key_expiry_reconnects_with_a_fresh_key(sim, account) -> None:
    from trading.exchanges.reconnect import StreamGap

    api_key, client = account
    events: list = []
    policy = ReconnectPolicy(base_delay=0.01, max_delay=0.05, stall_timeout=30)
    stream = client.user_stream(policy=policy)
    task = asyncio.create_task(collect(stream, events, asyncio.Event()))
    await wait_for(lambda: sim_account(sim, api_key)["listen_key"])
    first_key = sim_account(sim, api_key)["listen_key"]
    await asyncio.sleep(0.2)
    sim.control.ok("POST", f"/sim/futures/accounts/{api_key}/listen-key/expire")
    await wait_for(lambda: sim_account(sim, api_key)["listen_key"] not in (None, "", first_key))
    await asyncio.sleep(0.3)
    await client.place_market_order("BTCUSDT", Side.BUY, QTY, "after-gap")
    await wait_for(
        lambda: any(
            isinstance(e, FuturesOrderUpdate) and e.client_order_id == "after-gap" for e in events
        )
    )
    assert any(isinstance(e, StreamGap) for e in events)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await stream.aclose()  # type: ignore[attr-defined]
