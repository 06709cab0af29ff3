"""Driving one trade intent to a protected position, exactly once (docs/futures.md#exactly-once).

``intent_advance(intent_id)`` may run any number of times, concurrently, after any crash: it
takes a lease on the intent row (a conditional UPDATE — one holder at a time; a dead holder's
lease lapses after ``LEASE``), then moves the intent from whatever state it is in:

- RECORDED → risk check on live figures → leverage (and isolated margin) → ENTRY_SENT is
  committed → the MARKET entry is sent ONCE with ``newClientOrderId = ft<id>e``;
- ENTRY_SENT (reply lost, worker died) → the entry is looked up by its client id, never re-sent;
- ENTRY_FILLED → each protective leg (SL first, then TP, then the trailing stop) is marked SENT,
  then placed with ``clientAlgoId = ft<id><kind>``; a leg found SENT is looked up the same way;
- a stop that Binance refuses (already crossed: -2021, or any other refusal) closes the position
  at market: a position is never left without its stop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NotRequired, TypedDict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kernel.runtime_config import config_get
from notifications.recipients import Recipient
from notifications.services import notify
from trading.exchanges.binance_futures.account_api import is_no_change
from trading.exchanges.binance_futures.client import FuturesClient
from trading.exchanges.binance_futures.constants import AlgoOrderType, MarginType, PositionSide
from trading.exchanges.errors import NotPlaced, OrderRejected, OutcomeUnknown, TemporaryError
from trading.exchanges.types import OrderResult, Side
from trading.futures_trading import notices
from trading.futures_trading.choices import IntentState, LegKind, LegState
from trading.futures_trading.models import FuturesAccount, ProtectiveLeg, TradeIntent
from trading.futures_trading.services import venues
from trading.futures_trading.services.precheck import refuse, risk_checks
from trading.futures_trading.services.sync import position_opened

log = logging.getLogger("fleet.futures")
LEASE = timedelta(seconds=30)
LEG_ORDER = (LegKind.STOP_LOSS, LegKind.TAKE_PROFIT, LegKind.TRAILING)
LEG_TYPE = {
    LegKind.STOP_LOSS: AlgoOrderType.STOP_MARKET,
    LegKind.TAKE_PROFIT: AlgoOrderType.TAKE_PROFIT_MARKET,
    LegKind.TRAILING: AlgoOrderType.TRAILING_STOP_MARKET,
}
# Test hooks at the crash points the reliability tests exercise ("worker killed here").
AFTER_ENTRY: list[Callable[[TradeIntent], None]] = []


def claim(intent_id: int, now: datetime | None = None) -> bool:
    """Take the intent's lease (one live holder at a time)."""
    now = now or timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    return TradeIntent.objects.filter(free, pk=intent_id).update(lease_until=now + LEASE) == 1


def release(intent_id: int) -> None:
    TradeIntent.objects.filter(pk=intent_id).update(lease_until=None)


def intent_advance(intent_id: int, now: datetime | None = None) -> TradeIntent:
    """Move the intent as far as it can go now (see the module docstring); returns it.
    ``now`` is the clock the lease is judged by (the repair job passes its own)."""
    if not claim(intent_id, now):
        return TradeIntent.objects.get(pk=intent_id)
    intent = TradeIntent.objects.select_related("trader__futures_account__credential").get(
        pk=intent_id
    )
    try:
        _advance(intent)
    except (TemporaryError, OutcomeUnknown) as exc:  # try again on the next advance
        log.warning("futures intent %s paused: %s", intent_id, exc)
        intent.error = str(exc)[:255]
        intent.save(update_fields=["error"])
    except Exception:  # anything else: free the lease at once (a crash keeps it until it lapses)
        release(intent_id)
        raise
    release(intent_id)
    return intent


def _advance(intent: TradeIntent) -> None:
    account = intent.trader.futures_account
    if intent.state == IntentState.RECORDED:
        _enter(intent, account)
    if intent.state == IntentState.ENTRY_SENT:
        _resolve_entry(intent, account)
    if intent.state == IntentState.ENTRY_FILLED:
        for hook in AFTER_ENTRY:
            hook(intent)
        _protect(intent, account)


def _set_state(intent: TradeIntent, state: str, **fields: object) -> None:
    for name, value in fields.items():
        setattr(intent, name, value)
    intent.state = state
    intent.save(update_fields=["state", *fields])


