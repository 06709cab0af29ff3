"""Contract tests for the private streams of every spot connector against the simulator:
typed events, reconnect after a disconnect, stall detection, revoked keys."""

import asyncio
import contextlib
import itertools
from decimal import Decimal

import pytest

from tests.trading.exchanges.contract import SYMBOL, Harness, make_harness
from trading.exchanges.errors import AuthError
from trading.exchanges.reconnect import StreamGap
from trading.exchanges.types import BalanceUpdate, OrderStatus, OrderUpdate

pytestmark = pytest.mark.integration
D = Decimal
_ids = itertools.count(1)


def cid() -> str:
    return f"st-{next(_ids):04d}-{id(object()) % 100000}"


@pytest.fixture(params=["binance", "bitget"])
def harness(request, sim) -> Harness:
    return make_harness(request.param, sim)


class Consumer:
    """Runs ``client.user_stream()`` in a task and queues what it yields."""

    def __init__(self, client) -> None:
        self.client = client
        self.items: asyncio.Queue = asyncio.Queue()
        self.error: BaseException | None = None
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        try:
            async for item in self.client.user_stream():
                await self.items.put(item)
        except Exception as exc:
            self.error = exc

    async def subscribed(self, sessions: int = 1, timeout: float = 5) -> None:
        async with asyncio.timeout(timeout):
            # the stream only counts its sessions; there is no event to wait on
            while self.client.stream.sessions_opened < sessions:  # noqa: ASYNC110
                await asyncio.sleep(0.02)

    async def wait_for(self, predicate, timeout: float = 5):
        async with asyncio.timeout(timeout):
            while True:
                item = await self.items.get()
                if predicate(item):
                    return item

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
        await self.client.close()


def is_order(order_id: str, status: OrderStatus | None = None):
    def check(item) -> bool:
        return (
            isinstance(item, OrderUpdate)
            and item.client_order_id == order_id
            and (status is None or item.status is status)
        )

    return check


async def test_order_and_balance_events(harness):
    consumer = Consumer(harness.client())
    try:
        await consumer.subscribed()
        order_id = cid()
        await consumer.client.market_buy_quote(SYMBOL, D("100"), order_id)
        filled = await consumer.wait_for(is_order(order_id, OrderStatus.FILLED))
        assert filled.symbol == SYMBOL and filled.cum_base > 0
        assert filled.cum_quote == pytest.approx(D(100), rel=D("0.01"))
        balance = await consumer.wait_for(lambda i: isinstance(i, BalanceUpdate))
        assert {b.asset for b in balance.balances} & {"USDT", "BTC"}
    finally:
        await consumer.stop()


async def test_stream_signs_with_the_venue_clock(harness):
    harness.set_clock_offset(-60_000)  # the venue runs a minute behind us
    consumer = Consumer(harness.client())
    try:
        await consumer.subscribed()
        assert consumer.error is None
        assert consumer.client.rest.time.offset_ms == pytest.approx(-60_000, abs=2_000)
    finally:
        await consumer.stop()


async def test_disconnect_reconnects_with_a_gap(harness):
    consumer = Consumer(harness.client())
    try:
        await consumer.subscribed()
        harness.fault("ws_disconnect")
        gap = await consumer.wait_for(lambda i: isinstance(i, StreamGap))
        assert gap.since <= gap.until
        await consumer.subscribed(2)
        order_id = cid()
        await consumer.client.market_buy_quote(SYMBOL, D("50"), order_id)
        await consumer.wait_for(is_order(order_id, OrderStatus.FILLED))
    finally:
        await consumer.stop()


async def test_silent_stall_is_detected_by_an_overdue_order_event(harness):
    client = harness.client()
    client.expectations.timeout = 0.5
    consumer = Consumer(client)
    try:
        await consumer.subscribed()
        harness.fault("ws_stall", count=-1)  # socket open, every event swallowed
        lost = cid()
        await client.market_buy_quote(SYMBOL, D("50"), lost)
        gap = await consumer.wait_for(lambda i: isinstance(i, StreamGap))
        assert "overdue" in gap.reason
        harness.control.clear_faults()
        # The gap tells us to reconcile: the order whose event was lost is found over REST.
        assert (await client.get_order(SYMBOL, lost)).status is OrderStatus.FILLED
        after = cid()
        await client.market_buy_quote(SYMBOL, D("50"), after)
        await consumer.wait_for(is_order(after, OrderStatus.FILLED))
    finally:
        await consumer.stop()


async def test_delayed_events_are_not_mistaken_for_a_stall(harness):
    client = harness.client()
    client.expectations.timeout = 2.0
    consumer = Consumer(client)
    try:
        await consumer.subscribed()
        harness.fault("ws_delay", count=-1, ms=500)
        order_id = cid()
        await client.market_buy_quote(SYMBOL, D("50"), order_id)
        update = await consumer.wait_for(
            lambda i: isinstance(i, StreamGap) or is_order(order_id)(i)
        )
        assert isinstance(update, OrderUpdate)  # the event came late, but no reconnect happened
        assert client.stream.sessions_opened == 1
    finally:
        harness.control.clear_faults()
        await consumer.stop()


async def test_revoked_key_stops_the_stream(harness):
    harness.fault("reject_auth", count=-1)
    consumer = Consumer(harness.client())
    try:
        async with asyncio.timeout(5):
            await consumer.task
        assert isinstance(consumer.error, AuthError)
    finally:
        harness.control.clear_faults()
        await consumer.stop()
