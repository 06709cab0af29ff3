"""The risk check of one click on live figures, and the refusal it may end in.

``risk_checks`` reads, in one round of concurrent requests, the symbol's rules, the mark price,
the wallet, the leverage brackets and the open position; sizes the entry; and evaluates the risk
envelope (``risk.evaluate``). ``refuse`` records every failed rule in the refusals log, marks the
intent REFUSED and notifies the trader (and, the first time today, that the daily loss limit is
reached) — in one transaction.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from notifications.recipients import Recipient
from notifications.services import notify
from trading.exchanges.binance_futures.client import FuturesClient
from trading.futures_trading import notices, selectors
from trading.futures_trading.choices import IntentState
from trading.futures_trading.core.risk import Proposal, RiskState, RuleCheck, evaluate, failures
from trading.futures_trading.core.sizing import bracket_cap, size_entry
from trading.futures_trading.core.values import Direction
from trading.futures_trading.models import FuturesAccount, RiskRefusal, TradeIntent
from trading.futures_trading.services import venues

ZERO = Decimal(0)


@dataclass
class Checked:
    """The outcome of a risk check: the sized quantity, every rule's verdict, the failures."""

    quantity: Decimal
    price: Decimal
    position_side: str
    has_position: bool
    checks: list[RuleCheck] = field(default_factory=list)

    @property
    def refusals(self) -> list[RuleCheck]:
        return failures(self.checks)


async def _live(client: FuturesClient, symbol: str) -> tuple:
    return await asyncio.gather(
        client.symbol_rules(symbol), client.mark_price(symbol), client.balances(),
        client.leverage_brackets(symbol), client.positions(symbol),
    )  # fmt: skip


def _size_check(problem: str, qty: Decimal, notional: Decimal) -> list[RuleCheck]:
    if not problem:
        return []
    return [RuleCheck("size", False, {"problem": problem, "qty": qty, "notional": notional})]


def risk_checks(intent: TradeIntent, account: FuturesAccount) -> Checked:
    rules, price, balances, brackets, positions = venues.call(
        account.credential, lambda c: _live(c, intent.symbol)
    )
    now = timezone.now()
    usdt = balances.get("USDT")
    wallet = usdt.wallet_balance if usdt else ZERO
    size = size_entry(intent.margin, intent.leverage, price, rules)
    held = [p for p in positions if p.amount]
    streak, last_sl = selectors.sl_streak(intent.trader)
    side = "BOTH" if not account.hedge_mode else intent.direction
    state = RiskState(
        wallet=wallet, symbol_notional=sum((abs(p.notional) for p in held), ZERO),
        trades_today=selectors.trades_today(intent.trader, now),
        realized_today=selectors.realized_today(intent.trader, now),
        unrealized=sum((p.unrealized_pnl for p in held), ZERO)
        + _other_unrealized(intent, held),
        daily_limit_hit=account.loss_locked_on == now.date(), sl_streak=streak,
        last_sl_at=last_sl, last_order_at=selectors.last_order_at(intent.trader, intent.symbol),
        open_trade=selectors.open_trade_on(intent.trader, intent.symbol, side, intent.pk),
    )  # fmt: skip
    proposal = Proposal(
        symbol=intent.symbol, direction=Direction(intent.direction), price=price,
        quantity=size.quantity, leverage=intent.leverage, stop_loss=intent.stop_loss,
        take_profit=intent.take_profit,
        bracket_cap=bracket_cap([(b.initial_leverage, b.notional_cap) for b in brackets],
                                intent.leverage),
    )  # fmt: skip
    checks = _size_check(size.problem, size.quantity, size.notional)
    checks += evaluate(selectors.risk_limits_for(intent.trader), state, proposal, now)
    return Checked(size.quantity, price, side, bool(held), checks)


def _other_unrealized(intent: TradeIntent, held: list) -> Decimal:
    """Unrealized PnL of the trader's other symbols, from the last synced snapshots."""
    return sum(
        (p.unrealized_pnl for p in intent.trader.futures_positions.exclude(symbol=intent.symbol)),
        ZERO,
    )


def refuse(intent: TradeIntent, checked: Checked) -> None:
    """Log every failed rule, mark the intent REFUSED, tell the trader."""
    with transaction.atomic():
        logged = [
            RiskRefusal.objects.create(
                trader=intent.trader,
                intent=intent,
                signal_key=intent.signal_key,
                symbol=intent.symbol,
                rule=check.rule,
                values={k: str(v) for k, v in check.values.items()},
                message_zh=check.text("zh")[:255],
                message_en=check.text("en")[:255],
            )
            for check in checked.refusals
        ]
        first = checked.refusals[0]
        intent.state, intent.error = IntentState.REFUSED, first.text("zh")[:255]
        intent.save(update_fields=["state", "error"])
        notify(
            kind=notices.RISK_REFUSED, key=f"futures:{intent.pk}:refused:{logged[0].pk}",
            recipients=[Recipient.trader(intent.trader_id)],
            context={"symbol": intent.symbol, "message_zh": first.text("zh"),
                     "message_en": first.text("en")},
        )  # fmt: skip
        _daily_lock(intent, checked)


def _daily_lock(intent: TradeIntent, checked: Checked) -> None:
    crossed = next((c for c in checked.refusals if c.rule == "daily_loss"), None)
    account = intent.trader.futures_account
    today = timezone.now().date()
    if crossed is None or account.loss_locked_on == today:
        return
    account.loss_locked_on = today
    account.save(update_fields=["loss_locked_on"])
    notify(
        kind=notices.DAILY_LOSS_LIMIT, key=f"futures:{intent.trader_id}:daily_loss:{today}",
        recipients=[Recipient.trader(intent.trader_id)],
        context={"loss": crossed.values.get("loss"), "limit": crossed.values.get("limit")},
    )  # fmt: skip