def _enter(intent: TradeIntent, account: FuturesAccount) -> None:
    """Risk check, leverage, margin type, then the one MARKET entry."""
    cred = account.credential
    checked = risk_checks(intent, account)
    if checked.refusals:
        refuse(intent, checked)
        return
    _prepare_symbol(intent, account, checked.has_position)
    _set_state(intent, IntentState.ENTRY_SENT, quantity=checked.quantity,
               position_side=checked.position_side)  # fmt: skip
    try:
        result = venues.call(cred, lambda c: c.place_market_order(
            intent.symbol, Side(intent_direction_side(intent)), intent.quantity,
            intent.client_id("e"), position_side=_position_side(intent),
        ))  # fmt: skip
    except OrderRejected as exc:  # refused before execution: nothing to protect
        _set_state(intent, IntentState.FAILED, error=str(exc)[:255])
        return
    except NotPlaced:
        _set_state(intent, IntentState.FAILED, error="entry not placed")
        return
    _record_entry(intent, result)


def intent_direction_side(intent: TradeIntent) -> str:
    return "BUY" if intent.direction == "LONG" else "SELL"


def _position_side(intent: TradeIntent) -> PositionSide | None:
    return None if intent.position_side == "BOTH" else PositionSide(intent.position_side)


def _prepare_symbol(intent: TradeIntent, account: FuturesAccount, has_position: bool) -> None:
    """Isolated margin (knob) while the symbol has no position, and the chosen leverage — sent
    together. "No need to change" (-4046 margin type, -4059) means it already is: success."""
    key = (account.credential_id, intent.symbol)
    isolated = bool(config_get("futures_isolated_margin")) and not has_position
    isolated = isolated and key not in venues.ISOLATED  # set once per symbol and process

    async def both(c: FuturesClient) -> list[object]:
        calls: list[Awaitable[object]] = [c.set_leverage(intent.symbol, intent.leverage)]
        if isolated:
            calls.append(c.set_margin_type(intent.symbol, MarginType.ISOLATED))
        return await asyncio.gather(*calls, return_exceptions=True)

    outcomes = venues.call(account.credential, both)
    for outcome in outcomes:
        if isinstance(outcome, OrderRejected) and is_no_change(outcome):
            continue
        if isinstance(outcome, BaseException):
            raise outcome
    if isolated:
        venues.ISOLATED.add(key)


def _resolve_entry(intent: TradeIntent, account: FuturesAccount) -> None:
    """The entry's outcome is unknown: look it up by client id (never re-send)."""
    try:
        result = venues.call(
            account.credential,
            lambda c: c.reconcile_order(intent.symbol, intent.client_id("e")),
        )
    except NotPlaced:
        _set_state(intent, IntentState.FAILED, error="entry not placed")
        return
    _record_entry(intent, result)


def _record_entry(intent: TradeIntent, result: OrderResult) -> None:
    if result.executed_base <= 0:
        if result.status.is_final:
            _set_state(intent, IntentState.FAILED, error=f"entry {result.status.value}")
        return  # still open (not for MARKET): the next advance looks again
    with transaction.atomic():
        _set_state(
            intent, IntentState.ENTRY_FILLED, entry_order_id=result.venue_order_id,
            entry_price=result.avg_price or intent.entry_ref, filled_qty=result.executed_base,
            entry_at=result.updated_at or timezone.now(), error="",
        )  # fmt: skip
        notify(
            kind=notices.POSITION_OPENED, key=f"futures:{intent.pk}:opened",
            recipients=[Recipient.trader(intent.trader_id)],
            context={"symbol": intent.symbol, "direction": intent.direction,
                     "qty": intent.filled_qty, "price": intent.entry_price,
                     "leverage": intent.leverage, "stop_loss": intent.stop_loss or "-",
                     "take_profit": intent.take_profit or "-"},
        )  # fmt: skip
    position_opened(intent)


def wanted_legs(intent: TradeIntent) -> list[tuple[str, Decimal | None]]:
    legs = [(LegKind.STOP_LOSS, intent.stop_loss), (LegKind.TAKE_PROFIT, intent.take_profit)]
    if intent.trailing_callback_pct:
        legs.append((LegKind.TRAILING, intent.trailing_activation))
    return [(kind, price) for kind, price in legs if price is not None or kind == LegKind.TRAILING]


def ensure_legs(intent: TradeIntent) -> list[ProtectiveLeg]:
    rows = []
    for kind, price in wanted_legs(intent):
        leg, _ = ProtectiveLeg.objects.get_or_create(
            intent=intent, kind=kind,
            defaults={"client_algo_id": intent.client_id(kind), "trigger_price": price},
        )  # fmt: skip
        rows.append(leg)
    return sorted(rows, key=lambda leg: LEG_ORDER.index(LegKind(leg.kind)))


