"""Stream job (``run_streams``): the kline WebSocket of every enabled feed.

A closed candle (``k.x``) is stored and a ``futures.decide`` task enqueued for its feed; frames of
the candle still forming are ignored (decisions use closed candles only). After a reconnect the
connector yields a ``StreamGap`` and a ``futures.sync_market`` refills the candles missed. The set
of feeds is re-read every ``FEEDS_EVERY_S``; a change reconnects with the new subscription.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from asgiref.sync import sync_to_async
from django.utils import timezone

from trading.exchanges.binance_futures.market import KlineUpdate
from trading.futures import selectors, tasks
from trading.futures.services import market

log = logging.getLogger("fleet.futures.stream")
FEEDS_EVERY_S = 60.0


def _feeds() -> dict[tuple[str, str], int]:
    return {(f.symbol, f.interval): f.pk for f in selectors.feeds_enabled()}


def on_update(update: KlineUpdate, feeds: dict[tuple[str, str], int]) -> bool:
    """Store a closed candle and enqueue the decision of its feed; True when it was new."""
    if not update.closed:
        return False
    stored = market.klines_store(
        symbol=update.symbol, interval=update.interval, klines=[update.kline],
        now=max(timezone.now(), update.kline.close_time + timedelta(milliseconds=1)),
    )  # fmt: skip
    feed_id = feeds.get((update.symbol, update.interval))
    if feed_id is not None:
        tasks.decide.delay(feed_id)
    return stored > 0


async def _consume(feeds: dict[tuple[str, str], int]) -> None:
    env = await sync_to_async(market.market_env)()
    async with market.market_client(env) as venue:
        async for item in venue.kline_stream(sorted(feeds)):
            if isinstance(item, KlineUpdate):
                await sync_to_async(on_update)(item, feeds)
            else:
                log.info("kline stream reconnected after a gap: refilling over REST")
                await sync_to_async(tasks.sync_market.delay)()


async def run(stop: asyncio.Event) -> None:
    """Follow the enabled feeds until ``stop``."""
    while not stop.is_set():
        feeds = await sync_to_async(_feeds)()
        consumer = asyncio.create_task(_consume(feeds)) if feeds else None
        try:
            await _until_changed(stop, feeds, consumer)
        finally:
            if consumer is not None:
                consumer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await consumer


async def _until_changed(
    stop: asyncio.Event, feeds: dict[tuple[str, str], int], consumer: asyncio.Task | None
) -> None:
    """Return on stop or when the feeds changed; re-raise if the consumer crashed."""
    while not stop.is_set():
        stopper = asyncio.create_task(stop.wait())
        waiting = {stopper} | ({consumer} if consumer else set())
        done, _ = await asyncio.wait(
            waiting, timeout=FEEDS_EVERY_S, return_when=asyncio.FIRST_COMPLETED
        )
        stopper.cancel()
        if consumer is not None and consumer in done:
            consumer.result()  # a crash propagates: the supervisor restarts the job
            return
        if await sync_to_async(_feeds)() != feeds:
            return
