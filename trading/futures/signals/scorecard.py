"""Scorecard figures of a list of graded signals, and the base rate they are compared with.

Hit rate = share of graded signals that reached TP. The base rate is the hit rate of entries taken
at random candles of the same data with the same geometry (TP/SL in ATR multiples, horizon) and the
same mix of directions: a strategy only has an edge where it beats it. Drawdown and the losing
streak are measured on net R in decision order.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from trading.futures.signals.grading import Graded, Trade, grade
from trading.futures.signals.indicators import Frame
from trading.futures.signals.strategies import Geometry

BASE_SAMPLES = 1500  # random entries per direction (seeded): enough for ±2.5 % on a rate


@dataclass(frozen=True)
class Score:
    """The scorecard of one strategy on one symbol and interval over one period."""

    signals: int
    hit_rate: float | None
    base_rate: float | None
    expectancy_r: float | None
    expectancy_net_r: float | None
    profit_factor: float | None
    avg_mfe_r: float | None
    avg_mae_r: float | None
    max_drawdown_r: float
    longest_losing_streak: int
    t_stat_net: float | None  # mean / standard error of net R: > 2 is "significantly positive"

    def as_dict(self) -> dict[str, float | int | None]:
        return asdict(self)

    @property
    def beats_base_rate(self) -> bool:
        return (
            self.hit_rate is not None
            and self.base_rate is not None
            and self.hit_rate > self.base_rate
            and (self.expectancy_net_r or 0.0) > 0
        )


def score(trades: Sequence[Graded], base_rate: float | None) -> Score:
    """Figures of ``trades`` (in decision order)."""
    n = len(trades)
    if n == 0:
        return Score(0, None, base_rate, None, None, None, None, None, 0.0, 0, None)
    gross = [t.r for t in trades]
    net = [t.net_r for t in trades]
    wins, losses = sum(r for r in gross if r > 0), -sum(r for r in gross if r < 0)
    return Score(
        signals=n,
        hit_rate=_round(sum(t.outcome == "tp" for t in trades) / n),
        base_rate=base_rate,
        expectancy_r=_round(sum(gross) / n),
        expectancy_net_r=_round(sum(net) / n),
        profit_factor=_round(wins / losses) if losses > 0 else None,
        avg_mfe_r=_round(sum(t.mfe_r for t in trades) / n),
        avg_mae_r=_round(sum(t.mae_r for t in trades) / n),
        max_drawdown_r=_round(max_drawdown(net)) or 0.0,
        longest_losing_streak=longest_losing_streak(net),
        t_stat_net=_round(t_stat(net)) if n > 1 else None,
    )


def max_drawdown(values: Sequence[float]) -> float:
    """Largest drop of the running sum from its previous peak (a positive number, in R)."""
    peak = total = worst = 0.0
    for v in values:
        total += v
        peak = max(peak, total)
        worst = max(worst, peak - total)
    return worst


def longest_losing_streak(values: Sequence[float]) -> int:
    longest = current = 0
    for v in values:
        current = current + 1 if v < 0 else 0
        longest = max(longest, current)
    return longest


def t_stat(values: Sequence[float]) -> float:
    n = len(values)
    mean = sum(values) / n
    var = sum((v - mean) ** 2 for v in values) / (n - 1)
    return mean / math.sqrt(var / n) if var > 0 else 0.0


def base_rate(
    f: Frame,
    geometry: Geometry,
    *,
    longs: int,
    shorts: int,
    seed: int = 0,
    samples: int = BASE_SAMPLES,
) -> float | None:
    """Hit rate of random entries with ``geometry`` and the same long/short mix, on ``f``."""
    if longs + shorts == 0:
        return None
    rates = {d: _random_hit_rate(f, geometry, d, seed, samples) for d in ("LONG", "SHORT")}
    if rates["LONG"] is None or rates["SHORT"] is None:
        return None
    return _round((longs * rates["LONG"] + shorts * rates["SHORT"]) / (longs + shorts))


def _random_hit_rate(
    f: Frame, g: Geometry, direction: str, seed: int, samples: int
) -> float | None:
    c, atr = f.candles, f["atr"]
    usable = [i for i in range(len(c) - g.horizon - 1) if math.isfinite(atr[i]) and atr[i] > 0]
    if not usable:
        return None
    rng = random.Random(f"{seed}:{direction}:{g}")
    picks = usable if len(usable) <= samples else sorted(rng.sample(usable, samples))
    sign = 1.0 if direction == "LONG" else -1.0
    hits = graded = 0
    for i in picks:
        ref = float(c.close[i])
        trade = Trade(
            decision_time=int(c.open_time[i]) + c.step_ms, direction=direction,  # type: ignore[arg-type]
            tp=ref + sign * g.tp_atr * atr[i], sl=ref - sign * g.sl_atr * atr[i],
            horizon=g.horizon, entry_ref=ref,
        )  # fmt: skip
        result = grade(c, trade, fee_rate=0.0)
        if isinstance(result, Graded):
            graded += 1
            hits += result.outcome == "tp"
    return hits / graded if graded else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)