def _protect(intent: TradeIntent, account: FuturesAccount) -> None:
    """Place every missing leg once (the unsent ones together); PROTECTED when all are acked.
    A refused leg closes the position at market: never a position without its stop."""
    from trading.futures_trading.services.closing import close_at_market

    legs = ensure_legs(intent)
    for leg in legs:
        if leg.state == LegState.SENT:
            _lookup_leg(account, leg)
    pending = [leg for leg in legs if leg.state == LegState.PENDING]
    refused = _place_legs(intent, account, pending) if pending else None
    if refused is not None:
        log.error("futures intent %s: a leg was refused: %s", intent.pk, refused)
        close_at_market(intent, error=refused)
        notify(
            kind=notices.UNPROTECTED, key=f"futures:{intent.pk}:unprotected",
            recipients=[Recipient.trader(intent.trader_id)],
            context={"symbol": intent.symbol, "error": refused},
        )  # fmt: skip
        return
    if all(leg.state != LegState.SENT for leg in legs):
        _set_state(intent, IntentState.PROTECTED, protected_at=timezone.now())


def _lookup_leg(account: FuturesAccount, leg: ProtectiveLeg) -> None:
    """A leg SENT before (reply lost, worker died): look it up; unknown to Binance → PENDING."""
    try:
        algo = venues.call(account.credential, lambda c: c.reconcile_algo_order(leg.client_algo_id))
    except NotPlaced:
        leg.state = LegState.PENDING
        leg.save(update_fields=["state", "updated_at"])
        return
    _leg_acked(leg, algo.algo_id, algo.status.value)


def _place_legs(
    intent: TradeIntent, account: FuturesAccount, legs: list[ProtectiveLeg]
) -> str | None:
    """Mark the legs SENT, send them together; returns a refusal text if Binance refused one."""
    ProtectiveLeg.objects.filter(pk__in=[leg.pk for leg in legs]).update(state=LegState.SENT)
    for leg in legs:
        leg.state = LegState.SENT

    async def place_all(c: FuturesClient) -> list[object]:
        calls = [c.place_algo_order(**leg_params(intent, leg)) for leg in legs]
        return await asyncio.gather(*calls, return_exceptions=True)

    refused, unknown = None, None
    for leg, outcome in zip(legs, venues.call(account.credential, place_all), strict=True):
        if isinstance(outcome, OrderRejected):
            leg.state = LegState.REJECTED
            leg.save(update_fields=["state", "updated_at"])
            refused = refused or str(outcome)[:255]
        elif isinstance(outcome, NotPlaced):
            leg.state = LegState.PENDING
            leg.save(update_fields=["state", "updated_at"])
        elif isinstance(outcome, BaseException):
            unknown = outcome  # stays SENT: the next advance looks it up
        else:
            _leg_acked(leg, outcome.algo_id, outcome.status.value)  # type: ignore[attr-defined]
    if refused is None and unknown is not None:
        raise unknown
    return refused


def _leg_acked(leg: ProtectiveLeg, algo_id: str, status: str) -> None:
    leg.algo_id = algo_id
    leg.state = status.lower() if status.lower() in LegState.values else LegState.NEW
    leg.acked_at = leg.acked_at or timezone.now()
    leg.save(update_fields=["algo_id", "state", "acked_at", "updated_at"])


class LegParams(TypedDict):
    """The arguments of ``FuturesClient.place_algo_order`` for one leg."""

    symbol: str
    side: Side
    order_type: AlgoOrderType
    trigger_price: Decimal | None
    client_algo_id: str
    position_side: PositionSide | None
    quantity: NotRequired[Decimal | None]
    reduce_only: NotRequired[bool]
    activate_price: NotRequired[Decimal | None]
    callback_rate: NotRequired[Decimal | None]
    close_position: NotRequired[bool]


def leg_params(intent: TradeIntent, leg: ProtectiveLeg) -> LegParams:
    """Connector arguments of one leg: closePosition TP/SL; a reduce-only trailing stop."""
    exit_side = Side.SELL if intent.direction == "LONG" else Side.BUY
    params: LegParams = {
        "symbol": intent.symbol, "side": exit_side, "order_type": LEG_TYPE[LegKind(leg.kind)],
        "trigger_price": leg.trigger_price, "client_algo_id": leg.client_algo_id,
        "position_side": _position_side(intent),
    }  # fmt: skip
    if leg.kind == LegKind.TRAILING:
        params.update({"trigger_price": None, "quantity": intent.filled_qty,
                       "reduce_only": intent.position_side == "BOTH",
                       "activate_price": intent.trailing_activation,
                       "callback_rate": intent.trailing_callback_pct})  # fmt: skip
    else:
        params["close_position"] = True
    return params
