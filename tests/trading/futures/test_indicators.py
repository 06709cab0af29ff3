"""TA-Lib indicators against talipp (an independent pure-Python implementation) on real candles.

Recursive indicators (MACD, ATR, ADX) are seeded differently by the two libraries, so they are
compared after a warm-up of 300 candles, where the seed no longer matters.
"""

from __future__ import annotations

import numpy as np
import pytest
from talipp import indicators as T
from talipp.ohlcv import OHLCV

from tests.trading.futures.market_data import ETHBTC_5M, XRP_5M
from trading.futures.signals import candles
from trading.futures.signals import indicators as ind

WARM_UP = 300


def _values(series, attr: str | None = None) -> np.ndarray:
    out = []
    for item in series:
        value = getattr(item, attr) if (attr and item is not None) else item
        out.append(np.nan if value is None else float(value))
    return np.array(out)


def _cases(c: candles.Candles) -> list[tuple[str, np.ndarray, np.ndarray, int, float]]:
    bars = [OHLCV(*row) for row in zip(c.open, c.high, c.low, c.close, c.volume, strict=True)]
    close = list(c.close)
    macd, macd_sig, macd_hist = ind.macd(c.close)
    talipp_macd = T.MACD(12, 26, 9, close)
    upper, middle, lower = ind.bollinger(c.close)
    bb = T.BB(20, 2.0, close)
    dc_upper, dc_lower = ind.donchian(c)
    dc = T.DonchianChannels(20, bars)
    exact, tol = 0, 1e-9
    return [
        ("EMA12", ind.ema(c.close, 12), _values(T.EMA(12, close)), exact, tol),
        ("SMA50", ind.sma(c.close, 50), _values(T.SMA(50, close)), exact, tol),
        ("RSI14", ind.rsi(c.close), _values(T.RSI(14, close)), exact, 1e-7),
        ("MACD", macd, _values(talipp_macd, "macd"), WARM_UP, tol),
        ("MACD signal", macd_sig, _values(talipp_macd, "signal"), WARM_UP, tol),
        ("MACD hist", macd_hist, _values(talipp_macd, "histogram"), WARM_UP, tol),
        ("BB upper", upper, _values(bb, "ub"), exact, tol),
        ("BB middle", middle, _values(bb, "cb"), exact, tol),
        ("BB lower", lower, _values(bb, "lb"), exact, tol),
        ("ATR14", ind.atr(c), _values(T.ATR(14, bars)), WARM_UP, 1e-8),
        ("ADX14", ind.adx(c), _values(T.ADX(14, 14, bars), "adx"), WARM_UP, 1e-3),
        ("Donchian upper", dc_upper, _values(dc, "ub"), exact, 0.0),
        ("Donchian lower", dc_lower, _values(dc, "lb"), exact, 0.0),
        ("OBV", ind.obv(c), _values(T.OBV(bars)), exact, 1e-6),
    ]


@pytest.mark.parametrize("path", [XRP_5M, ETHBTC_5M], ids=["XRPUSDT-5m", "ETHBTC-5m"])
def test_talib_matches_talipp_on_real_candles(path) -> None:
    c = candles.read_csv(path, "5m")
    for name, ours, reference, start, tol in _cases(c):
        both = np.isfinite(ours) & np.isfinite(reference)
        both[:start] = False
        assert both.sum() > len(c) - WARM_UP - 60, name
        scale = np.maximum(1.0, np.abs(reference[both]))
        worst = float(np.max(np.abs(ours[both] - reference[both]) / scale))
        assert worst <= tol, f"{name}: worst relative difference {worst:g}"


def test_hand_computed_values() -> None:
    """Small tables worked out by hand: SMA, Donchian, OBV and an RSI of a pure up-move."""
    c = candles.from_rows(
        "5m",
        [(k * 300_000, "1", str(h), str(lo), str(cl), "10") for k, (h, lo, cl) in enumerate(
            [(2, 1, 1.5), (3, 1, 2.5), (4, 2, 3.5), (3, 1, 2.0), (5, 2, 4.0)]
        )],
    )  # fmt: skip
    assert ind.sma(c.close, 3)[2:].tolist() == pytest.approx([2.5, 8 / 3, 9.5 / 3])
    upper, lower = ind.donchian(c, 3)
    assert upper[2:].tolist() == [4, 4, 5] and lower[2:].tolist() == [1, 1, 1]
    assert ind.obv(c).tolist() == [10, 20, 30, 20, 30]
    rising = np.arange(1.0, 31.0)
    assert ind.rsi(rising, 14)[-1] == pytest.approx(100.0)


def test_shifted_is_the_previous_candle() -> None:
    values = np.array([1.0, 2.0, 3.0])
    assert np.isnan(ind.shifted(values)[0])
    assert ind.shifted(values)[1:].tolist() == [1.0, 2.0]
