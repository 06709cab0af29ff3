"""Contract tests: every SpotVenue method of every spot connector against the simulator on
loopback, including the exactly-once faults of docs/protocols.md §10."""

import asyncio
import itertools
import time
from decimal import Decimal

import pytest

from tests.trading.exchanges.contract import SYMBOL, Harness, make_harness
from trading.exchanges.base import SpotVenue, place_and_reconcile
from trading.exchanges.bitget.client import BitgetSpotClient
from trading.exchanges.errors import (
    AuthError,
    FilterRejected,
    InsufficientBalance,
    NotPlaced,
    OrderNotFound,
    OutcomeUnknown,
    RateLimited,
)
from trading.exchanges.ratelimit import RateLimiter
from trading.exchanges.reconcile import reconcile_order
from trading.exchanges.types import OrderStatus, Side

pytestmark = pytest.mark.integration
D = Decimal
_ids = itertools.count(1)


def cid() -> str:
    return f"ct-{next(_ids):04d}-{id(object()) % 100000}"


@pytest.fixture(params=["binance", "bitget"])
def harness(request, sim) -> Harness:
    return make_harness(request.param, sim)


@pytest.fixture
async def client(harness):
    c = harness.client()
    yield c
    await c.close()


async def test_implements_the_interface(client):
    assert isinstance(client, SpotVenue)


async def test_balances_free_and_rules(client: SpotVenue):
    balances = await client.balances()
    assert balances["USDT"].free == D(10000) and balances["BTC"].free == D(1)
    assert await client.free("USDT") == D(10000)
    assert await client.free("DOGE") == 0
    rules = await client.symbol_rules(SYMBOL)
    assert (rules.base, rules.quote) == ("BTC", "USDT")
    assert rules.tick_size > 0 and rules.step_size > 0


async def test_market_buy_by_quote_then_sell_base(client: SpotVenue, harness: Harness):
    buy = await client.market_buy_quote(SYMBOL, D("100"), cid())
    assert buy.status is OrderStatus.FILLED and buy.side is Side.BUY
    assert D("99") <= buy.executed_quote <= D("100")
    assert buy.avg_price == pytest.approx(D(50000), rel=D("0.001"))
    sell = await client.market_sell_base(SYMBOL, D("0.001"), cid())
    assert sell.status is OrderStatus.FILLED and sell.executed_base == D("0.001")
    assert len(harness.orders()) == 2
    if harness.venue == "bitget":  # completed by a read-back: the acceptance time is kept
        assert buy.acked_ms is not None and buy.acked_ms <= int(time.time() * 1000)
    else:  # the reply itself is complete
        assert buy.acked_ms is None


async def test_limit_get_cancel(client: SpotVenue):
    order_id = cid()
    placed = await client.limit_order(SYMBOL, Side.BUY, D("0.01"), D("40000.004"), order_id)
    assert placed.status is OrderStatus.NEW and placed.price == D("40000")
    got = await client.get_order(SYMBOL, order_id)
    assert (got.client_order_id, got.status, got.orig_qty) == (order_id, OrderStatus.NEW, D("0.01"))
    assert (await client.free("USDT")) < D(10000)  # funds locked
    canceled = await client.cancel_order(SYMBOL, order_id)
    assert canceled.status is OrderStatus.CANCELED
    assert (await client.get_order(SYMBOL, order_id)).status is OrderStatus.CANCELED


async def test_unknown_order(client: SpotVenue):
    with pytest.raises(OrderNotFound):
        await client.get_order(SYMBOL, "never-placed-1")
    with pytest.raises(OrderNotFound):
        await client.cancel_order(SYMBOL, "never-placed-2")


async def test_rejections(client: SpotVenue):
    with pytest.raises(InsufficientBalance):
        await client.market_buy_quote(SYMBOL, D("20000"), cid())
    with pytest.raises(FilterRejected):
        await client.market_buy_quote(SYMBOL, D("0.5"), cid())  # below min notional, not sent


@pytest.mark.parametrize(
    ("fault", "params"),
    [
        ("drop_reply", {}),
        ("drop_reply", {"mode": "hang", "ms": 300}),
        ("error_after_exec", {"status": 503}),
        ("error_after_exec", {"code": -1007}),
        ("duplicate", {}),
    ],
    ids=["reset", "hang", "5xx", "-1007", "duplicate"],
)
async def test_executed_but_unknown_is_reconciled_never_resent(harness, fault, params):
    hang = fault == "drop_reply" and params.get("mode") == "hang"
    client = harness.client(timeout=0.2 if hang else 10.0)  # hang: our read timeout fires first
    harness.fault(fault, **params)
    first = cid()
    with pytest.raises(OutcomeUnknown):  # a bare placement surfaces the unknown outcome …
        await client.market_buy_quote(SYMBOL, D("100"), first)
    assert harness.placed(first) == 1  # … although the simulator executed it
    found = await reconcile_order(lambda c: client.get_order(SYMBOL, c), first)
    assert found.status is OrderStatus.FILLED and found.executed_quote > 0
    harness.fault(fault, **params)
    second = cid()
    result = await place_and_reconcile(
        client, SYMBOL, second, lambda: client.market_buy_quote(SYMBOL, D("100"), second)
    )
    await client.close()
    assert result.client_order_id == second and result.status is OrderStatus.FILLED
    assert (harness.placed(first), harness.placed(second)) == (1, 1)  # never placed twice


