"""The follower balance stream (stream-process job) against the simulator, MariaDB and Redis:
Binance followers are subscribed on one WS-API session, a reading taken after the subscription is
marked live (fresh however old), a fill on the venue updates the cache by event, a disabled
follower is dropped, and the poller then leaves covered followers alone (per-IP weight)."""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal

import pytest
from asgiref.sync import sync_to_async

from kernel.redis import get_redis
from tests.trading.exchanges.contract import SYMBOL
from trading.copytrade.choices import FollowerState
from trading.copytrade.services import balances
from trading.copytrade.services import followers as services
from trading.copytrade.streams import balance_poller, balance_stream
from trading.exchanges.binance_spot.client import BinanceSpotClient
from trading.streams.registry import jobs_named

from .fanout_support import make_sim_follower

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
D = Decimal


@pytest.fixture(autouse=True)
def fast(monkeypatch):
    monkeypatch.setattr(balance_stream, "LIVE_REFRESH_S", 0.1)
    monkeypatch.setattr(balance_stream, "RESYNC_S", 0.2)


def now_ms() -> int:
    return int(time.time() * 1000)


def live_ms(pk: int) -> int:
    return int(get_redis().hget(f"{balances.PREFIX}{pk}", "live_ms") or 0)


async def until(check, what: str, timeout: float = 8.0) -> None:
    deadline = time.monotonic() + timeout
    while not await sync_to_async(check)():
        assert time.monotonic() < deadline, f"timed out waiting for: {what}"
        await asyncio.sleep(0.05)


def test_the_job_is_registered():
    assert jobs_named(["follower_balance_stream"])[0].resolve() is balance_stream.run


async def test_covered_followers_stay_fresh_and_fills_arrive_by_event(sim):
    make = sync_to_async(make_sim_follower)
    a = await make(sim, "a", "binance", usdt="1000", btc="0", cache=False)
    b = await make(sim, "b", "binance", usdt="500", btc="0.1", cache=False)
    g = await make(sim, "g", "bitget", usdt="300", cache=False)
    stop = asyncio.Event()
    job = asyncio.create_task(balance_stream.run(stop))
    t = now_ms()

    def polled_and_covered() -> bool:  # a poll each time: the one after the subscription counts
        polled = {a.pk: (D(1000), D(0)), b.pk: (D(500), D("0.1")), g.pk: (D(300), D(0))}
        balances.store_if_newer({pk: (*v, now_ms()) for pk, v in polled.items()})
        return live_ms(a.pk) > t and live_ms(b.pk) > t

    await until(polled_and_covered, "a and b marked live")
    assert live_ms(g.pk) == 0  # Bitget is polled, not streamed

    # a fill on the venue reaches the cache without any poll
    client = BinanceSpotClient(a.api_key, a.account["api_secret"], env="sim")
    await client.market_buy_quote(SYMBOL, D("100"), "bs-buy-1")
    await client.close()
    await until(lambda: balances.balances_get([a.pk])[a.pk].usdt < D(1000), "event applied")
    assert balances.balances_get([a.pk])[a.pk].btc > 0

    # covered: fresh although the last read is older than the staleness limit
    cached = balances.balances_get([b.pk])[b.pk]
    assert cached.live_ms > t and cached.age_s < 1
    old = balances.CachedBalance(D(1), D(0), now_ms() - 120_000, cached.live_ms)
    assert old.read_age_s > balances.STALE_AFTER_S > old.age_s

    # a disabled follower is dropped: its mark is no longer refreshed
    await sync_to_async(services.follower_set_state)(
        follower=a.follower, state=FollowerState.DISABLED
    )
    deadline = time.monotonic() + 8
    while True:  # the job drops it at its next resync
        mark_a, mark_b = live_ms(a.pk), live_ms(b.pk)
        await asyncio.sleep(0.5)
        if live_ms(a.pk) == mark_a and live_ms(b.pk) > mark_b:  # a left alone, b still refreshed
            break
        assert time.monotonic() < deadline, "the disabled follower is still marked live"

    stop.set()
    await asyncio.wait_for(job, 5)


async def test_a_reading_older_than_the_subscription_is_not_covered(sim):
    a = await sync_to_async(make_sim_follower)(sim, "a", "binance", usdt="1000", cache=False)
    balances.store_if_newer({a.pk: (D(1000), D(0), now_ms() - 1000)})  # before subscribing
    stop = asyncio.Event()
    job = asyncio.create_task(balance_stream.run(stop))
    await asyncio.sleep(0.6)
    assert live_ms(a.pk) == 0  # the poller must read it again first

    def polled_and_covered() -> bool:
        balances.store_if_newer({a.pk: (D(1000), D(0), now_ms())})
        return live_ms(a.pk) > 0

    await until(polled_and_covered, "covered after a fresh read")
    stop.set()
    await asyncio.wait_for(job, 5)


def test_the_poller_leaves_covered_binance_followers_alone(sim):
    covered = make_sim_follower(sim, "c", "binance", cache=False)
    uncovered = make_sim_follower(sim, "u", "binance", cache=False)
    never = make_sim_follower(sim, "n", "binance", cache=False)
    bitget = make_sim_follower(sim, "g", "bitget", cache=False)
    t = now_ms()
    readings = {covered.pk: (D(1), D(0), t), uncovered.pk: (D(1), D(0), t)}
    balances.store_if_newer({**readings, bitget.pk: (D(1), D(0), t)})
    balances.balances_mark_live({covered.pk: t - 10})
    due = {k for k, _ in balance_poller.accounts_due(lambda c: True)}
    assert due == {uncovered.pk, never.pk, bitget.pk}


@pytest.mark.parametrize(
    ("cached_at", "event_at", "written", "usdt", "btc"),
    [
        (
            None,
            2000,
            False,
            None,
            None,
        ),  # an event names changed assets only: no reading of its own
        (1000, 2000, True, "900", "0.5"),  # newer: the changed asset written, the other kept
        (3000, 2000, False, "1000", "0.5"),  # older than the reading: ignored
        (2000, 2000, False, "1000", "0.5"),  # same time: the reading wins
    ],
)
def test_a_balance_event_is_compare_and_set_on_its_time(
    db, cached_at, event_at, written, usdt, btc
):
    if cached_at is not None:
        balances.store_if_newer({9: (D(1000), D("0.5"), cached_at)})
    assert balances.balance_events([(9, {"USDT": D(900), "BNB": D(1)}, event_at)]) == written
    row = get_redis().hgetall(f"{balances.PREFIX}9")
    assert (row.get("USDT"), row.get("BTC")) == (usdt, btc)
    assert "BNB" not in row
