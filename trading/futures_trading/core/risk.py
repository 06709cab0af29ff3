"""The risk envelope: every rule a new entry must pass, as pure functions of values.

``evaluate(limits, state, proposal, now)`` returns one :class:`RuleCheck` per rule, passed or not,
each with the numbers it compared — the confirmation dialog lists them all, the service refuses on
the first failure and stores every failure in the refusals log. Messages exist in Chinese and
English (``RuleCheck.text(lang)``); they state the limit and the value that broke it.

Rules (docs/futures.md#risk): leverage cap; position notional cap (operator limit and the
leverage bracket's cap); trades per UTC day; a stop-loss is mandatory and on the losing side of
the entry; loss at the stop ≤ X % of the wallet; daily loss limit on realized + unrealized PnL
(once crossed, no entries until the next UTC day); a cooldown after N stop-losses in a row
(Freqtrade's StoplossGuard); pacing within Binance's Futures Trading Quantitative Rules — no
new order on a symbol less than 5 s after the previous one (no cancel–replace loops) and no order
under $50 notional unless reduce-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from trading.futures_trading.core.sizing import TAKER_FEE, worst_case_loss
from trading.futures_trading.core.values import Direction

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class RiskLimits:
    """The limits in force for one trader (runtime knobs with per-trader overrides applied)."""

    max_position_notional: Decimal = Decimal("5000")
    max_leverage: int = 20
    max_trades_per_day: int = 10
    require_stop_loss: bool = True
    max_loss_per_trade_pct: Decimal = Decimal("2")
    daily_loss_limit_pct: Decimal = Decimal("5")
    sl_streak_limit: int = 3
    sl_cooldown_minutes: int = 240
    min_order_notional: Decimal = Decimal("50")
    min_order_interval_s: int = 5


@dataclass(frozen=True)
class RiskState:
    """What the platform knows about the trader when they click."""

    wallet: Decimal
    symbol_notional: Decimal = ZERO  # open notional already on this symbol
    trades_today: int = 0
    realized_today: Decimal = ZERO  # net: realized PnL − fees ± funding, this UTC day
    unrealized: Decimal = ZERO
    daily_limit_hit: bool = False  # crossed earlier today (stays until the next UTC day)
    sl_streak: int = 0  # stop-losses in a row, most recent first
    last_sl_at: datetime | None = None
    last_order_at: datetime | None = None  # last order on this symbol
    open_trade: int | None = None  # our open trade on this symbol (and side, in Hedge mode)


@dataclass(frozen=True)
class Proposal:
    """The entry about to be sent."""

    symbol: str
    direction: Direction
    price: Decimal
    quantity: Decimal
    leverage: int
    stop_loss: Decimal | None
    take_profit: Decimal | None
    bracket_cap: Decimal = ZERO  # 0: unknown (not checked)
    reduce_only: bool = False
    fee_rate: Decimal = TAKER_FEE

    @property
    def notional(self) -> Decimal:
        return self.quantity * self.price


@dataclass(frozen=True)
class RuleCheck:
    """One rule's verdict and the numbers behind it."""

    rule: str
    ok: bool
    values: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "zh") -> str:
        zh, en = (PASS if self.ok else FAIL)[self.rule]
        template = en if lang == "en" else zh
        return template.format(**{k: _fmt(v) for k, v in self.values.items()})


def _fmt(value: Any) -> str:
    if isinstance(value, Decimal):
        return f"{value.quantize(Decimal('0.01')):,}" if abs(value) >= 1 else f"{value:.4f}"
    return str(value)


