"""Market data against the simulator over real HTTP/WebSocket: paginated closed klines, funding,
mark price, the kline stream's closed frame, and the backfill / gap-refill service."""

from __future__ import annotations

import asyncio
import itertools
import json
from datetime import UTC, datetime, timedelta

import pytest
import websockets

from kernel.runtime_config import config_set
from trading.exchanges.binance_futures.market import FuturesMarket, KlineUpdate, parse_kline_frame
from trading.futures import selectors
from trading.futures import streams as kline_stream
from trading.futures.models import Feed, Kline
from trading.futures.services import market

pytestmark = pytest.mark.integration


def _now() -> datetime:
    return datetime.now(UTC)


async def test_closed_klines_follow_pages_and_drop_the_forming_candle(sim) -> None:
    now = _now()
    async with FuturesMarket(env="sim") as venue:
        rows = await venue.closed_klines(
            "BTCUSDT", "1m", start=now - timedelta(minutes=2000), now=now
        )
        funding = await venue.funding_rates("BTCUSDT", start=now - timedelta(days=2), end=now)
        mark = await venue.mark_price("BTCUSDT")
    assert 1998 <= len(rows) <= 2000  # two pages of at most 1500
    opens = [k.open_time for k in rows]
    assert opens == sorted(set(opens))
    assert all(b - a == timedelta(minutes=1) for a, b in itertools.pairwise(opens))
    assert rows[-1].close_time < now
    assert len(funding) == 6 and all(abs(f.rate) < 0.001 for f in funding)
    assert mark.symbol == "BTCUSDT" and mark.mark_price > 0


async def test_kline_stream_sends_the_closed_candle_when_the_clock_moves(sim) -> None:
    start = (int(_now().timestamp() * 1000) // 60_000 - 5) * 60_000
    sim.control.ok("POST", "/sim/clock", json={"fixed_ms": start + 30_000})
    url = f"{sim.ws_url}/fstream/stream?streams=btcusdt@kline_1m"
    async with websockets.connect(url) as ws:
        first = parse_kline_frame(await asyncio.wait_for(ws.recv(), 5))
        assert isinstance(first, KlineUpdate) and not first.closed
        sim.control.ok("POST", "/sim/clock", json={"fixed_ms": start + 60_000 + 1000})
        closed = None
        for _ in range(10):
            item = parse_kline_frame(await asyncio.wait_for(ws.recv(), 5))
            if isinstance(item, KlineUpdate) and item.closed:
                closed = item
                break
    assert closed is not None
    assert int(closed.kline.open_time.timestamp() * 1000) == start
    assert (closed.symbol, closed.interval) == ("BTCUSDT", "1m")


async def test_bad_stream_names_are_refused(sim) -> None:
    with pytest.raises(websockets.exceptions.WebSocketException):
        async with websockets.connect(
            f"{sim.ws_url}/fstream/stream?streams=btcusdt@kline_7m"
        ) as ws:
            await asyncio.wait_for(ws.recv(), 5)


@pytest.mark.django_db
def test_backfill_then_refill_a_gap(sim) -> None:
    config_set("signals_market_env", "sim")
    feed = Feed.objects.create(symbol="ETHUSDT", interval="1m", backfill_bars=200)
    first = market.market_sync(feed=feed)
    assert 199 <= first.stored <= 200 and first.gaps_found == 0
    times = list(
        Kline.objects.filter(symbol="ETHUSDT")
        .order_by("open_time")
        .values_list("open_time", flat=True)
    )
    Kline.objects.filter(symbol="ETHUSDT", open_time__in=times[50:55]).delete()
    since = times[0]
    assert selectors.kline_gaps("ETHUSDT", "1m", since=since) == [(times[50], times[54])]
    again = market.market_sync(feed=feed)
    assert again.gaps_found == 1 and again.stored >= 5
    assert selectors.kline_gaps("ETHUSDT", "1m", since=since) == []
    assert market.funding_sync(symbol="ETHUSDT") > 0


@pytest.mark.django_db
def test_stream_handler_stores_only_closed_candles(sim, monkeypatch) -> None:
    decided: list[int] = []
    monkeypatch.setattr(kline_stream.tasks.decide, "delay", decided.append)
    feed = Feed.objects.create(symbol="BTCUSDT", interval="1m")
    frame = {
        "stream": "btcusdt@kline_1m",
        "data": {
            "e": "kline",
            "E": 1,
            "s": "BTCUSDT",
            "k": {
                "t": 1_700_000_040_000,
                "T": 1_700_000_099_999,
                "s": "BTCUSDT",
                "i": "1m",
                "o": "1",
                "c": "2",
                "h": "3",
                "l": "0.5",
                "v": "10",
                "n": 3,
                "x": False,
                "q": "1",
                "V": "1",
                "Q": "1",
            },
        },
    }
    forming = parse_kline_frame(json.dumps(frame))
    frame["data"]["k"]["x"] = True
    closed = parse_kline_frame(json.dumps(frame))
    feeds = {("BTCUSDT", "1m"): feed.pk}
    assert kline_stream.on_update(forming, feeds) is False and not Kline.objects.exists()
    assert kline_stream.on_update(closed, feeds) is True and Kline.objects.count() == 1
    assert kline_stream.on_update(closed, feeds) is False and Kline.objects.count() == 1
    assert decided == [feed.pk, feed.pk]


@pytest.mark.django_db(transaction=True)
async def test_stream_job_stores_the_closed_candle_and_asks_for_a_decision(
    sim, monkeypatch
) -> None:
    """The stream process's job end to end: subscribe, the sim's clock closes a candle, the row is
    stored and ``futures.decide`` enqueued for the feed."""
    from asgiref.sync import sync_to_async

    decided: list[int] = []
    monkeypatch.setattr(kline_stream.tasks.decide, "delay", decided.append)
    await sync_to_async(config_set)("signals_market_env", "sim")
    await sync_to_async(Feed.objects.update)(enabled=False)
    feed = await sync_to_async(Feed.objects.create)(symbol="BNBUSDT", interval="1m")
    start = (int(_now().timestamp() * 1000) // 60_000 - 3) * 60_000
    sim.control.ok("POST", "/sim/clock", json={"fixed_ms": start + 20_000})
    stop = asyncio.Event()
    job = asyncio.create_task(kline_stream.run(stop))
    await asyncio.sleep(1.5)
    sim.control.ok("POST", "/sim/clock", json={"fixed_ms": start + 61_000})
    for _ in range(50):
        if decided:
            break
        await asyncio.sleep(0.1)
    stop.set()
    await asyncio.wait_for(job, 10)
    assert decided and decided[0] == feed.pk
    stored = await sync_to_async(list)(
        Kline.objects.filter(symbol="BNBUSDT").values_list("open_time", flat=True)
    )
    assert [int(t.timestamp() * 1000) for t in stored] == [start]
