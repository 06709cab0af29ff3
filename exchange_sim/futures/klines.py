"""Candles consistent with the shared market: recorded ticks since start, a seeded past before it.

At install the history takes each symbol's price as its anchor. Candles from the start onward are
built from the real price changes the market reports (open = last price before the candle). Candles
before the start come from a deterministic backward random walk that ends exactly at the anchor
(seeded by symbol, interval and index), so repeated requests agree and indicators have history.
Used by ``/fapi/v1/klines`` and the Alpha klines.
"""

from __future__ import annotations

import hashlib
import math
import random
import threading
from bisect import bisect_left, bisect_right
from decimal import ROUND_HALF_UP, Decimal

INTERVALS_MS = {
    "1m": 60_000, "3m": 180_000, "5m": 300_000, "15m": 900_000, "30m": 1_800_000,
    "1h": 3_600_000, "2h": 7_200_000, "4h": 14_400_000, "6h": 21_600_000, "8h": 28_800_000,
    "12h": 43_200_000, "1d": 86_400_000, "3d": 259_200_000, "1w": 604_800_000,
}  # fmt: skip
MAX_TICKS = 200_000
MAX_BACK = 100_000


def _rng(*key: object) -> random.Random:
    digest = hashlib.sha256(repr(key).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


class PriceHistory:
    """Recorded ticks per symbol plus the synthetic past; thread-safe."""

    def __init__(self, start_ms: int) -> None:
        self.start_ms = start_ms
        self._lock = threading.Lock()
        self._anchor: dict[str, Decimal] = {}
        self._times: dict[str, list[int]] = {}
        self._prices: dict[str, list[Decimal]] = {}
        self._chains: dict[tuple[str, int], list[float]] = {}

    def anchor(self, symbol: str, price: Decimal) -> None:
        with self._lock:
            self._anchor.setdefault(symbol, price)

    def record(self, symbol: str, price: Decimal, now: int) -> None:
        with self._lock:
            if symbol not in self._anchor:
                self._anchor[symbol] = price
            times = self._times.setdefault(symbol, [])
            prices = self._prices.setdefault(symbol, [])
            if times and now < times[-1]:
                now = times[-1]  # a pinned or rewound clock: keep the series ordered
            times.append(now)
            prices.append(price)
            if len(times) > MAX_TICKS:
                del times[: MAX_TICKS // 10], prices[: MAX_TICKS // 10]

    def candles(
        self, symbol: str, interval: str, now: int, limit: int, start: int | None, end: int | None
    ) -> list[list]:
        """Kline rows (12 elements, Binance layout) for ``symbol``."""
        step = INTERVALS_MS[interval]
        last_open = (min(end, now) if end is not None else now) // step * step
        first_open = start // step * step if start is not None else last_open - (limit - 1) * step
        if start is not None and start % step:
            first_open += step
        opens = range(first_open, last_open + 1, step)
        with self._lock:
            anchor = self._anchor.get(symbol)
            if anchor is None:
                return []
            rows = [self._candle(symbol, anchor, step, t) for t in opens]
        return rows[:limit]

    def _candle(self, symbol: str, anchor: Decimal, step: int, open_time: int) -> list:
        start_bucket = self.start_ms // step * step
        if open_time < start_bucket:
            o, h, lo, c = self._synthetic(symbol, anchor, step, (start_bucket - open_time) // step)
        else:
            o, h, lo, c = self._live(symbol, anchor, open_time, step)
        places = max(2, -int(anchor.as_tuple().exponent))
        return _row(symbol, open_time, step, [o, h, lo, c], places)

    def _synthetic(self, symbol: str, anchor: Decimal, step: int, back: int) -> tuple:
        """Candle ``back`` intervals before the start: opens at chain[back], closes at back-1."""
        back = min(back, MAX_BACK)
        chain = self._chain(symbol, anchor, step, back)
        opened, close = chain[back], chain[back - 1]
        vol = 0.0015 * math.sqrt(step / 60_000)
        wick = _rng(symbol, step, back, "w")
        high = max(opened, close) * (1 + abs(wick.gauss(0, vol / 3)))
        low = min(opened, close) * (1 - abs(wick.gauss(0, vol / 3)))
        return opened, high, low, close

    def _chain(self, symbol: str, anchor: Decimal, step: int, n: int) -> list[float]:
        """Boundary prices going back from the anchor (index 0), extended on demand and cached."""
        chain = self._chains.setdefault((symbol, step), [float(anchor)])
        vol = 0.0015 * math.sqrt(step / 60_000)
        while len(chain) <= n:
            j = len(chain) - 1
            chain.append(chain[-1] / (1 + _rng(symbol, step, j).gauss(0, vol)))
        return chain

    def _live(self, symbol: str, anchor: Decimal, open_time: int, step: int) -> tuple:
        times, prices = self._times.get(symbol, []), self._prices.get(symbol, [])
        i, j = bisect_left(times, open_time), bisect_right(times, open_time + step - 1)
        opened = prices[i - 1] if i > 0 else anchor
        inside = prices[i:j] or [opened]
        return opened, max([opened, *inside]), min([opened, *inside]), inside[-1]


def _row(symbol: str, open_time: int, step: int, ohlc: list, places: int) -> list:
    q = Decimal(1).scaleb(-places)
    o, h, lo, c = (Decimal(str(v)).quantize(q, ROUND_HALF_UP) for v in ohlc)
    rng = _rng(symbol, step, open_time, "v")
    volume = Decimal(str(round(rng.uniform(50, 500) * step / 60_000, 3)))
    quote = (volume * c).quantize(Decimal("0.0001"))
    trades = int(volume * 7) + 1
    taker = (volume * Decimal("0.52")).quantize(Decimal("0.001"))
    return [
        open_time, str(o), str(h), str(lo), str(c), str(volume), open_time + step - 1,
        str(quote), trades, str(taker), str((taker * c).quantize(Decimal("0.0001"))), "0",
    ]  # fmt: skip
