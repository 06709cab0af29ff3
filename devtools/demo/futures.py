"""Demo fixtures of futures signals (``seed_demo``): market data from the simulator, and 1-minute
feeds next to the default 5m/15m/1h ones so that signals, their grading and the scorecards move
within minutes of ``make demo``."""

from __future__ import annotations

from kernel.runtime_config import config_set
from trading.futures.models import Feed

DEMO_FEEDS = (("BTCUSDT", "1m"), ("ETHUSDT", "1m"))


def seed(stdout) -> list[str]:
    config_set("signals_market_env", "sim")
    for symbol, interval in DEMO_FEEDS:
        Feed.objects.get_or_create(symbol=symbol, interval=interval)
    return [
        "  Futures signals: klines from the simulator (BTCUSDT/ETHUSDT 1m, 5m, 15m, 1h); signals "
        "in the admin (合约信号) and the desktop tab 合约信号; graded after their horizon",
    ]
