"""The real candles kept in ``tests/fixtures/market/`` (Binance public market data; see its
README) and small builders of hand-made candle tables."""

from __future__ import annotations

from pathlib import Path

from trading.futures.signals import candles

MARKET = Path(__file__).resolve().parents[2] / "fixtures" / "market"
XRP_5M = MARKET / "binance_usdm_XRPUSDT_5m_2021-11-15_2021-11-21.csv"
XRP_1H = MARKET / "binance_usdm_XRPUSDT_1h_2021-11-17_2021-11-21.csv"
ETHBTC_5M = MARKET / "binance_spot_ETHBTC_5m_2018-01-10_2018-01-30.csv"
XRP_FUNDING = MARKET / "binance_usdm_XRPUSDT_funding_8h_2021-11-18_2021-12-18.csv"
T0 = 1_700_000_000_000 // 300_000 * 300_000  # a 5m boundary


def table(
    rows: list[tuple[float, float, float, float]], *, skip: set[int] = frozenset()
) -> candles.Candles:
    """5m candles from ``(open, high, low, close)`` rows; indexes in ``skip`` are left out (a gap)."""
    return candles.from_rows(
        "5m",
        [
            (T0 + k * 300_000, str(o), str(h), str(lo), str(c), "1")
            for k, (o, h, lo, c) in enumerate(rows)
            if k not in skip
        ],
    )
