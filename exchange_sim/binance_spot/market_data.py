"""Binance spot public market data: ``klines``, ``depth``, ``ticker/24hr``,
``ticker/bookTicker``, ``avgPrice`` under ``/api/v3``.

Everything derives from the one shared market: candles from the venue's ``PriceHistory`` (the
recorded ticks, a seeded past before the start), the 24 h ticker and the 5-minute average from
those candles, and the book from the current price (a seeded ladder of synthetic liquidity one
tick apart, plus the simulated accounts' own resting orders). Shapes: docs/simulator.md.
"""

from __future__ import annotations

import json
import random
from decimal import Decimal
from typing import Any

from exchange_sim.binance_spot.state import BinanceError, SpotAccount, SpotVenue
from exchange_sim.binance_spot.symbols import SYMBOLS, SpotSymbol
from exchange_sim.binance_spot.validate import mandatory, require, symbol_spec
from exchange_sim.futures.klines import INTERVALS_MS
from exchange_sim.numbers import fmt8

DAY_MS = 86_400_000
DEPTH_LIMITS = (5, 10, 20, 50, 100, 500, 1000, 5000)
_Q8 = Decimal("0.00000001")


def _price(venue: SpotVenue, spec: SpotSymbol) -> Decimal:
    price = venue.world.market.price(spec.symbol)
    if price is None:
        raise BinanceError(-1121, "Invalid symbol.")
    return price


def _chosen(p: dict[str, str]) -> list[SpotSymbol] | None:
    """``symbol`` → one, ``symbols`` (a JSON array) → those, neither → None (every symbol)."""
    if p.get("symbol"):
        return [symbol_spec(p)]
    if not p.get("symbols"):
        return None
    try:
        names = [str(n).upper() for n in json.loads(p["symbols"])]
    except (ValueError, TypeError) as exc:
        raise mandatory("symbols") from exc
    if any(n not in SYMBOLS for n in names):
        raise BinanceError(-1121, "Invalid symbol.")
    return [SYMBOLS[n] for n in names]


def _int(p: dict[str, str], name: str) -> int | None:
    return int(p[name]) if p.get(name) else None


def klines(venue: SpotVenue, account: SpotAccount | None, p: dict[str, str]) -> Any:
    """``GET /api/v3/klines``: 12-element rows, oldest first; limit 1..1000 (default 500)."""
    spec = symbol_spec(p)
    interval = require(p, "interval")
    if interval not in INTERVALS_MS:
        raise BinanceError(-1120, "Invalid interval.")
    limit = _int(p, "limit") or 500
    if not 1 <= limit <= 1000:
        raise BinanceError(-1130, "Data sent for parameter 'limit' is not valid.")
    return venue.history.candles(
        spec.symbol,
        interval,
        venue.world.clock_ms(),
        limit,
        _int(p, "startTime"),
        _int(p, "endTime"),
    )


def _day_candles(venue: SpotVenue, spec: SpotSymbol) -> list[list]:
    """The last 24 hourly candles (the rolling window of ``ticker/24hr``)."""
    return venue.history.candles(spec.symbol, "1h", venue.world.clock_ms(), 24, None, None)


def _ticker_row(venue: SpotVenue, spec: SpotSymbol) -> dict[str, Any]:
    now = venue.world.clock_ms()
    last = _price(venue, spec)
    rows = _day_candles(venue, spec)
    opened = Decimal(rows[0][1]) if rows else last
    volume = sum((Decimal(r[5]) for r in rows), Decimal(0))
    quote = sum((Decimal(r[7]) for r in rows), Decimal(0))
    change = last - opened
    return {
        "symbol": spec.symbol,
        "priceChange": fmt8(change),
        "priceChangePercent": f"{(change / opened * 100):.3f}",
        "weightedAvgPrice": fmt8((quote / volume).quantize(_Q8) if volume else last),
        "prevClosePrice": fmt8(opened),
        "lastPrice": fmt8(last),
        "lastQty": fmt8(_level_qty(spec, 0)),
        "bidPrice": fmt8(last - spec.tick),
        "bidQty": fmt8(_level_qty(spec, 1)),
        "askPrice": fmt8(last),
        "askQty": fmt8(_level_qty(spec, -1)),
        "openPrice": fmt8(opened),
        "highPrice": fmt8(max([last, *(Decimal(r[2]) for r in rows)])),
        "lowPrice": fmt8(min([last, *(Decimal(r[3]) for r in rows)])),
        "volume": fmt8(volume),
        "quoteVolume": fmt8(quote),
        "openTime": now - DAY_MS,
        "closeTime": now,
        "firstId": 0,
        "lastId": sum(int(r[8]) for r in rows) - 1,
        "count": sum(int(r[8]) for r in rows),
    }


