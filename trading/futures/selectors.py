"""Reads of the futures signals app: stored candles as the pure core's :class:`Candles`, gaps,
signals with their scorecards."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from django.db.models import QuerySet

from trading.futures.models import Feed, FundingRate, Kline, Scorecard, Signal, StrategySetting
from trading.futures.signals import candles as pure
from trading.futures.signals.registry import NAMES


def step(interval: str) -> timedelta:
    return timedelta(milliseconds=pure.INTERVAL_MS[interval])


def to_ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def feeds_enabled() -> list[Feed]:
    return list(Feed.objects.filter(enabled=True))


def strategies_enabled() -> list[str]:
    """Enabled strategy names, in the registry's order (a strategy without a row is enabled)."""
    off = set(StrategySetting.objects.filter(enabled=False).values_list("name", flat=True))
    return [n for n in NAMES if n not in off]


def klines(
    symbol: str,
    interval: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    last: int | None = None,
) -> QuerySet[Kline]:
    qs = Kline.objects.filter(symbol=symbol, interval=interval)
    if since is not None:
        qs = qs.filter(open_time__gte=since)
    if until is not None:
        qs = qs.filter(open_time__lt=until)
    if last is not None:
        ids = list(qs.order_by("-open_time").values_list("id", flat=True)[:last])
        qs = Kline.objects.filter(id__in=ids)
    return qs.order_by("open_time")


def candles(
    symbol: str,
    interval: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    last: int | None = None,
) -> pure.Candles:
    """Stored closed candles as the pure core's arrays (oldest first)."""
    rows = klines(symbol, interval, since=since, until=until, last=last).values_list(
        "open_time", "open", "high", "low", "close", "volume"
    )
    return pure.from_rows(
        interval,
        [(to_ms(t), str(o), str(h), str(lo), str(c), str(v)) for t, o, h, lo, c, v in rows],
    )


def latest_open_time(symbol: str, interval: str) -> datetime | None:
    return (
        Kline.objects.filter(symbol=symbol, interval=interval)
        .order_by("-open_time")
        .values_list("open_time", flat=True)
        .first()
    )


def kline_gaps(symbol: str, interval: str, *, since: datetime) -> list[tuple[datetime, datetime]]:
    """Missing stretches ``(first missing open time, last missing open time)`` after ``since``."""
    times = list(klines(symbol, interval, since=since).values_list("open_time", flat=True))
    one = step(interval)
    return [(a + one, b - one) for a, b in itertools.pairwise(times) if b - a > one]


def funding(symbol: str, *, since: datetime, until: datetime) -> list[tuple[int, float]]:
    rows = FundingRate.objects.filter(
        symbol=symbol, funding_time__gte=since, funding_time__lte=until
    ).order_by("funding_time")
    return [(to_ms(r.funding_time), float(r.rate)) for r in rows]


def signals_ungraded() -> QuerySet[Signal]:
    return Signal.objects.filter(outcome__isnull=True).order_by("decision_time")


def signals_recent(
    *, symbol: str | None = None, interval: str | None = None, limit: int = 50
) -> list[Signal]:
    qs = Signal.objects.select_related("outcome").order_by("-decision_time", "strategy")
    if symbol:
        qs = qs.filter(symbol=symbol)
    if interval:
        qs = qs.filter(interval=interval)
    return list(qs[:limit])


def scorecards_for(
    signals: list[Signal], *, window_days: int = 30
) -> dict[tuple, dict[str, Scorecard]]:
    """``(strategy, symbol, interval) → {source: Scorecard}`` for the given signals (one query)."""
    keys = {(s.strategy, s.symbol, s.interval) for s in signals}
    out: dict[tuple, dict[str, Scorecard]] = {k: {} for k in keys}
    if not keys:
        return out
    rows = Scorecard.objects.filter(
        window_days=window_days,
        strategy__in={k[0] for k in keys},
        symbol__in={k[1] for k in keys},
        interval__in={k[2] for k in keys},
    )
    for row in rows:
        key = (row.strategy, row.symbol, row.interval)
        if key in out:
            out[key][row.source] = row
    return out