async def test_place_and_reconcile_after_dropped_reply(harness):
    client = harness.client()
    harness.fault("drop_reply")
    order_id = cid()
    result = await place_and_reconcile(
        client, SYMBOL, order_id, lambda: client.market_buy_quote(SYMBOL, D("100"), order_id)
    )
    await client.close()
    assert result.status is OrderStatus.FILLED and result.executed_quote > 0
    assert harness.placed(order_id) == 1


async def test_not_found_window_is_tolerated(harness):
    client = harness.client()
    harness.fault("not_found_window", ms=600)
    harness.fault("drop_reply")
    order_id = cid()
    result = await place_and_reconcile(
        client,
        SYMBOL,
        order_id,
        lambda: client.market_buy_quote(SYMBOL, D("100"), order_id),
        attempts=6,
        backoff=0.2,
    )
    await client.close()
    assert result.client_order_id == order_id and harness.placed(order_id) == 1


async def test_rate_limit_429_is_honoured_and_418_when_ignored(harness):
    limiter = RateLimiter(50)
    client = harness.client(limiter)
    # Retry-After 3 s: the second client below must call inside it (a new client syncs its clock
    # first, which took over 1 s on a loaded CI machine).
    harness.fault("rate_limit", retry_after=3, ban_seconds=2)
    with pytest.raises(RateLimited) as first:
        await client.balances()
    assert not first.value.banned and first.value.retry_after == 3
    # A second client on the same credential that ignores Retry-After is refused again: Binance
    # escalates to a 418 ban, Bitget (which has no 418) answers 429 again.
    rude = harness.client(RateLimiter(50))
    with pytest.raises(RateLimited) as second:
        await rude.balances()
    assert second.value.banned is harness.bans_with_418
    await rude.close()
    # … while ours waits out its block (the limiter holds it) and is served once the ban passed.
    assert limiter.blocked_for > 0
    await asyncio.sleep(2.1)  # the ban (2 s from the rude call) is over; our block may not be
    assert (await client.balances())["USDT"].free == D(10000)
    await client.close()


async def test_revoked_key_is_an_auth_error(harness):
    client = harness.client()
    harness.fault("reject_auth", count=-1)
    with pytest.raises(AuthError):
        await client.balances()
    await client.close()
    harness.control.clear_faults()


async def test_refused_duplicate_that_never_executed_is_proved_not_placed(harness):
    """-2010 / 40786 "duplicate" answered BEFORE execution: the lookups all say not found, so
    reconciliation concludes NotPlaced (and placing again with the same id is then safe)."""
    client = harness.client()
    harness.fault("duplicate", execute=False)
    order_id = cid()
    with pytest.raises(NotPlaced):
        await place_and_reconcile(
            client,
            SYMBOL,
            order_id,
            lambda: client.market_buy_quote(SYMBOL, D("100"), order_id),
            attempts=3,
            backoff=0.05,
        )
    assert harness.placed(order_id) == 0
    again = await client.market_buy_quote(SYMBOL, D("100"), order_id)
    await client.close()
    assert again.status is OrderStatus.FILLED and harness.placed(order_id) == 1


async def test_clock_offset_is_measured_and_resynced_after_a_skew_refusal(harness):
    harness.set_clock_offset(60_000)  # the venue runs a minute ahead of us
    client = harness.client()
    assert (await client.balances())["USDT"].free == D(10000)
    assert client.rest.time.offset_ms == pytest.approx(60_000, abs=2_000)
    harness.set_clock_offset(-60_000)  # the venue's clock jumps: our offset is now 2 min off
    assert (await client.balances())["USDT"].free == D(10000)  # skew refusal → resync → retry
    assert client.rest.time.offset_ms == pytest.approx(-60_000, abs=2_000)
    await client.close()


async def test_open_orders_and_fills(client: SpotVenue):
    resting = cid()
    await client.limit_order(SYMBOL, Side.BUY, D("0.01"), D("40000"), resting)
    assert [o.client_order_id for o in await client.open_orders(SYMBOL)] == [resting]
    bought = await client.market_buy_quote(SYMBOL, D("100"), cid())
    fills = await client.fills(SYMBOL, bought.venue_order_id)
    assert fills and all(f.venue_order_id == bought.venue_order_id for f in fills)
    assert sum(f.qty for f in fills) == bought.executed_base
    assert fills[0].fee > 0 and fills[0].fee_asset


async def test_reusing_a_filled_client_id_executes_again(client, harness: Harness):
    """Why we never re-send: both venues only refuse a client id while its order is open, so a
    re-sent market order with the id of a filled one executes a second time."""
    assert client.capabilities.client_id_unique_while_open_only
    order_id = cid()
    await client.market_buy_quote(SYMBOL, D("50"), order_id)
    await client.market_buy_quote(SYMBOL, D("50"), order_id)
    assert harness.placed(order_id) == 2


async def test_bitget_demo_key_needs_paptrading(sim):
    account = sim.control.bitget_account({"USDT": "100"}, demo=True)
    keys = (account["api_key"], account["api_secret"], account["passphrase"])
    plain = BitgetSpotClient(*keys, env="sim", limiter=RateLimiter(50))
    with pytest.raises(AuthError):  # 40099: wrong environment for this key
        await plain.balances()
    await plain.close()
    demo = BitgetSpotClient(*keys, env="sim", limiter=RateLimiter(50), demo_key=True)
    assert (await demo.balances())["USDT"].free == D(100)
    await demo.close()
