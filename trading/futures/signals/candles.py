"""Closed candles as aligned numpy arrays, plus the few time facts the core needs.

Indicators and grading run on float64 (TA-Lib's type); the exact decimal strings of the open
price stay available so an entry is reported exactly as the venue printed it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

INTERVAL_MS = {
    "1m": 60_000, "3m": 180_000, "5m": 300_000, "15m": 900_000, "30m": 1_800_000,
    "1h": 3_600_000, "2h": 7_200_000, "4h": 14_400_000, "6h": 21_600_000, "8h": 28_800_000,
    "12h": 43_200_000, "1d": 86_400_000,
}  # fmt: skip


@dataclass(frozen=True)
class Candles:
    """Closed candles of one symbol and interval, oldest first, one row per open time."""

    interval: str
    open_time: IntArray  # ms since epoch, UTC
    open: FloatArray
    high: FloatArray
    low: FloatArray
    close: FloatArray
    volume: FloatArray
    price_places: int  # decimals the venue prints prices with

    def __len__(self) -> int:
        return len(self.open_time)

    @property
    def step_ms(self) -> int:
        return INTERVAL_MS[self.interval]

    def head(self, n: int) -> Candles:
        """The first ``n`` candles (what a live process had seen at that point)."""
        return Candles(
            self.interval, self.open_time[:n], self.open[:n], self.high[:n], self.low[:n],
            self.close[:n], self.volume[:n], self.price_places,
        )  # fmt: skip

    def since(self, open_time_ms: int) -> Candles:
        """The candles opening at or after ``open_time_ms``."""
        start = int(np.searchsorted(self.open_time, open_time_ms))
        return Candles(
            self.interval, self.open_time[start:], self.open[start:], self.high[start:],
            self.low[start:], self.close[start:], self.volume[start:], self.price_places,
        )  # fmt: skip

    def price(self, value: float) -> Decimal:
        """``value`` rounded to the venue's price decimals."""
        return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-self.price_places))


def from_rows(interval: str, rows: list[tuple[int, str, str, str, str, str]]) -> Candles:
    """Candles from ``(open_time_ms, open, high, low, close, volume)`` rows (strings or numbers)."""
    places = max((_places(str(r[k])) for r in rows for k in (1, 2, 3, 4)), default=2)

    def col(k: int) -> FloatArray:
        return np.array([float(r[k]) for r in rows], dtype=np.float64)

    times = np.array([int(r[0]) for r in rows], dtype=np.int64)
    return Candles(interval, times, col(1), col(2), col(3), col(4), col(5), places)


def read_csv(path: str | Path, interval: str) -> Candles:
    """A ``open_time,open,high,low,close,volume`` CSV (open_time in ms, UTC)."""
    with open(path, newline="") as fh:
        reader = csv.DictReader(fh)
        rows = [
            (int(r["open_time"]), r["open"], r["high"], r["low"], r["close"], r["volume"])
            for r in reader
        ]
    rows.sort(key=lambda r: r[0])
    return from_rows(interval, rows)


def read_funding_csv(path: str | Path) -> list[tuple[int, float]]:
    """``funding_time,funding_rate`` rows as ``(ms, rate)``, oldest first."""
    with open(path, newline="") as fh:
        return sorted(
            (int(r["funding_time"]), float(r["funding_rate"])) for r in csv.DictReader(fh)
        )


def _places(text: str) -> int:
    exponent = Decimal(text).normalize().as_tuple().exponent
    return max(0, -int(exponent)) if isinstance(exponent, int) else 0
