"""Stream events → the machine (called by the stream process, one credential's order events in
order): order updates become ledger rows and Buy/SellProgress; a leg we did not know yet (its
frames can beat the placement's HTTP reply) is adopted by its terms; price ticks and stream
trouble pause the bots concerned."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import transaction

from trading.alpha.choices import LegRole
from trading.alpha.core import machine as m
from trading.alpha.core.reasons import PauseReason
from trading.alpha.models import AlphaBot, AlphaCycle, AlphaLeg
from trading.alpha.services import ledger
from trading.alpha.services.events import apply_event, bot_locked
from trading.alpha.services.ledger import FillRow
from trading.exchanges.binance_alpha.models import AlphaOrderUpdate

log = logging.getLogger("fleet.alpha")
AWAITED = {m.Phase.SELLING: LegRole.PENDING, m.Phase.SWEEPING: LegRole.SWEEP}


def order_update(*, credential_id: int, update: AlphaOrderUpdate) -> None:
    """One executionReport of one credential's order stream."""
    leg = _leg_of(credential_id, update.venue_order_id)
    with transaction.atomic():
        if leg is None:
            leg = _adopt(credential_id, update)
            if leg is None:
                return
        bot = bot_locked(leg.cycle.bot_id)
        leg = AlphaLeg.objects.select_related("cycle").get(pk=leg.pk)
        _record(bot, leg, update)
        if not update.trade_id and leg.status != "FILLED":
            return  # NEW / PENDING / CANCELED frames change no total and no phase
        fills = ledger.cycle_totals(leg.cycle, bot.token.alpha_id)
        if leg.cycle.number != bot.cycle_no:
            return  # a late frame of an earlier cycle: ledger only
        done = leg.status == "FILLED"
        if leg.role == LegRole.WORKING:
            apply_event(bot=bot, event=m.BuyProgress(ledger.bought_net(fills), done))
        elif AWAITED.get(m.Phase(bot.phase)) == leg.role or bot.phase == m.Phase.PAUSED:
            apply_event(bot=bot, event=m.SellProgress(fills.sell_base, done))


def _leg_of(credential_id: int, order_id: str) -> AlphaLeg | None:
    return (
        AlphaLeg.objects.select_related("cycle")
        .filter(order_id=order_id, cycle__bot__credential_id=credential_id)
        .first()
    )


def _record(bot: AlphaBot, leg: AlphaLeg, u: AlphaOrderUpdate) -> None:
    if u.orig_qty and leg.orig_qty != u.orig_qty:
        leg.orig_qty = u.orig_qty  # the pending SELL got its quantity when it went live
        leg.save(update_fields=["orig_qty", "updated_at"])
    if u.trade_id:
        quote = Decimal(str(u.raw.get("Y") or 0)) or u.last_qty * u.last_price
        side = u.side.value if u.side else leg.side
        ledger.fill_record(leg=leg, fill=FillRow(u.trade_id, side, u.last_price, u.last_qty,
                                                  quote, u.fee, u.fee_asset or "",
                                                  u.event_time))  # fmt: skip
    ledger.leg_status(leg=leg, status=u.venue_status, executed=u.cum_base, cum_quote=u.cum_quote)


def _adopt(credential_id: int, u: AlphaOrderUpdate) -> AlphaLeg | None:
    """A frame of an order we have no leg for: the pair (or sweep) being placed right now?"""
    cycles = AlphaCycle.objects.select_related("bot").filter(
        bot__credential_id=credential_id, bot__token__alpha_id=u.base_asset
    )
    if u.contingency_position == "OTO_WORKING":
        cycle = cycles.filter(sent_at__isnull=False, buy_price=u.price, quantity=u.orig_qty,
                              list_id="").order_by("-id").first()  # fmt: skip
        if cycle is None:
            return None
        bot_locked(cycle.bot_id)  # lock order everywhere: the bot row first, then its ledger
        cycle.list_id = u.order_list_id or ""
        cycle.save(update_fields=["list_id"])
        return ledger.leg_upsert(cycle=cycle, role=LegRole.WORKING, order_id=u.venue_order_id,
                                 side="BUY", price=u.price, orig_qty=u.orig_qty)  # fmt: skip
    if u.contingency_position == "OTO_PENDING" and u.order_list_id:
        cycle = cycles.filter(list_id=u.order_list_id).first()
        if cycle is None:
            return None
        bot = bot_locked(cycle.bot_id)
        leg = ledger.leg_upsert(cycle=cycle, role=LegRole.PENDING, order_id=u.venue_order_id,
                                side="SELL", price=u.price, orig_qty=u.orig_qty)  # fmt: skip
        working = cycle.legs.filter(role=LegRole.WORKING).first()
        if working is not None and bot.cycle_no == cycle.number:
            apply_event(bot=bot, event=m.PairPlaced(working.order_id, leg.order_id))
        return leg
    if u.contingency_type is None and u.side is not None and u.side.value == "SELL":
        cycle = cycles.filter(sweep_sent_at__isnull=False, sweep_price=u.price,
                              sweep_qty=u.orig_qty).order_by("-id").first()  # fmt: skip
        if cycle is None:
            return None
        from trading.alpha.services.commands import _register_sweep

        bot = bot_locked(cycle.bot_id)
        _register_sweep(cycle, u.venue_order_id, u.price, u.orig_qty)
        if bot.cycle_no == cycle.number:
            apply_event(bot=bot, event=m.SweepPlaced(u.venue_order_id))
        return cycle.legs.get(order_id=u.venue_order_id)
    return None


def pause_bots(*, bot_ids: list[int], reason: PauseReason, detail: str = "") -> int:
    """Pause each of these bots (one transaction each: one failing never holds the others)."""
    paused = 0
    for bot_id in bot_ids:
        with transaction.atomic():
            bot = bot_locked(bot_id)
            before = bot.phase
            apply_event(bot=bot, event=m.Pause(reason), detail=detail)
            paused += int(before != bot.phase)
    return paused


def running_bot_ids(*, token_id: int | None = None, credential_id: int | None = None) -> list[int]:
    rows = AlphaBot.objects.filter(phase__in=[p.value for p in m.RUNNING])
    if token_id is not None:
        rows = rows.filter(token_id=token_id)
    if credential_id is not None:
        rows = rows.filter(credential_id=credential_id)
    return list(rows.values_list("pk", flat=True))


def bots_restarted(*, credential_id: int, before) -> int:  # type: ignore[no-untyped-def]
    """The order stream of this credential is (re)opened by a new stream process: bots that were
    already mid-cycle before ``before`` reconcile (frames may have been missed)."""
    live = [p.value for p in m.RUNNING if p is not m.Phase.PLACING]
    ids = AlphaBot.objects.filter(credential_id=credential_id, phase__in=live,
                                  phase_since__lt=before).values_list("pk", flat=True)  # fmt: skip
    count = 0
    for bot_id in ids:
        with transaction.atomic():
            before_phase = bot_locked(bot_id).phase
            state = apply_event(bot=bot_locked(bot_id), event=m.Restarted())
            count += int(state.phase.value != before_phase)
    return count
