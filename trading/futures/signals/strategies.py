"""The named rule-based strategies. Each reads a :class:`Frame` at one candle index and either
says nothing or decides a signal; the live generator and the backtest call the same code.

A signal is decided at the close of its candle ``i`` (``decision_time``); the reference entry is
that close, TP and SL are ATR multiples away from it, and the horizon counts candles from the
entry candle (``i + 1``) on. A condition fires on the candle it becomes true, not on every candle it
stays true, so one move gives one signal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, Protocol

from trading.futures.signals.indicators import Frame

Direction = Literal["LONG", "SHORT"]
LONG: Direction = "LONG"
SHORT: Direction = "SHORT"


@dataclass(frozen=True)
class Geometry:
    """TP and SL in ATR multiples from the reference entry, and the horizon in candles."""

    tp_atr: float
    sl_atr: float
    horizon: int


@dataclass(frozen=True)
class Signal:
    """A decided signal (pure value; the live service stores it as a row)."""

    strategy: str
    open_time: int  # ms, open time of the signal candle
    decision_time: int  # ms, close of the signal candle (= open time of the entry candle)
    index: int
    direction: Direction
    confidence: float
    entry_ref: Decimal
    tp: Decimal
    sl: Decimal
    horizon_bars: int
    reason: dict[str, float] = field(default_factory=dict)


class Strategy(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def geometry(self) -> Geometry: ...

    def decide(self, f: Frame, i: int) -> tuple[Direction, float, dict[str, float]] | None: ...


def build_signal(strategy: Strategy, f: Frame, i: int) -> Signal | None:
    """Ask ``strategy`` about candle ``i`` and turn its answer into a :class:`Signal`."""
    atr = f["atr"][i]
    if i < 1 or not math.isfinite(atr) or atr <= 0:
        return None
    decided = strategy.decide(f, i)
    if decided is None:
        return None
    direction, confidence, reason = decided
    c, g = f.candles, strategy.geometry
    ref = float(c.close[i])
    sign = 1.0 if direction == LONG else -1.0
    tp, sl = c.price(ref + sign * g.tp_atr * atr), c.price(ref - sign * g.sl_atr * atr)
    entry = c.price(ref)
    if tp == entry or sl == entry:
        return None  # ATR below one price tick: no meaningful geometry
    return Signal(
        strategy=strategy.name, open_time=int(c.open_time[i]),
        decision_time=int(c.open_time[i]) + c.step_ms, index=i, direction=direction,
        confidence=round(min(1.0, max(0.0, confidence)), 4), entry_ref=entry, tp=tp, sl=sl,
        horizon_bars=g.horizon, reason={k: round(v, 8) for k, v in reason.items()},
    )  # fmt: skip


def _finite(*values: float) -> bool:
    return all(math.isfinite(v) for v in values)


@dataclass(frozen=True)
class TrendEmaAdx:
    """Trend: the fast EMA crosses the slow EMA while ADX says a trend is present."""

    name: str = "trend_ema_adx"
    geometry: Geometry = Geometry(tp_atr=2.0, sl_atr=1.0, horizon=24)
    adx_min: float = 25.0

    def decide(self, f: Frame, i: int) -> tuple[Direction, float, dict[str, float]] | None:
        fast, slow, adx = f["ema_fast"], f["ema_slow"], f["adx"][i]
        if not _finite(fast[i - 1], slow[i - 1], fast[i], slow[i], adx) or adx < self.adx_min:
            return None
        up = fast[i - 1] <= slow[i - 1] and fast[i] > slow[i]
        down = fast[i - 1] >= slow[i - 1] and fast[i] < slow[i]
        if not (up or down):
            return None
        confidence = 0.5 + min(0.45, (adx - self.adx_min) / 50)
        return (LONG if up else SHORT), confidence, f.at(i, "ema_fast", "ema_slow", "adx", "atr")


@dataclass(frozen=True)
class MeanReversionRsiBb:
    """Mean reversion: the close leaves the Bollinger band with RSI stretched the same way."""

    name: str = "meanrev_rsi_bb"
    geometry: Geometry = Geometry(tp_atr=1.5, sl_atr=1.5, horizon=12)
    low: float = 30.0
    high: float = 70.0

    def _side(self, f: Frame, i: int) -> Direction | None:
        close, rsi = f["close"][i], f["rsi"][i]
        if not _finite(rsi, f["bb_lower"][i], f["bb_upper"][i]):
            return None
        if close < f["bb_lower"][i] and rsi < self.low:
            return LONG
        if close > f["bb_upper"][i] and rsi > self.high:
            return SHORT
        return None

    def decide(self, f: Frame, i: int) -> tuple[Direction, float, dict[str, float]] | None:
        side = self._side(f, i)
        if side is None or self._side(f, i - 1) == side:
            return None
        rsi = f["rsi"][i]
        stretch = (self.low - rsi) if side == LONG else (rsi - self.high)
        confidence = 0.5 + min(0.45, stretch / 40)
        return side, confidence, f.at(i, "close", "rsi", "bb_lower", "bb_middle", "bb_upper", "atr")


@dataclass(frozen=True)
class BreakoutDonchianAtr:
    """Breakout: the close clears the previous Donchian channel by a fraction of ATR."""

    name: str = "breakout_donchian_atr"
    geometry: Geometry = Geometry(tp_atr=3.0, sl_atr=1.5, horizon=24)
    clearance_atr: float = 0.1

    def _side(self, f: Frame, i: int) -> Direction | None:
        close, atr = f["close"][i], f["atr"][i]
        upper, lower = f["dc_upper_prev"][i], f["dc_lower_prev"][i]
        if not _finite(atr, upper, lower):
            return None
        if close > upper + self.clearance_atr * atr:
            return LONG
        if close < lower - self.clearance_atr * atr:
            return SHORT
        return None

    def decide(self, f: Frame, i: int) -> tuple[Direction, float, dict[str, float]] | None:
        side = self._side(f, i)
        if side is None or self._side(f, i - 1) == side:
            return None
        close, atr = f["close"][i], f["atr"][i]
        edge = f["dc_upper_prev"][i] if side == LONG else f["dc_lower_prev"][i]
        confidence = 0.5 + min(0.45, abs(close - edge) / atr / 4)
        return side, confidence, f.at(i, "close", "dc_upper_prev", "dc_lower_prev", "atr", "obv")


RULES: tuple[Strategy, ...] = (TrendEmaAdx(), MeanReversionRsiBb(), BreakoutDonchianAtr())


def scan(strategy: Strategy, f: Frame, start: int = 1) -> list[Signal]:
    """Every signal ``strategy`` decides, candle by candle, from ``start`` to the last candle."""
    found = (build_signal(strategy, f, i) for i in range(max(1, start), len(f.candles)))
    return [s for s in found if s is not None]
