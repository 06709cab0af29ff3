"""How a position ends: a leg fires (then the other legs must be confirmed EXPIRED or be
cancelled), the trader closes it (reduce-only MARKET, then the legs are cancelled), or its stop
could not be placed (closed at market at once). Each step is idempotent.

Binance expires ``closePosition`` legs by itself when the position goes to zero (an ALGO_UPDATE
with status EXPIRED; docs/futures.md#after-a-leg-fires) — ``settle_legs`` checks every leg that is
still live and cancels it if it did not expire.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from notifications.recipients import Recipient
from notifications.services import notify
from trading.exchanges.binance_futures.client import FuturesClient
from trading.exchanges.binance_futures.models import AlgoOrder
from trading.exchanges.errors import NotPlaced, OrderNotFound, OrderRejected
from trading.exchanges.types import Side
from trading.futures_trading import notices
from trading.futures_trading.choices import (
    LIVE_LEG_STATES,
    CloseReason,
    IntentState,
    LegKind,
    LegState,
)
from trading.futures_trading.models import ProtectiveLeg, TradeIntent
from trading.futures_trading.services import venues

log = logging.getLogger("fleet.futures")
LEG_NAMES = {LegKind.STOP_LOSS: ("止损", "stop-loss"), LegKind.TAKE_PROFIT: ("止盈", "take-profit"),
             LegKind.TRAILING: ("移动止损", "trailing stop")}  # fmt: skip
STATUS_TO_LEG = {s.upper(): s for s in LegState.values}


def leg_status(leg: ProtectiveLeg, status: str, *, actual_order_id: str = "",
               price: Decimal | None = None) -> bool:  # fmt: skip
    """Record a leg's venue status (stream or lookup); True when it is news."""
    new = STATUS_TO_LEG.get(status.upper())
    if new is None or new == leg.state:
        return False
    leg.state = new
    if actual_order_id:
        leg.actual_order_id = actual_order_id
    if price:
        leg.fill_price = price
    leg.save(update_fields=["state", "actual_order_id", "fill_price", "updated_at"])
    return True


def leg_fired(leg: ProtectiveLeg) -> None:
    """A leg FINISHED: the position is closed by it; settle the others and close the intent."""
    intent = leg.intent
    if intent.state == IntentState.CLOSED:
        return
    settle_legs(intent, except_leg=leg)
    with transaction.atomic():
        _close(intent, CloseReason(leg.kind), leg.fill_price)
        zh, en = LEG_NAMES[LegKind(leg.kind)]
        notify(
            kind=notices.LEG_FIRED, key=f"futures:{intent.pk}:fired:{leg.kind}",
            recipients=[Recipient.trader(intent.trader_id)],
            context={"symbol": intent.symbol, "direction": intent.direction, "leg": zh,
                     "leg_en": en, "price": leg.fill_price or "-"},
        )  # fmt: skip


def _close(intent: TradeIntent, reason: str, price: Decimal | None) -> None:
    from trading.futures_trading.services.sync import position_closed

    position_closed(intent)
    intent.state, intent.close_reason = IntentState.CLOSED, reason
    intent.closed_at = timezone.now()
    intent.close_price = price or intent.close_price
    intent.save(update_fields=["state", "close_reason", "closed_at", "close_price"])


def _algo_order(client_algo_id: str) -> Callable[[FuturesClient], Awaitable[AlgoOrder]]:
    """The venue call that looks up one algo order."""
    return lambda c: c.get_algo_order(client_algo_id)


def settle_legs(intent: TradeIntent, except_leg: ProtectiveLeg | None = None) -> None:
    """Every still-live leg: look it up; EXPIRED/CANCELED is recorded; still NEW is cancelled."""
    cred = intent.trader.futures_account.credential
    for leg in intent.legs.filter(state__in=LIVE_LEG_STATES):
        if except_leg is not None and leg.pk == except_leg.pk:
            continue
        try:
            algo = venues.call(cred, _algo_order(leg.client_algo_id))
        except OrderNotFound:
            leg_status(leg, "CANCELED")
            continue
        if algo.status.value == "NEW":
            _cancel(cred, leg)
        else:
            leg_status(leg, algo.status.value)


def _cancel(cred, leg: ProtectiveLeg) -> None:  # type: ignore[no-untyped-def]
    try:
        venues.call(cred, lambda c: c.cancel_algo_order(leg.client_algo_id))
        leg_status(leg, "CANCELED")
    except OrderNotFound:  # it finished/expired meanwhile: read its final state
        algo = venues.call(cred, lambda c: c.get_algo_order(leg.client_algo_id))
        leg_status(leg, algo.status.value)


def close_at_market(intent: TradeIntent, *, reason_leg: ProtectiveLeg | None = None,
                    error: str = "", manual: bool = False) -> TradeIntent:  # fmt: skip
    """Reduce-only MARKET for the intent's quantity (client id ``ft<id>c``, sent once; a replay
    looks it up), then the legs are settled and the intent CLOSED."""
    if intent.state == IntentState.CLOSED:
        return intent
    cred = intent.trader.futures_account.credential
    exit_side = Side.SELL if intent.direction == "LONG" else Side.BUY
    cid = intent.client_id("c")
    hedge = intent.position_side != "BOTH"
    if not intent.close_sent:
        intent.state, intent.close_sent = IntentState.CLOSING, True
        intent.error = error or intent.error
        intent.save(update_fields=["state", "close_sent", "error"])
        from trading.futures_trading.services.execution import _position_side

        try:
            result = venues.call(cred, lambda c: c.place_market_order(
                intent.symbol, exit_side, intent.filled_qty, cid,
                reduce_only=not hedge, position_side=_position_side(intent),
            ))  # fmt: skip
        except OrderRejected as exc:  # -2022: nothing left to reduce (a leg closed it first)
            log.warning("futures close of intent %s refused: %s", intent.pk, exc)
            result = None
    else:
        try:
            result = venues.call(cred, lambda c: c.reconcile_order(intent.symbol, cid))
        except (NotPlaced, OrderRejected):
            result = None
    settle_legs(intent)
    reason = CloseReason.MANUAL if manual else CloseReason.EXTERNAL
    _close(intent, reason, result.avg_price if result else None)
    return intent