FAIL: dict[str, tuple[str, str]] = {
    "symbol_busy": (
        "{symbol} 已有持仓（交易 #{trade}），请先平仓再开新仓：同一仓位上的止盈止损会平掉整个仓位。",
        "{symbol} already has an open position (trade #{trade}); close it first: its TP/SL "
        "would close the whole position.",
    ),
    "size": (
        "按所选保证金和杠杆算出的数量 {qty} 不可下单（{problem}）：请调整保证金或杠杆。",
        "The quantity {qty} from the chosen margin and leverage cannot be ordered ({problem}); "
        "change the margin or the leverage.",
    ),
    "leverage": (
        "杠杆 {leverage}x 超过上限 {limit}x。",
        "Leverage {leverage}x is above the limit of {limit}x.",
    ),
    "position_notional": (
        "持仓名义价值 {notional} USDT 超过上限 {limit} USDT（本单 {order} + 已有 {existing}）。",
        "Position notional {notional} USDT is above the limit of {limit} USDT "
        "(this order {order} + existing {existing}).",
    ),
    "bracket": (
        "{leverage}x 杠杆下交易所允许的最大名义价值为 {limit} USDT，本次持仓将达 {notional} USDT。",
        "At {leverage}x the exchange allows at most {limit} USDT notional; this position "
        "would be {notional} USDT.",
    ),
    "trades_per_day": (
        "今日已开仓 {count} 笔，达到每日上限 {limit} 笔，请明天（UTC）再试。",
        "{count} trades opened today, the daily limit is {limit}; try again tomorrow (UTC).",
    ),
    "stop_loss_required": (
        "必须设置止损：该信号没有止损价，不能下单。",
        "A stop-loss is mandatory: this signal has no stop-loss price, so no trade.",
    ),
    "stop_loss_side": (
        "止损价 {stop} 不在开仓价 {price} 的亏损一侧（{direction}）。",
        "Stop-loss {stop} is not on the losing side of the entry {price} ({direction}).",
    ),
    "take_profit_side": (
        "止盈价 {tp} 不在开仓价 {price} 的盈利一侧（{direction}）。",
        "Take-profit {tp} is not on the winning side of the entry {price} ({direction}).",
    ),
    "loss_per_trade": (
        "触发止损时最多亏损 {loss} USDT，超过钱包 {wallet} USDT 的 {pct}%（上限 {limit} USDT）。",
        "Hitting the stop would lose up to {loss} USDT, more than {pct}% of the {wallet} USDT "
        "wallet (limit {limit} USDT).",
    ),
    "daily_loss": (
        "今日亏损 {loss} USDT（已实现 + 未实现）已达上限 {limit} USDT（钱包的 {pct}%），"
        "UTC 明日 0 点前不再开新仓。",
        "Today's loss of {loss} USDT (realized + unrealized) reached the limit of {limit} USDT "
        "({pct}% of the wallet); no new entries until 00:00 UTC.",
    ),
    "sl_cooldown": (
        "已连续止损 {streak} 次，冷却中，{until} (UTC) 后可再开仓。",
        "{streak} stop-losses in a row: cooling down until {until} UTC.",
    ),
    "pacing": (
        "{symbol} 上一笔下单距今仅 {elapsed} 秒，两次下单至少间隔 {limit} 秒（币安量化交易规则）。",
        "The previous order on {symbol} was {elapsed} s ago; orders must be at least {limit} s "
        "apart (Binance Futures Trading Quantitative Rules).",
    ),
    "min_notional": (
        "下单名义价值 {notional} USDT 低于 {limit} USDT（非只减仓单的最低要求）。",
        "Order notional {notional} USDT is below {limit} USDT (the minimum for non-reduce-only "
        "orders).",
    ),
}
PASS: dict[str, tuple[str, str]] = {
    "symbol_busy": ("{symbol} 无其他持仓", "No other open trade on {symbol}"),
    "size": ("数量 {qty}", "Quantity {qty}"),
    "leverage": ("杠杆 {leverage}x ≤ {limit}x", "Leverage {leverage}x ≤ {limit}x"),
    "position_notional": (
        "持仓名义价值 {notional} ≤ {limit} USDT",
        "Position notional {notional} ≤ {limit} USDT",
    ),
    "bracket": ("交易所档位上限 {limit} USDT", "Exchange bracket cap {limit} USDT"),
    "trades_per_day": ("今日第 {next} 笔（上限 {limit}）", "Trade {next} today (limit {limit})"),
    "stop_loss_required": ("已设置止损", "Stop-loss set"),
    "stop_loss_side": ("止损价 {stop} 方向正确", "Stop-loss {stop} on the right side"),
    "take_profit_side": ("止盈价方向正确", "Take-profit on the right side"),
    "loss_per_trade": (
        "最坏亏损 {loss} ≤ {limit} USDT（钱包的 {pct}%）",
        "Worst-case loss {loss} ≤ {limit} USDT ({pct}% of wallet)",
    ),
    "daily_loss": (
        "今日盈亏 {pnl} USDT，亏损上限 {limit} USDT",
        "Today's PnL {pnl} USDT, loss limit {limit} USDT",
    ),
    "sl_cooldown": (
        "连续止损 {streak} 次（上限 {limit}）",
        "{streak} stop-losses in a row (limit {limit})",
    ),
    "pacing": ("下单间隔正常", "Order pacing OK"),
    "min_notional": ("名义价值 {notional} ≥ {limit} USDT", "Notional {notional} ≥ {limit} USDT"),
}


def check_leverage(limits: RiskLimits, p: Proposal) -> RuleCheck:
    return RuleCheck("leverage", p.leverage <= limits.max_leverage,
                     {"leverage": p.leverage, "limit": limits.max_leverage})  # fmt: skip


def check_notional(limits: RiskLimits, state: RiskState, p: Proposal) -> RuleCheck:
    total = state.symbol_notional + p.notional
    values = {"notional": total, "limit": limits.max_position_notional, "order": p.notional,
              "existing": state.symbol_notional}  # fmt: skip
    return RuleCheck("position_notional", total <= limits.max_position_notional, values)


def check_bracket(state: RiskState, p: Proposal) -> RuleCheck:
    total = state.symbol_notional + p.notional
    ok = not p.bracket_cap or total <= p.bracket_cap
    return RuleCheck("bracket", ok,
                     {"leverage": p.leverage, "limit": p.bracket_cap, "notional": total})  # fmt: skip


