"""Look-ahead guard (as Freqtrade's lookahead analysis): every strategy and the model, run on a
file and on the same file cut short, must decide exactly the same signals before the cut. And on a
seeded random walk no strategy may show a significantly positive net expectancy.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import pytest

from tests.trading.futures.market_data import XRP_5M
from trading.futures.signals import backtest, candles, registry
from trading.futures.signals.indicators import Frame, frame
from trading.futures.signals.strategies import Geometry, Strategy, scan


def _decided(c: candles.Candles, strategy: Strategy) -> list:
    return scan(strategy, frame(c))


@pytest.mark.parametrize("name", registry.NAMES)
@pytest.mark.parametrize("cut", [1100, 1650])
def test_signals_before_the_cut_do_not_change(name: str, cut: int) -> None:
    full = candles.read_csv(XRP_5M, "5m")
    before = [s for s in _decided(full, registry.strategy(name)) if s.index < cut]
    short = _decided(full.head(cut), registry.strategy(name))
    assert short == before
    if name != registry.MODEL_NAME or cut > 1500:
        assert before, f"{name} decided nothing before {cut}: the comparison would be empty"


PEEK_GEOMETRY = Geometry(tp_atr=1.0, sl_atr=1.0, horizon=6)


@dataclass(frozen=True)
class PeeksAhead:
    """A deliberately broken strategy that reads the next close: the guard must catch it."""

    name: str = "peeks_ahead"
    geometry: Geometry = PEEK_GEOMETRY

    def decide(self, f: Frame, i: int):
        close = f["close"]
        if i + 1 < len(close) and close[i + 1] > close[i] * 1.002:
            return "LONG", 0.9, {}
        return None


def test_the_guard_catches_a_strategy_that_peeks() -> None:
    full = candles.read_csv(XRP_5M, "5m")
    cut = 1200
    before = [s for s in _decided(full, PeeksAhead()) if s.index < cut]
    assert _decided(full.head(cut), PeeksAhead()) != before


def random_walk(n: int, seed: int) -> candles.Candles:
    """A seeded geometric random walk of 5m candles with intrabar wicks."""
    rng = random.Random(seed)
    price, rows = 100.0, []
    for k in range(n):
        opened = price
        steps = [opened * math.exp(rng.gauss(0, 0.0012)) for _ in range(4)]
        price = steps[-1]
        high, low = max(opened, *steps), min(opened, *steps)
        rows.append(
            (k * 300_000, f"{opened:.4f}", f"{high:.4f}", f"{low:.4f}", f"{price:.4f}", "100")
        )
    return candles.from_rows("5m", rows)


def test_no_strategy_has_an_edge_on_a_random_walk() -> None:
    runs = backtest.run(random_walk(6000, seed=16), registry.strategies())
    for run in runs:
        card = run.score
        assert card.signals >= 5, f"{run.name}: too few signals to judge"
        assert card.t_stat_net is not None and card.t_stat_net < 2.0, (run.name, card)


def test_the_edge_test_can_fail() -> None:
    """The peeking strategy shows a significant edge on the same walk (so the bound means something)."""
    run = backtest.run(random_walk(4000, seed=16), [PeeksAhead()])[0]
    assert run.score.t_stat_net is not None and run.score.t_stat_net > 2.0
