"""Regenerate ``client_desktop/ui/demo_signals.json``: the signals tab's screenshot data.

Real numbers only: the XRPUSDT 5m Binance candles of ``tests/fixtures/market/``, the signals the
strategies decided on them and their backtest scorecards, exactly as ``signals_backtest`` computes
them. Run: ``PYTHONPATH=. .venv/bin/python scripts/signals_demo_data.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from trading.futures.signals import backtest, candles, registry

ROOT = Path(__file__).resolve().parent.parent
KLINES = ROOT / "tests/fixtures/market/binance_usdm_XRPUSDT_5m_2021-11-15_2021-11-21.csv"
FUNDING = ROOT / "tests/fixtures/market/binance_usdm_XRPUSDT_funding_8h_2021-11-18_2021-12-18.csv"
OUT = ROOT / "client_desktop/ui/demo_signals.json"
LABELS = {
    "trend_ema_adx": ("趋势：EMA交叉 + ADX", "Trend: EMA cross + ADX"),
    "meanrev_rsi_bb": ("均值回归：RSI + 布林带", "Mean reversion: RSI + Bollinger"),
    "breakout_donchian_atr": ("突破：唐奇安通道 + ATR", "Breakout: Donchian + ATR"),
    "model_gbm": ("模型：梯度提升（滚动训练）", "Model: gradient boosting (walk-forward)"),
}


def card(run: backtest.StrategyRun) -> dict:
    s = run.score
    return {
        "source": "backtest", "window_days": 7, "signals": s.signals, "hit_rate": s.hit_rate,
        "base_rate": s.base_rate, "expectancy_r": s.expectancy_r,
        "expectancy_net_r": s.expectancy_net_r, "profit_factor": s.profit_factor,
        "avg_mfe_r": s.avg_mfe_r, "avg_mae_r": s.avg_mae_r, "max_drawdown_r": s.max_drawdown_r,
        "longest_losing_streak": s.longest_losing_streak,
    }  # fmt: skip


def main() -> None:
    c = candles.read_csv(KLINES, "5m")
    runs = backtest.run(c, registry.strategies(), funding=candles.read_funding_csv(FUNDING))
    rows: list[dict[str, Any]] = []
    for run in runs:
        for s, g in run.graded[-3:]:
            rows.append({
                "id": len(rows) + 1, "symbol": "XRPUSDT", "interval": "5m", "strategy": s.strategy,
                "strategy_label": LABELS[s.strategy][0], "strategy_label_en": LABELS[s.strategy][1],
                "decision_time_ms": s.decision_time, "direction": s.direction,
                "confidence": str(s.confidence), "entry_ref": str(s.entry_ref), "tp": str(s.tp),
                "sl": str(s.sl), "horizon_bars": s.horizon_bars, "reason": s.reason,
                "outcome": {"outcome": g.outcome, "net_r": round(g.net_r, 4)},
                "scorecard": {"live": None, "backtest": card(run)},
                "has_edge": run.score.beats_base_rate and run.score.signals >= 20,
                "experimental": s.strategy == "model_gbm"
                and not (run.score.beats_base_rate and run.score.signals >= 20),
            })  # fmt: skip
    rows.sort(key=lambda r: -r["decision_time_ms"])
    bars = [
        [int(t), float(o), float(h), float(lo), float(cl)]
        for t, o, h, lo, cl in zip(c.open_time, c.open, c.high, c.low, c.close, strict=True)
    ]
    OUT.write_text(json.dumps({"signals": rows, "candles": bars[-400:]}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
