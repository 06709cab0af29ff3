"""Technical indicators over closed candles, computed with TA-Lib (its C library ships inside the
official ``ta-lib`` wheel).

Every series is causal: the value at index ``i`` depends on candles ``0..i`` only (the look-ahead
test in ``tests/trading/futures`` checks this on real candles). Values before an indicator's warm-up
are NaN. Strategies and the model read the one :class:`Frame` built here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import talib

from trading.futures.signals.candles import Candles, FloatArray


@dataclass(frozen=True)
class Periods:
    """Indicator settings shared by the strategies (classic textbook defaults)."""

    ema_fast: int = 12
    ema_slow: int = 26
    sma: int = 50
    rsi: int = 14
    macd: tuple[int, int, int] = (12, 26, 9)
    bb: int = 20
    bb_dev: float = 2.0
    atr: int = 14
    adx: int = 14
    donchian: int = 20


def ema(close: FloatArray, period: int) -> FloatArray:
    return talib.EMA(close, timeperiod=period)


def sma(close: FloatArray, period: int) -> FloatArray:
    return talib.SMA(close, timeperiod=period)


def rsi(close: FloatArray, period: int = 14) -> FloatArray:
    return talib.RSI(close, timeperiod=period)


def macd(close: FloatArray, fast: int = 12, slow: int = 26, signal: int = 9) -> tuple:
    """``(macd, signal, histogram)``."""
    return talib.MACD(close, fastperiod=fast, slowperiod=slow, signalperiod=signal)


def bollinger(close: FloatArray, period: int = 20, dev: float = 2.0) -> tuple:
    """``(upper, middle, lower)`` with a simple moving average and population deviation."""
    return talib.BBANDS(
        close, timeperiod=period, nbdevup=dev, nbdevdn=dev, matype=talib.MA_Type.SMA
    )


def atr(c: Candles, period: int = 14) -> FloatArray:
    return talib.ATR(c.high, c.low, c.close, timeperiod=period)


def adx(c: Candles, period: int = 14) -> FloatArray:
    return talib.ADX(c.high, c.low, c.close, timeperiod=period)


def donchian(c: Candles, period: int = 20) -> tuple[FloatArray, FloatArray]:
    """``(upper, lower)``: highest high and lowest low of the ``period`` candles up to ``i``."""
    return talib.MAX(c.high, timeperiod=period), talib.MIN(c.low, timeperiod=period)


def obv(c: Candles) -> FloatArray:
    return talib.OBV(c.close, c.volume)


def shifted(values: FloatArray, by: int = 1) -> FloatArray:
    """``values`` delayed by ``by`` candles (NaN first): "as of the previous candle"."""
    out = np.full_like(values, np.nan)
    out[by:] = values[:-by]
    return out


@dataclass(frozen=True)
class Frame:
    """Candles with every indicator the strategies and the model use, aligned by index."""

    candles: Candles
    series: dict[str, FloatArray]

    def __getitem__(self, name: str) -> FloatArray:
        return self.series[name]

    def at(self, i: int, *names: str) -> dict[str, float]:
        """The named values at candle ``i`` (the "reason" shown with a signal)."""
        return {n: float(self.series[n][i]) for n in names}


def frame(c: Candles, p: Periods | None = None) -> Frame:
    """Compute every indicator on ``c``."""
    p = p or Periods()
    close = c.close
    m, m_signal, m_hist = macd(close, *p.macd)
    upper, middle, lower = bollinger(close, p.bb, p.bb_dev)
    dc_upper, dc_lower = donchian(c, p.donchian)
    series = {
        "close": close,
        "ema_fast": ema(close, p.ema_fast),
        "ema_slow": ema(close, p.ema_slow),
        "sma": sma(close, p.sma),
        "rsi": rsi(close, p.rsi),
        "macd": m,
        "macd_signal": m_signal,
        "macd_hist": m_hist,
        "bb_upper": upper,
        "bb_middle": middle,
        "bb_lower": lower,
        "atr": atr(c, p.atr),
        "adx": adx(c, p.adx),
        "dc_upper": dc_upper,
        "dc_lower": dc_lower,
        "dc_upper_prev": shifted(dc_upper),
        "dc_lower_prev": shifted(dc_lower),
        "obv": obv(c),
    }
    return Frame(c, series)
