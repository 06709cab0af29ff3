"""Many accounts' user-data streams on one WS-API session, against the simulator: each event reaches
its own account's key, a refused key fails only its own subscription, unsubscribing stops the
events, and the session refuses more than Binance's 1000 subscriptions."""

import asyncio
import contextlib
from decimal import Decimal

import pytest

from tests.trading.exchanges.contract import SYMBOL, make_harness
from trading.exchanges.binance_spot import multistream
from trading.exchanges.binance_spot.multistream import MultiStream, StreamEnded
from trading.exchanges.errors import AuthError, ProtocolError
from trading.exchanges.types import BalanceUpdate

pytestmark = pytest.mark.integration
D = Decimal


class Reader:
    """Consumes ``ms.events()`` in a task into a queue."""

    def __init__(self, ms: MultiStream) -> None:
        self.items: asyncio.Queue = asyncio.Queue()
        self.task = asyncio.create_task(self._run(ms))

    async def _run(self, ms: MultiStream) -> None:
        async for item in ms.events():
            await self.items.put(item)

    async def next_balance(self, timeout: float = 5) -> tuple[object, BalanceUpdate]:
        async with asyncio.timeout(timeout):
            while True:
                key, item = await self.items.get()
                if isinstance(item, BalanceUpdate):
                    return key, item

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


async def test_events_of_each_account_arrive_under_its_own_key(sim):
    harnesses = [make_harness("binance", sim) for _ in range(3)]
    clients = [h.client() for h in harnesses]
    async with MultiStream.connect(clients[0].ws_url) as ms:
        reader = Reader(ms)
        ids = [
            await ms.subscribe(f"f{i}", await c.ws_subscription_params())
            for i, c in enumerate(clients)
        ]
        assert len(set(ids)) == 3 and ms.keys == {"f0", "f1", "f2"}

        await clients[1].market_buy_quote(SYMBOL, D("100"), "ms-buy-1")
        key, update = await reader.next_balance()
        assert key == "f1"
        free = {b.asset: b.free for b in update.balances}
        assert free["USDT"] == D("9900")  # 10000 − 100 spent
        assert free["BTC"] > D(1)
        assert reader.items.empty()  # nothing for the other two
        await reader.stop()
    for c in clients:
        await c.close()


async def test_a_refused_key_fails_only_its_own_subscription(sim):
    good, revoked = make_harness("binance", sim), make_harness("binance", sim)
    good_client, revoked_client = good.client(), revoked.client()
    revoked.fault("reject_auth", count=-1)
    async with MultiStream.connect(good_client.ws_url) as ms:
        reader = Reader(ms)
        with pytest.raises(AuthError):
            await ms.subscribe("revoked", await revoked_client.ws_subscription_params())
        await ms.subscribe("good", await good_client.ws_subscription_params())
        assert ms.keys == {"good"}
        await good_client.market_buy_quote(SYMBOL, D("50"), "ms-buy-2")
        key, _ = await reader.next_balance()
        assert key == "good"
        await reader.stop()
    await good_client.close()
    await revoked_client.close()


async def test_unsubscribed_accounts_get_no_more_events(sim):
    a, b = make_harness("binance", sim), make_harness("binance", sim)
    ca, cb = a.client(), b.client()
    async with MultiStream.connect(ca.ws_url) as ms:
        reader = Reader(ms)
        await ms.subscribe("a", await ca.ws_subscription_params())
        await ms.subscribe("b", await cb.ws_subscription_params())
        await ms.unsubscribe("a")
        assert ms.keys == {"b"}
        await ca.market_buy_quote(SYMBOL, D("10"), "ms-buy-3")
        await cb.market_buy_quote(SYMBOL, D("10"), "ms-buy-4")
        key, _ = await reader.next_balance()
        assert key == "b"
        await asyncio.sleep(0.2)
        assert all(k == "b" for k, _ in list(reader.items._queue))  # type: ignore[attr-defined]
        await reader.stop()
    await ca.close()
    await cb.close()


async def test_a_session_holds_at_most_the_venues_limit(sim, monkeypatch):
    monkeypatch.setattr(multistream, "MAX_SUBSCRIPTIONS", 1)
    a, b = make_harness("binance", sim), make_harness("binance", sim)
    ca, cb = a.client(), b.client()
    async with MultiStream.connect(ca.ws_url) as ms:
        reader = Reader(ms)
        await ms.subscribe("a", await ca.ws_subscription_params())
        with pytest.raises(ProtocolError):
            await ms.subscribe("b", await cb.ws_subscription_params())
        await reader.stop()
    await ca.close()
    await cb.close()


def test_a_terminated_subscription_is_reported_and_dropped():
    ms = MultiStream(ws=None)  # type: ignore[arg-type]
    ms._by_sub[7], ms._by_key["f"] = "f", 7
    ended = ms._handle({"subscriptionId": 7, "event": {"e": "eventStreamTerminated", "E": 1}})
    assert ended is not None and ended[0] == "f" and isinstance(ended[1], StreamEnded)
    assert ms.keys == set()
    assert ms._handle({"subscriptionId": 7, "event": {"e": "outboundAccountPosition"}}) is None


async def test_only_the_wanted_event_kinds_are_parsed_and_yielded(sim):
    h = make_harness("binance", sim)
    client = h.client()
    kinds = frozenset({"outboundAccountPosition"})
    async with MultiStream.connect(client.ws_url, kinds=kinds) as ms:
        reader = Reader(ms)
        await ms.subscribe("a", await client.ws_subscription_params())
        await client.market_buy_quote(SYMBOL, D("100"), "ms-buy-5")
        await reader.next_balance()
        await asyncio.sleep(0.2)
        assert reader.items.empty()  # the executionReports (NEW, TRADE) were dropped
        await reader.stop()
    await client.close()
