"""Contract tests: every ``AlphaClient`` method and both of its streams against the simulator on
loopback (docs/protocols.md §4), including an OTO that fills through both legs, the listen-key
stream across a disconnect and a key expiry, an executed-then-dropped OTO reconciled without being
placed twice, and session expiry surfacing as ``SessionExpired``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from trading.exchanges.binance_alpha.client import AlphaClient
from trading.exchanges.binance_alpha.constants import OtoPosition
from trading.exchanges.binance_alpha.models import AggTrade, AlphaOrderUpdate
from trading.exchanges.binance_web.auth import WebSession
from trading.exchanges.environments import Env
from trading.exchanges.errors import (
    InsufficientBalance,
    OrderRejected,
    OutcomeUnknown,
    RateLimited,
    SessionExpired,
)
from trading.exchanges.reconnect import ReconnectPolicy, StreamGap
from trading.exchanges.types import OrderStatus, Side

pytestmark = pytest.mark.integration

POLICY = ReconnectPolicy(base_delay=0.01, max_delay=0.05, stall_timeout=10)


def new_token(sim: Any, price: str = "0.5", **extra: Any) -> dict[str, Any]:
    return sim.control.ok("POST", "/sim/alpha/tokens", json={"price": price, **extra})


def web_session(sim: Any, usdt: str = "100") -> tuple[str, WebSession]:
    info = sim.control.ok("POST", "/sim/web/sessions", json={"balances": {"USDT": usdt}})
    return info["session_id"], WebSession.from_token_json(info)


def sim_orders(sim: Any, session_id: str) -> list[dict[str, Any]]:
    return sim.control.ok("GET", f"/sim/alpha/sessions/{session_id}/orders")


@pytest.fixture
def token(sim):
    return new_token(sim, "0.5", mulPoint="4", symbol="AIT")


@pytest.fixture
async def alpha(sim):
    session_id, session = web_session(sim)
    client = AlphaClient(session, env=Env.SIM)
    yield session_id, client
    await client.close()


def sinks(sim: Any, key: str, hub: str = "user_hub") -> dict[int, Any]:
    """The simulator's live subscriptions to ``key`` (a web user id, or a market stream name), by
    identity. The objects are kept in the result: a caller comparing before/after holds the old
    sinks alive, so a new sink can never reuse a collected one's ``id`` (it did: a flaky test)."""
    return {id(s): s for s in getattr(sim.world.venues["binance_alpha"], hub)._sinks.get(key, [])}


