"""The repair job (beat): no intent stays half-done and no position stays without its stop.

- an intent left in RECORDED / ENTRY_SENT / ENTRY_FILLED by a dead worker (lease lapsed) is
  advanced again — the entry is looked up, never re-sent; missing legs are placed once;
- for every PROTECTED intent the venue's position and algo orders are compared with ours: a
  position that is gone closes the intent (a leg that FINISHED is recorded as the reason, the
  others are settled); a live position whose stop is no longer open gets it placed again.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from trading.exchanges.binance_futures.client import FuturesClient
from trading.exchanges.errors import ExchangeError, OrderNotFound
from trading.futures_trading.choices import IntentState, LegKind, LegState
from trading.futures_trading.models import TradeIntent
from trading.futures_trading.services import venues
from trading.futures_trading.services.closing import leg_fired, leg_status, settle_legs
from trading.futures_trading.services.execution import claim, intent_advance, release

log = logging.getLogger("fleet.futures")
STUCK = (IntentState.RECORDED, IntentState.ENTRY_SENT, IntentState.ENTRY_FILLED)
GRACE = timedelta(seconds=5)


def repair_once(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    stuck = TradeIntent.objects.filter(free, state__in=STUCK, clicked_at__lt=now - GRACE)
    advanced = 0
    for pk in stuck.values_list("pk", flat=True):
        intent_advance(pk, now)
        advanced += 1
    checked = 0
    for intent in TradeIntent.objects.filter(free, state=IntentState.PROTECTED).select_related(
        "trader__futures_account__credential"
    ):
        try:
            check_protected(intent, now)
        except ExchangeError as exc:
            log.warning("futures repair of intent %s: %s", intent.pk, exc)
        checked += 1
    return {"advanced": advanced, "checked": checked}


async def _venue_view(client: FuturesClient, intent: TradeIntent, cids: list[str]):  # type: ignore[no-untyped-def]
    positions = await client.positions(intent.symbol)
    side = intent.position_side
    amount = sum((p.amount for p in positions if p.position_side in (side, "BOTH")), start=0)

    async def status(cid: str) -> str:
        try:
            return (await client.get_algo_order(cid)).status.value
        except OrderNotFound:
            return "CANCELED"

    return amount, await asyncio.gather(*(status(c) for c in cids))


def check_protected(intent: TradeIntent, now: datetime | None = None) -> None:
    if not claim(intent.pk, now):
        return
    try:
        legs = list(intent.legs.all())
        cred = intent.trader.futures_account.credential
        amount, statuses = venues.call(
            cred, lambda c: _venue_view(c, intent, [leg.client_algo_id for leg in legs])
        )
        for leg, status in zip(legs, statuses, strict=True):
            leg_status(leg, status)
        fired = next((leg for leg in legs if leg.state == LegState.FINISHED), None)
        if fired is not None:
            leg_fired(fired)
        elif not amount:
            settle_legs(intent)
            intent.refresh_from_db()
            if intent.state != IntentState.CLOSED:
                from trading.futures_trading.services.closing import _close

                _close(intent, "external", None)
        else:
            _restore_stop(intent, legs)
    finally:
        release(intent.pk)
    if intent.state == IntentState.ENTRY_FILLED:
        intent_advance(intent.pk, now)


def _restore_stop(intent: TradeIntent, legs: list) -> None:  # type: ignore[type-arg]
    """The position is open but a leg is no longer live: place it again (same client id)."""
    dead = [leg for leg in legs if leg.state in (LegState.CANCELED, LegState.EXPIRED,
                                                 LegState.REJECTED)]  # fmt: skip
    if not dead:
        return
    for leg in dead:
        log.warning("futures intent %s lost its %s leg: placing it again", intent.pk, leg.kind)
        leg.state = LegState.PENDING
        leg.save(update_fields=["state", "updated_at"])
    if any(leg.kind == LegKind.STOP_LOSS for leg in dead):
        intent.protected_at = None
    intent.state = IntentState.ENTRY_FILLED
    intent.save(update_fields=["state", "protected_at"])
