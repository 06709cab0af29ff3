"""How a signal and its strategy's scorecard are shown (admin, API, client): labels in Chinese
(English in the app's .po), figures as measured, and the rule that decides "试验中"."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from trading.futures.models import Scorecard, Signal

LABELS = {
    "trend_ema_adx": _("趋势：EMA交叉 + ADX"),
    "meanrev_rsi_bb": _("均值回归：RSI + 布林带"),
    "breakout_donchian_atr": _("突破：唐奇安通道 + ATR"),
    "model_gbm": _("模型：梯度提升（滚动训练）"),
}
MIN_LIVE_SIGNALS = 20  # below this the live record is too short; the walk-forward backtest speaks
RISK_NOTICE = _(
    "投资有风险：信号是历史统计，不是收益承诺；合约交易可能亏损全部保证金。每个信号旁的成绩单为实测数据。"
)


def label(strategy: str) -> str:
    return str(LABELS.get(strategy, strategy))


def record(cards: dict[str, Scorecard]) -> Scorecard | None:
    """The record a strategy is judged by: live once it has enough signals, else the backtest."""
    live, tested = cards.get("live"), cards.get("backtest")
    if live is not None and live.signals >= MIN_LIVE_SIGNALS:
        return live
    return tested or live


def has_edge(cards: dict[str, Scorecard]) -> bool:
    """True while the measured (out-of-sample) record beats the base rate with positive net R."""
    card = record(cards)
    return bool(card is not None and card.signals >= MIN_LIVE_SIGNALS and card.beats_base_rate)


def card_json(card: Scorecard | None) -> dict[str, Any] | None:
    if card is None:
        return None
    return {
        "source": card.source, "window_days": card.window_days, "signals": card.signals,
        "hit_rate": card.hit_rate, "base_rate": card.base_rate,
        "expectancy_r": card.expectancy_r, "expectancy_net_r": card.expectancy_net_r,
        "profit_factor": card.profit_factor, "avg_mfe_r": card.avg_mfe_r,
        "avg_mae_r": card.avg_mae_r, "max_drawdown_r": card.max_drawdown_r,
        "longest_losing_streak": card.longest_losing_streak,
        "updated_at": card.updated_at.isoformat(),
    }  # fmt: skip


def signal_json(signal: Signal, cards: dict[str, Scorecard]) -> dict[str, Any]:
    outcome = getattr(signal, "outcome", None)
    return {
        "id": signal.pk, "symbol": signal.symbol, "interval": signal.interval,
        "strategy": signal.strategy, "strategy_label": label(signal.strategy),
        "decision_time": signal.decision_time.isoformat(), "direction": signal.direction,
        "confidence": str(signal.confidence), "entry_ref": str(signal.entry_ref),
        "tp": str(signal.tp), "sl": str(signal.sl), "horizon_bars": signal.horizon_bars,
        "reason": signal.reason,
        "outcome": None if outcome is None else {
            "outcome": outcome.outcome, "entry": str(outcome.entry),
            "exit_price": str(outcome.exit_price), "exit_time": outcome.exit_time.isoformat(),
            "r": round(outcome.r, 4), "net_r": round(outcome.net_r, 4),
        },
        "scorecard": {"live": card_json(cards.get("live")),
                      "backtest": card_json(cards.get("backtest"))},
        "has_edge": has_edge(cards),
        "experimental": signal.strategy == "model_gbm" and not has_edge(cards),
    }  # fmt: skip


def _record_text(card: Scorecard | None, lang: str) -> str:
    if card is None or card.signals == 0 or card.hit_rate is None:
        return "暂无记录（样本不足）" if lang == "zh" else "no record yet (too few signals)"
    net = "—" if card.expectancy_net_r is None else f"{card.expectancy_net_r:+.2f}R"
    base = "—" if card.base_rate is None else f"{card.base_rate:.0%}"
    if lang == "zh":
        return f"{card.signals} 个信号，命中率 {card.hit_rate:.0%}（随机基准 {base}），净期望 {net}"
    return f"{card.signals} signals, hit rate {card.hit_rate:.0%} (random base {base}), net {net}"


def _label_in(strategy: str, lang: str) -> str:
    with translation.override(lang):
        return label(strategy)


def notice_context(signal: Signal, cards: dict[str, Scorecard]) -> dict[str, Any]:
    """The "new signal" notification's fields: the signal and its strategy's measured record."""
    card = record(cards)
    source_zh = {"live": "实盘", "backtest": "回测"}.get(card.source, "") if card else ""
    return {
        "symbol": signal.symbol, "interval": signal.interval,
        "strategy": _label_in(signal.strategy, "zh-hans"),
        "strategy_en": _label_in(signal.strategy, "en"),
        "direction": signal.direction,
        "direction_zh": "做多" if signal.direction == "LONG" else "做空",
        "entry": str(signal.entry_ref), "tp": str(signal.tp), "sl": str(signal.sl),
        "horizon": signal.horizon_bars,
        "record_source_zh": source_zh, "record_source_en": card.source if card else "",
        "record_zh": _record_text(card, "zh"), "record_en": _record_text(card, "en"),
    }  # fmt: skip
