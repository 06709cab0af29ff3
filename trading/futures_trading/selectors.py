"""Reads of futures trading: the limits and state the risk envelope needs, the ratio history,
positions and PnL statistics."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from accounts.models import Trader
from kernel.runtime_config import config_get
from trading.futures_trading.choices import CloseReason, IntentState
from trading.futures_trading.core.risk import RiskLimits
from trading.futures_trading.models import (
    IncomeRecord,
    PositionSnapshot,
    RiskOverride,
    ShareRatio,
    TradeIntent,
)

ZERO = Decimal(0)
PNL_TYPES = ("REALIZED_PNL", "COMMISSION", "FUNDING_FEE")
SENT_STATES = (
    IntentState.ENTRY_SENT, IntentState.ENTRY_FILLED, IntentState.PROTECTED,
    IntentState.CLOSING, IntentState.CLOSED,
)  # fmt: skip


def day_start(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def risk_limits_for(trader: Trader) -> RiskLimits:
    """The runtime knobs with the trader's overrides applied."""
    o = RiskOverride.objects.filter(trader=trader).first()

    def pick(field: str, default: Any) -> Any:
        value = getattr(o, field, None) if o else None
        return value if value is not None else default

    return RiskLimits(
        max_position_notional=pick(
            "max_position_notional", config_get("futures_max_position_notional")
        ),
        max_leverage=pick("max_leverage", config_get("futures_max_leverage")),
        max_trades_per_day=pick("max_trades_per_day", config_get("futures_max_trades_per_day")),
        require_stop_loss=config_get("futures_require_stop_loss"),
        max_loss_per_trade_pct=pick(
            "max_loss_per_trade_pct", config_get("futures_max_loss_per_trade_pct")
        ),
        daily_loss_limit_pct=pick(
            "daily_loss_limit_pct", config_get("futures_daily_loss_limit_pct")
        ),
        sl_streak_limit=pick("sl_streak_limit", config_get("futures_sl_streak_limit")),
        sl_cooldown_minutes=pick("sl_cooldown_minutes", config_get("futures_sl_cooldown_minutes")),
        min_order_notional=config_get("futures_min_order_notional"),
        min_order_interval_s=config_get("futures_min_order_interval_s"),
    )


def share_ratio_at(moment: datetime) -> Decimal:
    """The platform ratio in force at ``moment`` (the default knob before any history row)."""
    row = ShareRatio.objects.filter(effective_from__lte=moment).order_by("-effective_from").first()
    return row.ratio if row else config_get("futures_share_ratio_default")


def trades_today(trader: Trader, now: datetime) -> int:
    return TradeIntent.objects.filter(
        trader=trader, state__in=SENT_STATES, clicked_at__gte=day_start(now)
    ).count()


def realized_today(trader: Trader, now: datetime) -> Decimal:
    total = IncomeRecord.objects.filter(
        trader=trader, income_type__in=PNL_TYPES, time__gte=day_start(now)
    ).aggregate(s=Sum("amount"))["s"]
    return total or ZERO


def unrealized(trader: Trader) -> Decimal:
    total = PositionSnapshot.objects.filter(trader=trader).aggregate(s=Sum("unrealized_pnl"))["s"]
    return total or ZERO


def sl_streak(trader: Trader) -> tuple[int, datetime | None]:
    """Stop-losses in a row among the latest closed trades, and when the last one hit."""
    closed = TradeIntent.objects.filter(trader=trader, state=IntentState.CLOSED).order_by(
        "-closed_at"
    )[:50]
    streak, last = 0, None
    for intent in closed.values("close_reason", "closed_at"):
        if intent["close_reason"] != CloseReason.STOP_LOSS:
            break
        streak += 1
        last = last or intent["closed_at"]
    return streak, last


def last_order_at(trader: Trader, symbol: str) -> datetime | None:
    row = (
        TradeIntent.objects.filter(trader=trader, symbol=symbol, state__in=SENT_STATES)
        .order_by("-clicked_at")
        .values_list("clicked_at", flat=True)
        .first()
    )
    return row


def open_intents(trader: Trader) -> Any:
    return TradeIntent.objects.filter(
        trader=trader,
        state__in=(
            IntentState.ENTRY_FILLED,
            IntentState.PROTECTED,
            IntentState.CLOSING,
        ),
    )


def open_trade_on(trader: Trader, symbol: str, side: str, exclude: int | None) -> int | None:
    """Our open trade on ``symbol`` (and position side), other than ``exclude``."""
    rows = open_intents(trader).filter(symbol=symbol, position_side=side)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return rows.values_list("pk", flat=True).first()


def intent_at(trader: Trader, symbol: str, moment: datetime) -> TradeIntent | None:
    """The trade that held ``symbol`` at ``moment`` (for funding rows without a trade id)."""
    return (
        TradeIntent.objects.filter(trader=trader, symbol=symbol, entry_at__lte=moment)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=moment))
        .order_by("-entry_at")
        .first()
    )


def pnl_by_day(trader: Trader, since: datetime | None = None) -> list[dict[str, Any]]:
    """Per UTC day: gross PnL, fees, funding, net and the cumulative net (for the chart)."""
    rows = IncomeRecord.objects.filter(trader=trader, income_type__in=PNL_TYPES)
    if since is not None:
        rows = rows.filter(time__gte=since)
    days: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for r in rows.values("time", "income_type", "amount"):
        days[r["time"].date().isoformat()][r["income_type"]] += r["amount"]
    out, cumulative = [], ZERO
    for day in sorted(days):
        d = days[day]
        net = d["REALIZED_PNL"] + d["COMMISSION"] + d["FUNDING_FEE"]
        cumulative += net
        out.append({"day": day, "gross": d["REALIZED_PNL"], "fees": d["COMMISSION"],
                    "funding": d["FUNDING_FEE"], "net": net, "cumulative": cumulative})  # fmt: skip
    return out


def pnl_by_trade(trader: Trader) -> list[dict[str, Any]]:
    """Per trade (intent): gross, fees, funding, net — from the income rows attributed to it."""
    sums: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    rows = IncomeRecord.objects.filter(trader=trader, intent__isnull=False)
    for r in rows.values("intent_id", "income_type", "amount"):
        sums[r["intent_id"]][r["income_type"]] += r["amount"]
    out = []
    for intent in TradeIntent.objects.filter(trader=trader, state__in=SENT_STATES):
        s = sums.get(intent.pk, {})
        gross, fees, funding = (s.get(k, ZERO) for k in PNL_TYPES)
        out.append({"intent": intent, "gross": gross, "fees": fees, "funding": funding,
                    "net": gross + fees + funding})  # fmt: skip
    return out


def pnl_totals(trader: Trader) -> dict[str, Any]:
    trades = [t for t in pnl_by_trade(trader) if t["intent"].state == IntentState.CLOSED]
    wins = sum(1 for t in trades if t["net"] > 0)
    total = {k: sum((t[k] for t in trades), ZERO) for k in ("gross", "fees", "funding", "net")}
    total.update(trades=len(trades), wins=wins,
                 win_rate=(Decimal(wins) / len(trades)) if trades else ZERO)  # fmt: skip
    return total


def stale_after(seconds: int, now: datetime) -> datetime:
    return now - timedelta(seconds=seconds)
