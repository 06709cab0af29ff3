"""Backtest: the live strategy code run candle by candle over a file, every signal graded.

Each strategy decides at candle ``i`` from the indicator frame, whose values at ``i`` depend on
candles ``0..i`` only (TA-Lib is causal; the look-ahead test proves it per strategy). The result
has the JSON shape of ``manage.py signals_backtest`` and is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trading.futures.signals.candles import Candles
from trading.futures.signals.grading import DEFAULT_FEE_RATE, Graded, Trade, grade
from trading.futures.signals.indicators import Frame, frame
from trading.futures.signals.scorecard import Score, base_rate, score
from trading.futures.signals.strategies import Signal, Strategy, scan


@dataclass(frozen=True)
class StrategyRun:
    """One strategy over one file: its signals, their grades and the scorecard."""

    name: str
    signals: list[Signal]
    graded: list[tuple[Signal, Graded]]
    still_open: int
    score: Score


def signal_trade(s: Signal) -> Trade:
    return Trade(
        decision_time=s.decision_time, direction=s.direction, tp=float(s.tp), sl=float(s.sl),
        horizon=s.horizon_bars, entry_ref=float(s.entry_ref),
    )  # fmt: skip


def run_strategy(
    f: Frame,
    strategy: Strategy,
    *,
    fee_rate: float = DEFAULT_FEE_RATE,
    funding: list[tuple[int, float]] | None = None,
) -> StrategyRun:
    signals = scan(strategy, f)
    graded: list[tuple[Signal, Graded]] = []
    for s in signals:
        result = grade(f.candles, signal_trade(s), fee_rate=fee_rate, funding=funding)
        if isinstance(result, Graded):
            graded.append((s, result))
    longs = sum(s.direction == "LONG" for s, _ in graded)
    base = base_rate(f, strategy.geometry, longs=longs, shorts=len(graded) - longs)
    card = score([g for _, g in graded], base)
    return StrategyRun(strategy.name, signals, graded, len(signals) - len(graded), card)


def run(
    c: Candles,
    strategies: list[Strategy],
    *,
    fee_rate: float = DEFAULT_FEE_RATE,
    funding: list[tuple[int, float]] | None = None,
) -> list[StrategyRun]:
    f = frame(c)
    return [run_strategy(f, s, fee_rate=fee_rate, funding=funding) for s in strategies]


def report(symbol: str, c: Candles, runs: list[StrategyRun]) -> dict[str, Any]:
    """The command's JSON document."""
    return {
        "symbol": symbol,
        "interval": c.interval,
        "bars": len(c),
        "strategies": [_strategy_json(c, run) for run in runs],
    }


def _strategy_json(c: Candles, run: StrategyRun) -> dict[str, Any]:
    card = run.score
    return {
        "name": run.name,
        "signals": card.signals,
        "hit_rate": card.hit_rate,
        "base_rate": card.base_rate,
        "expectancy_r": card.expectancy_r,
        "expectancy_net_r": card.expectancy_net_r,
        "profit_factor": card.profit_factor,
        "avg_mfe_r": card.avg_mfe_r,
        "avg_mae_r": card.avg_mae_r,
        "max_drawdown_r": card.max_drawdown_r,
        "trades": [_trade_json(c, s, g) for s, g in run.graded],
    }


def _trade_json(c: Candles, s: Signal, g: Graded) -> dict[str, Any]:
    return {
        "open_time": s.open_time,
        "direction": s.direction,
        "entry": str(c.price(g.entry)),
        "tp": str(s.tp),
        "sl": str(s.sl),
        "horizon_bars": s.horizon_bars,
        "outcome": g.outcome,
        "exit_time": g.exit_time,
        "r": round(g.r, 6),
    }
