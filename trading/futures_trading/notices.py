"""Notification kinds of futures trading (zh/en templates; fields come from each call's context).
Imported from ``FuturesTradingConfig.ready``."""

from __future__ import annotations

from notifications.choices import Severity
from notifications.kinds import Kind, register

POSITION_OPENED = "futures.position_opened"
LEG_FIRED = "futures.leg_fired"
RISK_REFUSED = "futures.risk_refused"
DAILY_LOSS_LIMIT = "futures.daily_loss_limit"
STATEMENT_ISSUED = "futures.statement_issued"
UNPROTECTED = "futures.unprotected"

register(Kind(
    POSITION_OPENED, Severity.INFO,
    "已开仓 {symbol} {direction}", "Position opened: {symbol} {direction}",
    "{symbol} {direction} {qty} @ {price}，杠杆 {leverage}x；止损 {stop_loss}，止盈 {take_profit}。",
    "{symbol} {direction} {qty} @ {price}, {leverage}x; stop-loss {stop_loss}, "
    "take-profit {take_profit}.",
))  # fmt: skip
register(Kind(
    LEG_FIRED, Severity.WARNING,
    "{symbol} {leg}已触发", "{symbol}: {leg_en} hit",
    "{symbol} {direction} 仓位因{leg}平仓，成交价 {price}。另一侧挂单已撤销或失效。",
    "The {symbol} {direction} position was closed by its {leg_en} at {price}; the other leg "
    "was cancelled or expired.",
))  # fmt: skip
register(Kind(
    RISK_REFUSED, Severity.WARNING,
    "风控拒绝：{symbol}", "Risk check refused: {symbol}",
    "{message_zh}", "{message_en}",
))  # fmt: skip
register(Kind(
    DAILY_LOSS_LIMIT, Severity.CRITICAL,
    "已达每日亏损上限", "Daily loss limit reached",
    "今日亏损 {loss} USDT 已达上限 {limit} USDT，UTC 明日 0 点前不再开新仓。",
    "Today's loss of {loss} USDT reached the limit of {limit} USDT; no new entries until "
    "00:00 UTC.",
))  # fmt: skip
register(Kind(
    STATEMENT_ISSUED, Severity.INFO,
    "分成账单已出：{period}", "Profit-share statement: {period}",
    "{period} 净盈亏 {net_pnl} USDT，计费盈利 {chargeable} USDT，平台分成 {platform_share} USDT，"
    "您所得 {trader_share} USDT。",
    "{period}: net PnL {net_pnl} USDT, chargeable {chargeable} USDT, platform share "
    "{platform_share} USDT, yours {trader_share} USDT.",
))  # fmt: skip
register(Kind(
    UNPROTECTED, Severity.CRITICAL,
    "止盈止损被拒，已平仓：{symbol}", "TP/SL refused, position closed: {symbol}",
    "{symbol} 仓位的止盈/止损单被交易所拒绝（{error}），为避免无保护持仓，已按市价平仓。",
    "Binance refused the {symbol} position's TP/SL ({error}); it was closed at market so it "
    "is never left unprotected.",
))  # fmt: skip
