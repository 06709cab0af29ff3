"""The futures-signals notification kind: "new signal", opt-in.

A trader (or operator) receives it only by asking for it: an active subscription that names
``futures.new_signal`` or ``futures.*`` explicitly. A subscription with no kinds listed ("all
kinds") does not include it, so nobody gets a signal stream they did not ask for. Every message
carries the strategy's measured 30-day record (live when it has one, else the backtest), as the
signal screens do: a signal is never shown without its record.
"""

from __future__ import annotations

from notifications.choices import Severity
from notifications.kinds import Kind, register
from notifications.models import Subscription
from notifications.recipients import Recipient

NEW_SIGNAL = register(
    Kind(
        code="futures.new_signal",
        severity=Severity.INFO,
        title_zh="合约信号：{symbol} {interval} {direction_zh}（{strategy}）",
        title_en="Futures signal: {symbol} {interval} {direction} ({strategy_en})",
        body_zh=(
            "参考入场 {entry}，止盈 {tp}，止损 {sl}，持有至多 {horizon} 根K线。\n"
            "该策略近 30 天{record_source_zh}记录：{record_zh}\n投资有风险，信号不构成收益承诺。"
        ),
        body_en=(
            "Entry ref {entry}, TP {tp}, SL {sl}, horizon {horizon} bars.\n"
            "The strategy's last-30-day {record_source_en} record: {record_en}\n"
            "Trading carries risk; a signal promises no return."
        ),
    )
)

OPT_IN_PATTERNS = frozenset({NEW_SIGNAL.code, "futures.*"})


def opted_in() -> list[Recipient]:
    """Everyone whose active subscription names the kind explicitly (never "all kinds")."""
    refs = {
        sub.recipient
        for sub in Subscription.objects.filter(is_active=True).only("recipient", "kinds")
        if OPT_IN_PATTERNS & set(sub.kind_patterns)
    }
    out = []
    for ref in sorted(refs):
        who, pk = ref.split(":", 1)
        out.append(Recipient.trader(int(pk)) if who == "t" else Recipient.user(int(pk)))
    return out
