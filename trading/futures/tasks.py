"""Celery tasks of futures signals (thin: each loads rows and calls one service).

Every task is idempotent: candles are stored once per open time, a signal once per
(strategy, symbol, interval, decision time), an outcome once per signal.
"""

from __future__ import annotations

import logging

from celery import shared_task

from trading.exchanges.errors import ExchangeError
from trading.futures import selectors
from trading.futures.models import Feed
from trading.futures.services import market
from trading.futures.services import signals as services

log = logging.getLogger("fleet.futures.signals")


@shared_task(name="futures.sync_market", ignore_result=True)
def sync_market() -> int:
    """Beat (every 60 s): backfill / refill every enabled feed, then decide on new closed candles.
    The stream process makes this near-instant; this keeps signals coming if the stream is down."""
    created = 0
    for feed in selectors.feeds_enabled():
        try:
            market.market_sync(feed=feed)
        except ExchangeError as exc:
            log.warning("market sync of %s failed: %s", feed, exc)
            continue
        created += len(services.signals_generate(feed=feed))
    return created


@shared_task(name="futures.sync_funding", ignore_result=True)
def sync_funding() -> None:
    """Beat (every 10 min): funding settlements and mark price of every enabled symbol."""
    for symbol in sorted({f.symbol for f in selectors.feeds_enabled()}):
        try:
            market.funding_sync(symbol=symbol)
        except ExchangeError as exc:
            log.warning("funding sync of %s failed: %s", symbol, exc)


@shared_task(name="futures.decide", ignore_result=True)
def decide(feed_id: int) -> int:
    """Enqueued by the stream process when a candle of ``feed_id`` closed."""
    feed = Feed.objects.filter(pk=feed_id, enabled=True).first()
    return len(services.signals_generate(feed=feed)) if feed else 0


@shared_task(name="futures.grade_signals", ignore_result=True)
def grade_signals() -> int:
    """Beat (every 60 s): grade the signals whose horizon has passed."""
    return services.signals_grade()


@shared_task(name="futures.update_scorecards", ignore_result=True)
def update_scorecards() -> None:
    """Beat (every 5 min): live scorecards (7/30/90 days) of every enabled feed."""
    for feed in selectors.feeds_enabled():
        services.scorecards_update_live(feed=feed)


@shared_task(name="futures.update_backtest_scorecards", ignore_result=True)
def update_backtest_scorecards() -> None:
    """Beat (hourly): backtested scorecards over the stored candles (retrains the model)."""
    for feed in selectors.feeds_enabled():
        services.scorecards_update_backtest(feed=feed)


@shared_task(name="futures.prune_klines", ignore_result=True)
def prune_klines() -> int:
    """Beat (daily): drop candles older than 120 days (scorecards look back 90)."""
    return market.klines_prune()
