"""Bitget spot public market data: ``spot/market/candles`` and ``spot/market/orderbook``.

Both derive from the one shared market, like the Binance spot ones: candles from the venue's
``PriceHistory``, the book from the current price (a seeded synthetic ladder one price step
apart, asks from the price, plus the accounts' own resting orders). Shapes: docs/simulator.md.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from exchange_sim.bitget.state import BitgetAccount, BitgetError, BitgetVenue
from exchange_sim.bitget.symbols import SYMBOLS, BgSymbol
from exchange_sim.numbers import plain

# Bitget granularity → the candle interval (``…utc`` forms are UTC-aligned, as ours all are).
GRANULARITY = {
    "1min": "1m", "3min": "3m", "5min": "5m", "15min": "15m", "30min": "30m", "1h": "1h",
    "4h": "4h", "6h": "6h", "6Hutc": "6h", "12h": "12h", "12Hutc": "12h", "1day": "1d",
    "1Dutc": "1d", "3day": "3d", "3Dutc": "3d", "1week": "1w", "1Wutc": "1w",
}  # fmt: skip


def _spec(q: dict[str, str]) -> BgSymbol:
    spec = SYMBOLS.get(q.get("symbol", "").upper())
    if spec is None:
        raise BitgetError("40034", "Parameter symbol does not exist")
    return spec


def _int(q: dict[str, str], name: str) -> int | None:
    return int(q[name]) if q.get(name) else None


def candles(venue: BitgetVenue, account: BitgetAccount | None, q: dict[str, str]) -> Any:
    """Rows ``[ts, open, high, low, close, baseVolume, usdtVolume, quoteVolume]`` (strings),
    oldest first; ``limit`` default 100, at most 1000."""
    spec = _spec(q)
    interval = GRANULARITY.get(q.get("granularity", ""))
    if interval is None:
        raise BitgetError("40017", "Parameter verification failed granularity")
    limit = _int(q, "limit") or 100
    if not 1 <= limit <= 1000:
        raise BitgetError("40017", "Parameter verification failed limit")
    rows = venue.history.candles(
        spec.symbol,
        interval,
        venue.world.clock_ms(),
        limit,
        _int(q, "startTime"),
        _int(q, "endTime"),
    )
    return [[str(r[0]), r[1], r[2], r[3], r[4], r[5], r[7], r[7]] for r in rows]


def _size(spec: BgSymbol, level: int) -> Decimal:
    rng = random.Random(f"bitget:{spec.symbol}:{level}")
    steps = int(rng.uniform(0.05, 1.5) * (1 + abs(level) / 10) / float(spec.qty_step))
    return spec.qty_step * max(steps, 1)


def orderbook(venue: BitgetVenue, account: BitgetAccount | None, q: dict[str, str]) -> Any:
    """``{"asks": [[price, size]], "bids": [...], "ts"}``; ``limit`` default 150, at most 150."""
    spec = _spec(q)
    limit = _int(q, "limit") or 150
    if not 1 <= limit <= 150:
        raise BitgetError("40017", "Parameter verification failed limit")
    price = venue.world.market.price(spec.symbol)
    assert price is not None
    tick = Decimal(1).scaleb(-spec.price_precision)
    bids = {price - tick * (i + 1): _size(spec, i + 1) for i in range(limit)}
    asks = {price + tick * i: _size(spec, -i - 1) for i in range(limit)}
    for order, _account in venue.resting.get(spec.symbol, []):
        side = bids if order.side == "buy" else asks
        side[order.price] = side.get(order.price, Decimal(0)) + order.size - order.base_volume
    return {
        "asks": [[plain(p), plain(s)] for p, s in sorted(asks.items())[:limit]],
        "bids": [[plain(p), plain(s)] for p, s in sorted(bids.items(), reverse=True)[:limit]],
        "ts": str(venue.world.clock_ms()),
    }