def ticker_24hr(venue: SpotVenue, account: SpotAccount | None, p: dict[str, str]) -> Any:
    """``GET /api/v3/ticker/24hr``: one object for ``symbol``, else a list."""
    chosen = _chosen(p)
    if p.get("symbol"):
        return _ticker_row(venue, symbol_spec(p))
    return [_ticker_row(venue, s) for s in chosen or SYMBOLS.values()]


def book_ticker(venue: SpotVenue, account: SpotAccount | None, p: dict[str, str]) -> Any:
    """``GET /api/v3/ticker/bookTicker``: best bid and ask (the top of ``depth``)."""

    def row(spec: SpotSymbol) -> dict[str, Any]:
        bids, asks = _book(venue, spec, 1)
        return {
            "symbol": spec.symbol,
            "bidPrice": bids[0][0],
            "bidQty": bids[0][1],
            "askPrice": asks[0][0],
            "askQty": asks[0][1],
        }

    if p.get("symbol"):
        return row(symbol_spec(p))
    return [row(s) for s in _chosen(p) or SYMBOLS.values()]


def avg_price(venue: SpotVenue, account: SpotAccount | None, p: dict[str, str]) -> Any:
    """``GET /api/v3/avgPrice``: the volume-weighted price of the last 5 one-minute candles."""
    spec = symbol_spec(p)
    now = venue.world.clock_ms()
    rows = venue.history.candles(spec.symbol, "1m", now, 5, None, None)
    volume = sum((Decimal(r[5]) for r in rows), Decimal(0))
    quote = sum((Decimal(r[7]) for r in rows), Decimal(0))
    price = (quote / volume).quantize(_Q8) if volume else _price(venue, spec)
    return {"mins": 5, "price": fmt8(price), "closeTime": now}


def _level_qty(spec: SpotSymbol, level: int) -> Decimal:
    """Synthetic liquidity at one book level: seeded by symbol and level, a whole number of
    steps, larger further from the touch."""
    rng = random.Random(f"{spec.symbol}:{level}")
    steps = int(rng.uniform(0.05, 1.5) * (1 + abs(level) / 10) / float(spec.step))
    return spec.step * max(steps, 1)


def _book(
    venue: SpotVenue, spec: SpotSymbol, limit: int
) -> tuple[list[list[str]], list[list[str]]]:
    """Bids below and asks from the market price (a LIMIT BUY at the price crosses, as the
    engine fills it), with the accounts' resting orders added at their prices."""
    price = _price(venue, spec)
    bids = {price - spec.tick * (i + 1): _level_qty(spec, i + 1) for i in range(limit)}
    asks = {price + spec.tick * i: _level_qty(spec, -i - 1) for i in range(limit)}
    for order, _account in venue.resting.get(spec.symbol, []):
        side = bids if order.side == "BUY" else asks
        left = order.orig_qty - order.executed_qty
        side[order.price] = side.get(order.price, Decimal(0)) + left
    best_bids = sorted(bids.items(), reverse=True)[:limit]
    best_asks = sorted(asks.items())[:limit]
    return (
        [[fmt8(p), fmt8(q)] for p, q in best_bids],
        [[fmt8(p), fmt8(q)] for p, q in best_asks],
    )


def depth(venue: SpotVenue, account: SpotAccount | None, p: dict[str, str]) -> Any:
    """``GET /api/v3/depth``: ``limit`` levels a side (default 100, at most 5000)."""
    spec = symbol_spec(p)
    limit = _int(p, "limit") or 100
    if not 1 <= limit <= 5000:
        raise BinanceError(-1130, "Data sent for parameter 'limit' is not valid.")
    bids, asks = _book(venue, spec, limit)
    return {"lastUpdateId": venue.world.clock_ms(), "bids": bids, "asks": asks}