async def until(condition: Any, timeout: float = 5) -> None:
    """Wait until the simulator shows ``condition()`` (a stream subscribed), without sleeping
    a fixed time that a loaded machine could outrun."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "simulator never saw it"
        await asyncio.sleep(0.01)


def user_of(sim: Any, session_id: str) -> str:
    return sim.control.ok("GET", f"/sim/alpha/sessions/{session_id}")["user_id"]


async def next_update(events: AsyncIterator[Any], timeout: float = 5) -> AlphaOrderUpdate:
    """The next order update, skipping gaps."""
    while True:
        item = await asyncio.wait_for(anext(events), timeout)
        if isinstance(item, AlphaOrderUpdate):
            return item


async def test_tokens_and_rules(sim, token, alpha) -> None:
    _, client = alpha
    (listed,) = [t for t in await client.tokens() if t.alpha_id == token["alphaId"]]
    assert (listed.symbol, listed.mul_point, listed.trade_decimal, listed.decimals) == (
        "AIT", Decimal(4), 2, 18)  # fmt: skip
    assert listed.price == Decimal("0.5") and listed.tradable
    rules = await client.symbol_rules(listed.trading_symbol())
    assert (rules.base, rules.quote, rules.trading) == (token["alphaId"], "USDT", True)
    assert (rules.tick_size, rules.step_size, rules.min_notional) == (
        Decimal("0.00000001"), Decimal("0.01"), Decimal("0.1"))  # fmt: skip
    assert listed.trading_symbol() in await client.exchange_info()


async def test_limit_order_lifecycle(sim, token, alpha) -> None:
    session_id, client = alpha
    base, symbol = token["alphaId"], token["alphaId"] + "USDT"
    order_id = await client.place_limit(base, "USDT", Side.BUY, Decimal("0.4"), Decimal("10"))
    (mine,) = await client.open_orders()
    assert (mine.order_id, mine.status, mine.side, mine.price, mine.orig_qty) == (
        order_id, "NEW", Side.BUY, Decimal("0.4"), Decimal(10))  # fmt: skip
    assert await client.open_orders(Side.SELL) == []
    await client.cancel(order_id, symbol)
    assert await client.open_orders() == []
    (done,) = await client.order_history(base_asset=base)
    assert (done.order_id, done.status, done.order_list_id) == (order_id, "CANCELED", None)
    with pytest.raises(InsufficientBalance):
        await client.place_limit(base, "USDT", Side.SELL, Decimal("0.6"), Decimal("10"))
    with pytest.raises(OrderRejected):
        await client.place_limit(base, "USDT", Side.BUY, Decimal("0.123456789"), Decimal(10))
    assert len(sim_orders(sim, session_id)) == 1
    fund = {"balances": {base: "25"}}
    sim.control.ok("POST", f"/sim/alpha/sessions/{session_id}/fund", json=fund)
    await client.place_limit(base, "USDT", Side.SELL, Decimal("0.6"), Decimal("10"))
    holding = (await client.wallet())[base]
    assert (holding.free, holding.locked, holding.amount) == (Decimal(15), Decimal(10), Decimal(25))
    assert holding.symbol == "AIT" and holding.valuation == Decimal("12.5")


async def test_oto_fills_through_both_legs_on_the_listen_key_stream(sim, token, alpha) -> None:
    session_id, client = alpha
    base, symbol = token["alphaId"], token["alphaId"] + "USDT"
    user = user_of(sim, session_id)
    events = client.order_stream(policy=POLICY)
    first = asyncio.ensure_future(next_update(events))
    await until(lambda: sinks(sim, user))  # subscribed before anything happens
    rules = await client.symbol_rules(symbol)
    placed = await client.place_oto(
        base, "USDT", Decimal("0.4"), Decimal("100"), Decimal("0.6"), rules=rules
    )
    working = await first
    pending = await next_update(events)
    assert (working.venue_order_id, working.contingency_position, working.status) == (
        placed.working_order_id, OtoPosition.WORKING, OrderStatus.NEW)  # fmt: skip
    assert pending.venue_order_id == placed.pending_order_id and pending.is_pending_leg
    assert pending.order_list_id == working.order_list_id is not None
    legs = await client.find_open_oto(base, Decimal("0.4"), Decimal("100"))
    assert {o.order_id for o in legs} == {placed.working_order_id, placed.pending_order_id}

    await asyncio.to_thread(sim.control.set_price, symbol, "0.4")
    filled, live = await next_update(events), await next_update(events)
    assert (filled.status, filled.last_qty, filled.fee, filled.fee_asset) == (
        OrderStatus.FILLED, Decimal(100), Decimal("0.01"), base)  # fmt: skip
    assert live.venue_order_id == placed.pending_order_id and not live.is_pending_leg
    assert live.orig_qty == Decimal("99.99") and live.status is OrderStatus.NEW

    await asyncio.to_thread(sim.control.set_price, symbol, "0.6")
    sold = await next_update(events)
    await events.aclose()  # type: ignore[attr-defined]
    assert (sold.venue_order_id, sold.status, sold.fee_asset) == (
        placed.pending_order_id, OrderStatus.FILLED, "USDT")  # fmt: skip
    assert sold.cum_quote == Decimal("59.994")

    history = await client.order_history(base_asset=base)
    assert {(o.contingency_position, o.status) for o in history} == {
        ("OTO_WORKING", "FILLED"), ("OTO_PENDING", "FILLED")}  # fmt: skip
    volume = await client.today_volume()
    assert volume.total == Decimal(40) * 4  # only the buy counts, × mulPoint
    assert [(t.token_name, t.volume) for t in volume.tokens] == [("AIT", volume.total)]
    assert base not in await client.wallet()  # all 99.99 bought (net of fee) were sold


async def test_listen_key_stream_survives_disconnect_and_key_expiry(sim, token, alpha) -> None:
    session_id, client = alpha
    base = token["alphaId"]
    key = await client.listen_key()
    assert isinstance(key, str) and await client.listen_key() == key
    user = user_of(sim, session_id)
    events = client.order_stream(policy=POLICY)
    first = asyncio.ensure_future(next_update(events))
    await until(lambda: sinks(sim, user))
    await client.place_limit(base, "USDT", Side.BUY, Decimal("0.1"), Decimal("10"))
    assert (await first).price == Decimal("0.1")

    for fault in ("ws_disconnect", "listen_key_expired"):
        before = sinks(sim, user)
        sim.control.fault(fault, account=session_id)
        gap = await asyncio.wait_for(anext(events), 5)
        assert isinstance(gap, StreamGap)
        await until(
            lambda: sinks(sim, user).keys() - before.keys()
        )  # resubscribed (a fresh key after expiry)
        order_id = await client.place_limit(base, "USDT", Side.BUY, Decimal("0.1"), Decimal("10"))
        assert (await next_update(events)).venue_order_id == order_id
    await events.aclose()  # type: ignore[attr-defined]
    assert await client.listen_key() != key


async def test_agg_trade_stream_gives_the_last_price(sim, token, alpha) -> None:
    _, client = alpha
    symbol = token["alphaId"] + "USDT"
    trades = client.agg_trades([symbol], policy=POLICY)
    first = asyncio.ensure_future(asyncio.wait_for(anext(trades), 5))
    await until(lambda: sinks(sim, f"{symbol.lower()}@aggTrade", "market_hub"))
    await asyncio.to_thread(sim.control.set_price, symbol, "0.55")
    item = await first
    await trades.aclose()  # type: ignore[attr-defined]
    assert isinstance(item, AggTrade)
    assert (item.symbol, item.price) == (symbol, Decimal("0.55"))


@pytest.mark.parametrize("fault", ["drop_reply", "error_after_exec"])
async def test_executed_then_lost_oto_is_reconciled_never_placed_twice(
    sim, token, alpha, fault
) -> None:
    session_id, client = alpha
    base = token["alphaId"]
    sim.control.fault(fault, account=session_id)
    terms = (Decimal("0.4"), Decimal("100"))
    with pytest.raises(OutcomeUnknown):
        await client.place_oto(base, "USDT", *terms, Decimal("0.6"))
    legs = await client.find_open_oto(base, *terms)
    positions = sorted(o.contingency_position or "" for o in legs)
    assert positions == ["OTO_PENDING", "OTO_WORKING"]
    assert len({o.order_list_id for o in legs}) == 1
    assert sorted(o["orderId"] for o in sim_orders(sim, session_id)) == sorted(
        o.order_id for o in legs
    )


async def test_lost_oto_that_already_filled_is_found_in_history(sim, token, alpha) -> None:
    """A crossing OTO fills its working leg at once: after a lost reply the working leg is no
    longer open (``find_open_oto`` finds nothing) but ``order_history`` has it, FILLED."""
    session_id, client = alpha
    base = token["alphaId"]
    sim.control.fault("drop_reply", account=session_id)
    with pytest.raises(OutcomeUnknown):
        await client.place_oto(base, "USDT", Decimal("0.6"), Decimal("10"), Decimal("0.7"))
    assert await client.find_open_oto(base, Decimal("0.6"), Decimal("10")) == []
    (working,) = [
        o
        for o in await client.order_history(base_asset=base)
        if o.contingency_position == OtoPosition.WORKING and o.price == Decimal("0.6")
    ]
    assert working.status == "FILLED" and working.avg_price == Decimal("0.5")
    (pending,) = await client.open_orders(Side.SELL)
    assert pending.order_list_id == working.order_list_id and pending.orig_qty == Decimal("9.99")
    assert len(sim_orders(sim, session_id)) == 2


async def test_session_expiry_raises_session_expired(sim, token, alpha) -> None:
    session_id, client = alpha
    base, symbol = token["alphaId"], token["alphaId"] + "USDT"
    order_id = await client.place_limit(base, "USDT", Side.BUY, Decimal("0.1"), Decimal("10"))
    sim.control.ok("POST", f"/sim/web/sessions/{session_id}/expire")
    calls = [
        client.place_oto(base, "USDT", Decimal("0.4"), Decimal(10), Decimal("0.6")),
        client.place_limit(base, "USDT", Side.BUY, Decimal("0.1"), Decimal(10)),
        client.cancel(order_id, symbol),
        client.open_orders(),
        client.order_history(),
        client.today_volume(),
        client.wallet(),
        client.listen_key(),
    ]
    for call in calls:
        with pytest.raises(SessionExpired):
            await call
    assert len(sim_orders(sim, session_id)) == 1
    assert await client.tokens()  # public data needs no session


async def test_session_expired_fault(sim, token, alpha) -> None:
    session_id, client = alpha
    sim.control.fault("session_expired", account=session_id)
    with pytest.raises(SessionExpired):
        await client.place_limit(token["alphaId"], "USDT", Side.BUY, Decimal("0.1"), Decimal(10))
    assert sim_orders(sim, session_id) == []


async def test_rate_limit_fault_surfaces_as_rate_limited(sim, token, alpha) -> None:
    session_id, client = alpha
    sim.control.fault("rate_limit", account=session_id, retry_after=1)
    with pytest.raises(RateLimited) as info:
        await client.open_orders()
    assert info.value.retry_after == 1.0 and not info.value.banned