def check_trades_per_day(limits: RiskLimits, state: RiskState) -> RuleCheck:
    ok = state.trades_today < limits.max_trades_per_day
    values = {"count": state.trades_today, "next": state.trades_today + 1,
              "limit": limits.max_trades_per_day}  # fmt: skip
    return RuleCheck("trades_per_day", ok, values)


def check_stop_loss(limits: RiskLimits, p: Proposal) -> list[RuleCheck]:
    if p.stop_loss is None:
        return [RuleCheck("stop_loss_required", not limits.require_stop_loss)]
    wrong = (p.stop_loss - p.price) * p.direction.sign >= 0
    values = {"stop": p.stop_loss, "price": p.price, "direction": p.direction.value}
    return [RuleCheck("stop_loss_required", True), RuleCheck("stop_loss_side", not wrong, values)]


def check_take_profit(p: Proposal) -> list[RuleCheck]:
    if p.take_profit is None:
        return []
    wrong = (p.take_profit - p.price) * p.direction.sign <= 0
    values = {"tp": p.take_profit, "price": p.price, "direction": p.direction.value}
    return [RuleCheck("take_profit_side", not wrong, values)]


def check_loss_per_trade(limits: RiskLimits, state: RiskState, p: Proposal) -> list[RuleCheck]:
    if p.stop_loss is None:
        return []
    loss = worst_case_loss(p.quantity, p.price, p.stop_loss, p.fee_rate)
    limit = state.wallet * limits.max_loss_per_trade_pct / HUNDRED
    values = {"loss": loss, "wallet": state.wallet, "pct": limits.max_loss_per_trade_pct,
              "limit": limit}  # fmt: skip
    return [RuleCheck("loss_per_trade", loss <= limit, values)]


def daily_loss_crossed(limits: RiskLimits, state: RiskState) -> bool:
    """True when today's realized + unrealized loss reaches the limit (or already did today)."""
    limit = state.wallet * limits.daily_loss_limit_pct / HUNDRED
    return state.daily_limit_hit or -(state.realized_today + state.unrealized) >= limit


def check_daily_loss(limits: RiskLimits, state: RiskState) -> RuleCheck:
    pnl = state.realized_today + state.unrealized
    limit = state.wallet * limits.daily_loss_limit_pct / HUNDRED
    values = {"pnl": pnl, "loss": max(ZERO, -pnl), "limit": limit,
              "pct": limits.daily_loss_limit_pct}  # fmt: skip
    return RuleCheck("daily_loss", not daily_loss_crossed(limits, state), values)


def check_cooldown(limits: RiskLimits, state: RiskState, now: datetime) -> RuleCheck:
    until = None
    if state.sl_streak >= limits.sl_streak_limit and state.last_sl_at is not None:
        until = state.last_sl_at + timedelta(minutes=limits.sl_cooldown_minutes)
    cooling = until is not None and now < until
    values = {"streak": state.sl_streak, "limit": limits.sl_streak_limit,
              "until": until.strftime("%Y-%m-%d %H:%M") if until else ""}  # fmt: skip
    return RuleCheck("sl_cooldown", not cooling, values)


def check_pacing(limits: RiskLimits, state: RiskState, p: Proposal, now: datetime) -> RuleCheck:
    elapsed = (now - state.last_order_at).total_seconds() if state.last_order_at else None
    ok = elapsed is None or elapsed >= limits.min_order_interval_s
    values = {"symbol": p.symbol, "elapsed": f"{elapsed:.1f}" if elapsed is not None else "",
              "limit": limits.min_order_interval_s}  # fmt: skip
    return RuleCheck("pacing", ok, values)


def check_symbol_free(state: RiskState, p: Proposal) -> RuleCheck:
    return RuleCheck("symbol_busy", state.open_trade is None,
                     {"symbol": p.symbol, "trade": state.open_trade or ""})  # fmt: skip


def check_min_notional(limits: RiskLimits, p: Proposal) -> RuleCheck:
    ok = p.reduce_only or p.notional >= limits.min_order_notional
    return RuleCheck("min_notional", ok,
                     {"notional": p.notional, "limit": limits.min_order_notional})  # fmt: skip


def evaluate(
    limits: RiskLimits, state: RiskState, proposal: Proposal, now: datetime
) -> list[RuleCheck]:
    """Every rule's verdict for ``proposal`` (passed ones included, in a fixed order)."""
    p = proposal
    return [
        check_daily_loss(limits, state),
        check_cooldown(limits, state, now),
        check_trades_per_day(limits, state),
        check_symbol_free(state, p),
        *check_stop_loss(limits, p),
        *check_take_profit(p),
        check_leverage(limits, p),
        check_notional(limits, state, p),
        check_bracket(state, p),
        *check_loss_per_trade(limits, state, p),
        check_min_notional(limits, p),
        check_pacing(limits, state, p, now),
    ]


def failures(checks: list[RuleCheck]) -> list[RuleCheck]:
    return [c for c in checks if not c.ok]
