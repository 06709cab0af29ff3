"""``manage.py bench_signals``: how long the signal core takes, as JSON.

- ``backtest``: seconds per strategy over a candle file (indicators, candle-by-candle decisions,
  grading, base rate; the model retrains walk-forward inside the file).
- ``live_decide``: one live decision of every strategy on the last ``--window`` candles, cold
  (fresh process state: the model labels and trains) and warm (classifier cached), in ms.

``calibration_s`` times a fixed pure-Python loop first, so figures from different machines or
loads can be compared.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from devtools.bench.calibration import calibration_s
from trading.futures.signals import backtest, candles, registry
from trading.futures.signals import model as model_module
from trading.futures.signals.indicators import frame
from trading.futures.signals.strategies import build_signal

DEFAULT_KLINES = Path("tests/fixtures/market/binance_spot_ETHBTC_5m_2018-01-10_2018-01-30.csv")


class Command(BaseCommand):
    help = "Time the futures-signal core (backtest and one live decision) and print JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--klines", default=str(DEFAULT_KLINES))
        parser.add_argument("--interval", default="5m")
        parser.add_argument("--window", type=int, default=1000, help="candles a live decision sees")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["klines"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        c = candles.read_csv(path, opts["interval"])
        result = {"calibration_s": calibration_s(), "klines": str(path), "bars": len(c)}
        result["backtest_s"] = self._backtest(c)
        result["live_decide_ms"] = self._live(c, opts["window"])
        self.stdout.write(json.dumps(result, indent=1))

    def _backtest(self, c: candles.Candles) -> dict[str, float]:
        f = frame(c)
        out = {}
        for strategy in registry.strategies():
            started = time.perf_counter()
            backtest.run_strategy(f, strategy)
            out[strategy.name] = round(time.perf_counter() - started, 3)
        return out

    def _live(self, c: candles.Candles, window: int) -> dict[str, dict[str, float]]:
        recent = c.since(int(c.open_time[max(0, len(c) - window)]))
        out = {}
        for name in registry.NAMES:
            model_module._CACHE.clear()
            timings = []
            for _ in range(2):  # cold, then warm
                started = time.perf_counter()
                build_signal(registry.strategy(name), frame(recent), len(recent) - 1)
                timings.append(round((time.perf_counter() - started) * 1000, 1))
            out[name] = {"cold": timings[0], "warm": timings[1]}
        return out
