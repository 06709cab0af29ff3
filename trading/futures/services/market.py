"""Market data services: REST backfill with pagination, gap refill, funding and mark price,
and storing the kline stream's closed candles. Only CLOSED candles are ever stored.

The venue is reached through the connector's named methods
(:class:`trading.exchanges.binance_futures.market.FuturesMarket`); the environment (prod, test,
sim…) is the runtime knob ``signals_market_env``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from kernel.runtime_config import config_get
from trading.exchanges.binance_futures.market import FundingRate as VenueFunding
from trading.exchanges.binance_futures.market import FuturesMarket
from trading.exchanges.binance_futures.market import MarkPrice as VenueMark
from trading.exchanges.binance_futures.models import Kline as VenueKline
from trading.futures import selectors
from trading.futures.models import Feed, FundingRate, Kline, MarkPrice

log = logging.getLogger("fleet.futures.market")
FUNDING_LOOKBACK = timedelta(days=7)
KEEP_DAYS = 120


@dataclass(frozen=True)
class SyncReport:
    """What one market sync of a feed stored."""

    feed: str
    stored: int
    gaps_found: int


def market_env() -> str:
    """The environment market data comes from (a DB read: call it outside the event loop)."""
    return str(config_get("signals_market_env"))


def market_client(env: str) -> FuturesMarket:
    return FuturesMarket(env=env)


def klines_store(*, symbol: str, interval: str, klines: Iterable[VenueKline], now: datetime) -> int:
    """Insert the closed candles among ``klines`` (already stored ones are left as they are)."""
    rows = [
        Kline(
            symbol=symbol,
            interval=interval,
            open_time=k.open_time,
            open=k.open,
            high=k.high,
            low=k.low,
            close=k.close,
            volume=k.volume,
        )
        for k in klines
        if k.close_time < now
    ]
    if not rows:
        return 0
    before = Kline.objects.filter(symbol=symbol, interval=interval).count()
    Kline.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return Kline.objects.filter(symbol=symbol, interval=interval).count() - before


def funding_store(*, rows: Iterable[VenueFunding]) -> int:
    objs = [
        FundingRate(
            symbol=r.symbol, funding_time=r.funding_time, rate=r.rate, mark_price=r.mark_price
        )
        for r in rows
    ]
    FundingRate.objects.bulk_create(objs, ignore_conflicts=True)
    return len(objs)


def mark_price_store(*, mark: VenueMark) -> MarkPrice:
    row, _ = MarkPrice.objects.update_or_create(
        symbol=mark.symbol,
        defaults={
            "mark_price": mark.mark_price, "index_price": mark.index_price,
            "last_funding_rate": mark.last_funding_rate,
            "next_funding_time": mark.next_funding_time, "updated_at": mark.time,
        },
    )  # fmt: skip
    return row


def market_sync(*, feed: Feed, now: datetime | None = None) -> SyncReport:
    """Backfill ``feed`` up to the last closed candle and refill every gap of its window."""
    now = now or timezone.now()
    one = selectors.step(feed.interval)
    window_start = _floor(now, one) - one * feed.backfill_bars
    latest = selectors.latest_open_time(feed.symbol, feed.interval)
    start = max(window_start, latest + one) if latest else window_start
    gaps = selectors.kline_gaps(feed.symbol, feed.interval, since=window_start)
    ranges: list[tuple[datetime, datetime | None]] = [*gaps, (start, None)]
    env = market_env()

    async def fetch() -> list[VenueKline]:
        async with market_client(env) as venue:
            pages = [
                await venue.closed_klines(feed.symbol, feed.interval, start=a, end=b, now=now)
                for a, b in ranges
            ]
        return [k for page in pages for k in page]

    stored = klines_store(
        symbol=feed.symbol, interval=feed.interval, klines=asyncio.run(fetch()), now=now
    )
    if gaps:
        log.info("%s: refilled %d gap(s)", feed, len(gaps))
    return SyncReport(str(feed), stored, len(gaps))


def funding_sync(*, symbol: str, now: datetime | None = None) -> int:
    """Store the last week's funding settlements and the current mark price of ``symbol``."""
    now, env = now or timezone.now(), market_env()

    async def fetch() -> tuple[list[VenueFunding], VenueMark]:
        async with market_client(env) as venue:
            rows = await venue.funding_rates(symbol, start=now - FUNDING_LOOKBACK, end=now)
            return rows, await venue.mark_price(symbol)

    rows, mark = asyncio.run(fetch())
    with transaction.atomic():
        mark_price_store(mark=mark)
        return funding_store(rows=rows)


def klines_prune(*, keep_days: int = KEEP_DAYS, now: datetime | None = None) -> int:
    """Delete candles older than ``keep_days`` (the longest scorecard window is 90 days)."""
    cutoff = (now or timezone.now()) - timedelta(days=keep_days)
    deleted, _ = Kline.objects.filter(open_time__lt=cutoff).delete()
    return deleted


def _floor(moment: datetime, one: timedelta) -> datetime:
    ms = int(one.total_seconds() * 1000)
    return datetime.fromtimestamp(int(moment.timestamp() * 1000) // ms * ms / 1000, tz=UTC)
